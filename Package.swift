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
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.0"),
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
                // The client's debug endpoint is asked over HTTP with FlyingFox's client (no FoundationNetworking).
                .product(name: "FlyingFox", package: "FlyingFox"),
            ]
        ),
        // The simulated alt:V server and game client: for the demo and the tests, not the product's logic.
        .target(
            name: "AltVDevSimulator",
            dependencies: [
                "AltVDev",
                "CProcessSpawn",
                "TOML",
                .product(name: "FlyingFox", package: "FlyingFox"),
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
