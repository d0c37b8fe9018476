// swift-tools-version: 6.0
// DVCKit — a pure-Swift SDK for the exchange standard of Vietnam's National Public Service
// Portal (Cổng Dịch vụ công quốc gia). No package dependencies, by design: see README.md.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "DVCKit",
    platforms: [.macOS(.v13), .iOS(.v16), .tvOS(.v16), .watchOS(.v9)],
    products: [
        .library(name: "DVCKit", targets: ["DVCKit"]),
        .library(name: "DVCCore", targets: ["DVCCore"]),
        .library(name: "DVCClient", targets: ["DVCClient"]),
        .library(name: "DVCSync", targets: ["DVCSync"]),
        .library(name: "DVCTesting", targets: ["DVCTesting"]),
        // The command-line tools' code, for tools of the integrations (dvc-sync-postgres).
        .library(name: "DVCCommandLine", targets: ["DVCCommandLine"]),
        .executable(name: "dvc-demo", targets: ["dvc-demo"]),
        .executable(name: "dvc-validate", targets: ["dvc-validate"]),
        .executable(name: "dvc-sandbox", targets: ["dvc-sandbox"]),
        .executable(name: "dvc-sim", targets: ["dvc-sim"]),
        .executable(name: "dvc-sync", targets: ["dvc-sync"]),
        .executable(name: "dvc-reconcile", targets: ["dvc-reconcile"]),
        .executable(name: "dvc-report", targets: ["dvc-report"]),
        .executable(name: "dvc-bench", targets: ["dvc-bench"]),
        .executable(name: "dvc-fuzz", targets: ["dvc-fuzz"]),
    ],
    targets: [
        // Layers: DVCCore ← DVCClient ← DVCSync; DVCTesting ← DVCSync (the sandbox, the in-memory
        // outbox and the outbox conformance kit); DVCKit re-exports the three layers.
        .target(name: "DVCCore", swiftSettings: swiftSettings),
        .target(name: "DVCClient", dependencies: ["DVCCore"], swiftSettings: swiftSettings),
        .target(name: "DVCSync", dependencies: ["DVCCore", "DVCClient"], swiftSettings: swiftSettings),
        .target(name: "DVCTesting", dependencies: ["DVCCore", "DVCClient", "DVCSync"], swiftSettings: swiftSettings),
        .target(
            name: "DVCKit",
            dependencies: ["DVCCore", "DVCClient", "DVCSync"],
            swiftSettings: swiftSettings
        ),
        // Shared by the example and benchmark executables only (not a product): argument
        // parsing and fast line I/O, written once.
        .target(name: "DVCCommandLine", dependencies: ["DVCKit", "DVCCore", "DVCClient", "DVCSync"], swiftSettings: swiftSettings),

        .executableTarget(
            name: "dvc-demo", dependencies: ["DVCKit", "DVCCore", "DVCClient", "DVCSync", "DVCTesting", "DVCCommandLine"], path: "Examples/dvc-demo",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "dvc-validate", dependencies: ["DVCCommandLine"], path: "Examples/dvc-validate",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "dvc-sandbox", dependencies: ["DVCTesting", "DVCCommandLine"], path: "Examples/dvc-sandbox",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "dvc-sim", dependencies: ["DVCTesting"], path: "Examples/dvc-sim",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "dvc-sync", dependencies: ["DVCCommandLine"], path: "Examples/dvc-sync",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "dvc-reconcile", dependencies: ["DVCCommandLine"], path: "Examples/dvc-reconcile",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "dvc-report", dependencies: ["DVCCommandLine"], path: "Examples/dvc-report",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "dvc-bench", dependencies: ["DVCKit", "DVCCore", "DVCClient", "DVCSync", "DVCTesting", "DVCCommandLine"], path: "Benchmarks/dvc-bench",
            swiftSettings: swiftSettings),
        // libFuzzer targets for every input boundary (Fuzz/README.md); built normally it replays
        // corpora, built with -sanitize=fuzzer,address -DDVC_LIBFUZZER it fuzzes (Scripts/fuzz.sh).
        .executableTarget(
            name: "dvc-fuzz", dependencies: ["DVCCore", "DVCClient", "DVCSync", "DVCTesting"], path: "Fuzz/Sources/dvc-fuzz",
            swiftSettings: swiftSettings),

        // A test helper, not a product: appends from 16 tasks and reports each durable append, so
        // that a test can kill it with SIGKILL (GroupCommitProcessTests).
        .executableTarget(
            name: "dvc-journal-stress", dependencies: ["DVCCore", "DVCSync", "DVCTesting"], path: "Tests/Helpers/dvc-journal-stress",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "DVCCoreTests", dependencies: ["DVCCore"],
            resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(
            name: "DVCClientTests", dependencies: ["DVCCore", "DVCClient", "DVCTesting"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "DVCSyncTests", dependencies: ["DVCCore", "DVCClient", "DVCSync", "DVCTesting"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "DVCTestingTests", dependencies: ["DVCCore", "DVCClient", "DVCSync", "DVCTesting"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "DVCCommandLineTests",
            dependencies: ["DVCCore", "DVCClient", "DVCSync", "DVCTesting", "DVCCommandLine", "dvc-validate", "dvc-sync", "dvc-reconcile", "dvc-report", "dvc-sandbox",
                           "dvc-journal-stress"],
            swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
