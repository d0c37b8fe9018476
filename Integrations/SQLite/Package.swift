// swift-tools-version: 6.0
// DVCKit's SQLite outbox: a sibling package, so the root package stays free of any dependency
// and builds without SQLite. It depends on DVCKit by path and on the system's SQLite through a
// system-library target (pkg-config `sqlite3`; Debian/Ubuntu `libsqlite3-dev`, Homebrew `sqlite`).
import Foundation
import PackageDescription

// The root package's identity is the name of the directory it was cloned into.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let dvckit = root.lastPathComponent

let package = Package(
    name: "DVCKitSQLite",
    platforms: [.macOS(.v13), .iOS(.v16), .tvOS(.v16), .watchOS(.v9)],
    products: [
        .library(name: "DVCSQLite", targets: ["DVCSQLite"]),
    ],
    dependencies: [
        .package(path: "../.."),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        .target(name: "DVCSQLite", dependencies: [
            .target(name: "CSQLite", condition: .when(platforms: [.linux, .windows, .android])),
            .product(name: "DVCSync", package: dvckit),
        ]),
        .executableTarget(name: "dvc-outbox-bench", dependencies: [
            "DVCSQLite",
            .product(name: "DVCSync", package: dvckit),
            .product(name: "DVCTesting", package: dvckit),
        ]),
        .testTarget(name: "DVCSQLiteTests", dependencies: [
            "DVCSQLite",
            .product(name: "DVCTesting", package: dvckit),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
