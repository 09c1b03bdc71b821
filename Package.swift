// swift-tools-version: 6.1
// hepexc — a compiler and CKKS runtime for privacy-preserving ML.
// Targets mirror the layers of docs/decisions.md; dependencies point down only
// (scripts/check-layering.sh enforces the table there, CI runs it):
//
//   hepexc (CLI) → HepexcDriver (application layer: one function per command)
//   HepexcDriver → Frontend, Passes, Training, Data, Plan, Executor, Benchmarks
//   compiler side:  HepexcFrontend → HepexcIR ← HepexcPasses → HepexcPlan
//   runtime side:   HepexcExecutor → HepexcCKKS → HepexcRing → HepexcModArith
//                   HepexcPlan is the only contract between the two sides;
//                   HepexcSecurity (the HE-standard table) is shared by both.
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "hepexc",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hepexc", targets: ["hepexc"]),
        .executable(name: "hepexc-bench-data-pruning", targets: ["BenchDataPruning"]),
        .library(name: "HepexcIR", targets: ["HepexcIR"]),
        .library(name: "HepexcFrontend", targets: ["HepexcFrontend"]),
        .library(name: "HepexcPasses", targets: ["HepexcPasses"]),
        .library(name: "HepexcData", targets: ["HepexcData"]),
        // Client and server of encrypted inference, for other Swift programs (docs/inference.md).
        .library(name: "HepexcInference", targets: ["HepexcInference", "HepexcPlan"]),
        .library(name: "HepexcServer", targets: ["HepexcServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // The inference server (issue 15): HTTP, logs, Prometheus metrics, graceful shutdown.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // MARK: Compiler side
        .target(
            name: "HepexcIR",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
            path: "Sources/IR",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ONNXProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Sources/ONNXProto",
            exclude: ["generated/README.md"]
        ),
        .systemLibrary(
            name: "CHDF5",
            path: "Sources/CHDF5",
            pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]
        ),
        .target(
            name: "HepexcFrontend",
            dependencies: [
                "HepexcIR", "ONNXProto", "CHDF5",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "Sources/Frontend",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "HepexcData",
            dependencies: ["HepexcIR", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Sources/Data",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "HepexcPasses",
            dependencies: ["HepexcIR", "HepexcPlan", "HepexcSecurity"],
            path: "Sources/Passes",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // HEPrune's top-k selection, shared by plaintext and encrypted data pruning.
        .target(
            name: "HepexcSelection",
            path: "Sources/Selection",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "HepexcTraining",
            dependencies: ["HepexcIR", "HepexcData", "HepexcSelection", "COpenBLAS"],
            path: "Sources/Training",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        // The plaintext HEPrune Table 3 benchmark (docs/benchmarks.md, "Dynamic data pruning").
        .executableTarget(
            name: "BenchDataPruning",
            dependencies: ["HepexcIR", "HepexcData", "HepexcTraining"],
            path: "Sources/BenchDataPruning",
            swiftSettings: strictSettings
        ),
        .target(
            name: "HepexcDriver",
            dependencies: ["HepexcIR", "HepexcFrontend", "HepexcPasses", "HepexcData", "HepexcPlan", "HepexcExecutor",
                           "HepexcTraining", "HepexcCKKS", "HepexcRing", "HepexcBenchmarks", "HepexcPrivateTraining",
                           "HepexcInference", "HepexcServer"],
            path: "Sources/Driver",
            exclude: ["README.md", "PrivateTraining/README.md"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "hepexc",
            dependencies: [
                "HepexcDriver",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/hepexc",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),

        // MARK: Runtime (issue 4) — runtime targets go here
        .target(
            name: "HepexcModArith",
            path: "Sources/Runtime/ModArith",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        // SIMD kernels (NTT, key-switch inner product) with CPUID dispatch (issue 17).
        .target(
            name: "CHepexcVector",
            path: "Sources/Runtime/CVectorKernels",
            exclude: ["README.md"]
        ),
        .target(
            name: "HepexcRing",
            dependencies: ["HepexcModArith", "CHepexcVector"],
            path: "Sources/Runtime/Ring",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "HepexcSecurity",
            path: "Sources/Runtime/Security",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "HepexcCKKS",
            dependencies: ["HepexcModArith", "HepexcRing", "HepexcSecurity", "CHepexcVector"],
            path: "Sources/Runtime/CKKS",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "HepexcBenchmarks",
            dependencies: ["HepexcModArith", "HepexcRing", "HepexcCKKS"],
            path: "Sources/Benchmarks",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        // MARK: Plans and their execution (issue 5)
        .target(
            name: "HepexcPlan",
            path: "Sources/Plan",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "HepexcExecutor",
            dependencies: ["HepexcPlan", "HepexcCKKS", "HepexcRing"],
            path: "Sources/Runtime/Executor",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),

        // MARK: Private training on encrypted features (issue 12)
        .target(
            name: "HepexcPrivateTraining",
            dependencies: ["HepexcExecutor", "HepexcCKKS", "HepexcPlan", "HepexcSelection"],
            path: "Sources/Runtime/PrivateTraining",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),

        // MARK: Client and server as separate parties (issue 15)
        .target(
            name: "HepexcInference",
            dependencies: ["HepexcExecutor", "HepexcPlan", "HepexcCKKS", "HepexcRing"],
            path: "Sources/Runtime/Inference",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "HepexcServer",
            dependencies: [
                "HepexcInference", "HepexcPlan",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Server",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InferenceTests",
            dependencies: ["HepexcInference", "HepexcServer", "HepexcExecutor", "HepexcCKKS", "HepexcPlan", "HepexcDriver",
                           "HepexcData", "HepexcIR", "_HepexcTestSupport"],
            swiftSettings: strictSettings
        ),

        // MARK: Tests
        .testTarget(name: "IRTests", dependencies: ["HepexcIR", "_HepexcTestSupport", .product(name: "PropertyBased", package: "swift-property-based")], resources: [.copy("Golden")], swiftSettings: strictSettings),
        .testTarget(
            name: "ModArithTests",
            dependencies: ["HepexcModArith"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RingTests",
            dependencies: ["HepexcModArith", "HepexcRing", "CHepexcVector"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CKKSTests",
            dependencies: ["HepexcModArith", "HepexcRing", "HepexcCKKS"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FrontendTests",
            dependencies: ["HepexcFrontend", "HepexcPasses", "HepexcData", "HepexcDriver", "_HepexcTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PassesTests",
            dependencies: ["HepexcPasses", "_HepexcTestSupport"],
            exclude: ["Golden", "PruningGolden"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DriverTests",
            dependencies: ["HepexcDriver", "HepexcData", "HepexcPasses", "HepexcPlan", "_HepexcTestSupport"],
            exclude: ["LoweringGolden", "Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["hepexc", "HepexcIR", "_HepexcTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "TrainingTests", dependencies: ["HepexcTraining", "HepexcIR", "HepexcData", "_HepexcTestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "BenchmarksTests", dependencies: ["HepexcBenchmarks"], swiftSettings: strictSettings),
        .testTarget(name: "SecurityTests", dependencies: ["HepexcSecurity"], swiftSettings: strictSettings),
        .testTarget(name: "SelectionTests", dependencies: ["HepexcSelection"], swiftSettings: strictSettings),
        .testTarget(name: "DataTests", dependencies: ["HepexcData", "_HepexcTestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "ExecutorTests",
            dependencies: ["HepexcExecutor", "HepexcPlan", "HepexcCKKS", "HepexcPasses", "HepexcDriver", "HepexcData", "_HepexcTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PrivateTrainingTests",
            dependencies: ["HepexcPrivateTraining", "HepexcExecutor", "HepexcCKKS", "HepexcPlan", "HepexcDriver", "HepexcData",
                           "HepexcIR", "_HepexcTestSupport", "hepexc"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "_HepexcTestSupport",
            dependencies: ["HepexcIR"],
            path: "Tests/_HepexcTestSupport",
            swiftSettings: strictSettings
        ),
    ]
)
