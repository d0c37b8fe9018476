// swift-tools-version: 6.0
// DVCKit's PostgreSQL outbox: a sibling package, so the root package stays free of any dependency
// and builds without libpq. It depends on DVCKit by path and on the system's libpq through a
// system-library target (pkg-config `libpq`; Debian/Ubuntu `libpq-dev`, Homebrew `libpq`).
import Foundation
import PackageDescription

// The root package's identity is the name of the directory it was cloned into.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let dvckit = root.lastPathComponent

let package = Package(
    name: "DVCKitPostgres",
    platforms: [.macOS(.v13), .iOS(.v16), .tvOS(.v16), .watchOS(.v9)],
    products: [
        .library(name: "DVCPostgres", targets: ["DVCPostgres"]),
        .executable(name: "dvc-sync-postgres", targets: ["dvc-sync-postgres"]),
    ],
    dependencies: [
        .package(path: "../.."),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .target(name: "DVCPostgres", dependencies: [
            .target(name: "CLibPQ"),
            .product(name: "DVCSync", package: dvckit),
        ]),
        .executableTarget(name: "dvc-sync-postgres", dependencies: [
            "DVCPostgres",
            .product(name: "DVCCommandLine", package: dvckit),
        ]),
        .testTarget(name: "DVCPostgresTests", dependencies: [
            "DVCPostgres",
            .product(name: "DVCTesting", package: dvckit),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
