// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "altv-dev",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "altv-dev", targets: ["altv-dev"]),
        .library(name: "AltVDev", targets: ["AltVDev"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    ],
    targets: [
        .systemLibrary(name: "CInotifyTools", path: "Sources/CInotifyTools"),
        .target(name: "CProcessSpawn"),
        .target(name: "TOML"),
        .target(
            name: "AltVDev",
            dependencies: [
                "CInotifyTools",
                "CProcessSpawn",
                "TOML",
                // HTTP/1.1 to the client's debug endpoint: SwiftNIO's codec, no FoundationNetworking or libcurl.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The simulated alt:V server and game client: for the demo and the tests, not the product's logic.
        .target(
            name: "AltVDevSimulator",
            dependencies: [
                "AltVDev",
                "CProcessSpawn",
                "TOML",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "altv-dev",
            dependencies: [
                "AltVDev",
                "AltVDevSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "AltVDevTests", dependencies: ["AltVDev", "TOML", "TestSupport"]),
        .testTarget(name: "TOMLTests", dependencies: ["TOML", "TestSupport"]),
        .testTarget(name: "IntegrationTests", dependencies: ["AltVDev", "CProcessSpawn", "altv-dev", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
