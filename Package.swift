// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "altv-dev",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "altv-dev", targets: ["altv-dev"]),
        .library(name: "AltVDev", targets: ["AltVDev"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
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
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ]
        ),
        .executableTarget(
            name: "altv-dev",
            dependencies: [
                "AltVDev",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "AltVDevTests", dependencies: ["AltVDev"]),
        .testTarget(name: "TOMLTests", dependencies: ["TOML"]),
        .testTarget(name: "IntegrationTests", dependencies: ["AltVDev", "CProcessSpawn", "altv-dev"]),
    ],
    swiftLanguageModes: [.v6]
)
