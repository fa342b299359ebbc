// swift-tools-version:6.0
import PackageDescription

// Modules by concern, dependencies one way:
//   RNNKernels (dense kernels) -> RNNCore (cells, BPTT, training, trace) -> rnnlab (command line)
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
        // Dense double-precision kernels (AVX2/FMA with a generic fallback).
        .target(
            name: "RNNKernels",
            cSettings: [.unsafeFlags(["-O3"])]
        ),
        .target(
            name: "RNNCore",
            dependencies: ["RNNKernels"]
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
