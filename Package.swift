// swift-tools-version:6.0
import PackageDescription

// Modules by concern, dependencies one way:
//   RNNKernels (dense kernels) -> RNNCore (cells, BPTT, training, trace)
//   Reports (Markdown, HTML, SVG charts; depends on nothing of ours)
//   RNNCore + Reports -> RNNGraph (DOT diagrams, Graphviz rendering)
//   -> Lessons (lesson format and runner) -> rnnlab (command line)
let package = Package(
    name: "rnnlab",
    products: [
        .executable(name: "rnnlab", targets: ["rnnlab"]),
        .library(name: "RNNCore", targets: ["RNNCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Dense double-precision kernels (AVX2/FMA with a generic fallback).
        .target(
            name: "RNNKernels",
            cSettings: [.unsafeFlags(["-O3"])]
        ),
        .target(
            name: "RNNCore",
            dependencies: ["RNNKernels"]
        ),
        // Graphviz's C library (Debian: libgraphviz-dev), used by exactly one Swift file.
        .systemLibrary(
            name: "CGraphviz",
            pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev"])]
        ),
        .target(
            name: "RNNGraph",
            dependencies: ["RNNCore", "Reports", "CGraphviz"]
        ),
        // cmark-gfm, GitHub's CommonMark library (Debian: libcmark-gfm-dev and
        // libcmark-gfm-extensions-dev), used by exactly one Swift file (Reports/Markdown.swift).
        .systemLibrary(
            name: "CMarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // Two system calls Swift's Glibc module does not expose: renameat2's atomic exchange
        // (a report folder replaced whole) and flock (the output index updated under a lock).
        .target(name: "CFileSystem"),
        // The terminal for `rnnlab step`: raw keys, its size, and restoring it on every way out
        // (a signal handler must be async-signal-safe, which C can promise).
        .target(name: "CTerminal"),
        // Markdown and HTML reports, SVG charts.
        .target(
            name: "Reports",
            dependencies: ["CMarkGFM", "CFileSystem"]
        ),
        // The lesson format and the notebook-style runner.
        .target(
            name: "Lessons",
            dependencies: ["RNNCore", "RNNGraph", "Reports", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "rnnlab",
            dependencies: [
                "RNNCore",
                "RNNGraph",
                "Lessons",
                "Reports",
                "CTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "RNNCoreTests",
            dependencies: ["RNNCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RNNGraphTests",
            dependencies: ["RNNGraph", "RNNCore"],
            resources: [.copy("Golden")]
        ),
        .testTarget(
            name: "LessonsTests",
            dependencies: ["Lessons", "Reports", "RNNCore"]
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports"],
            resources: [.copy("Golden")]
        ),
        .testTarget(
            name: "rnnlabTests",
            dependencies: ["rnnlab", "RNNCore"]
        ),
    ]
)
