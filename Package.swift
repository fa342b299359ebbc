// swift-tools-version:6.0
import PackageDescription

// Modules by concern, dependencies one way:
//   CBLAS (system BLAS) -> RNNCore (cells, BPTT, training, trace) -> rnnlab (command line)
let package = Package(
    name: "rnnlab",
    products: [
        .executable(name: "rnnlab", targets: ["rnnlab"]),
        .library(name: "RNNCore", targets: ["RNNCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Debian's OpenBLAS (libopenblas-dev): dense matrix products for the recurrences.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "RNNCore",
            dependencies: ["CBLAS"]
        ),
        .executableTarget(
            name: "rnnlab",
            dependencies: [
                "RNNCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "RNNCoreTests",
            dependencies: ["RNNCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "rnnlabTests",
            dependencies: ["rnnlab", "RNNCore"]
        ),
    ]
)
