// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "persist-deploy",
    products: [
        .executable(name: "persist-deploy", targets: ["persist-deploy"])
    ],
    targets: [
        // The shipped tool: a thin entry point over the library that holds every behaviour.
        .executableTarget(name: "persist-deploy", dependencies: ["PersistDeployKit"]),
        .target(name: "PersistDeployKit", dependencies: ["PersistDeployTemplates"]),

        // Templates in the top-level templates/ folder, compiled into the binary by a build-tool
        // plugin so the tool needs no resource bundle beside it.
        .target(
            name: "PersistDeployTemplates", path: "templates",
            exclude: [], plugins: ["EmbedTemplatesPlugin"]),
        .executableTarget(name: "EmbedTemplates"),
        .plugin(
            name: "EmbedTemplatesPlugin", capability: .buildTool(),
            dependencies: ["EmbedTemplates"]),

        // Tests.
        .target(name: "PersistDeployTestSupport", dependencies: ["PersistDeployKit"]),
        .testTarget(
            name: "PersistDeployKitTests",
            dependencies: ["PersistDeployKit", "PersistDeployTestSupport"],
            exclude: ["Golden"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["PersistDeployKit", "PersistDeployTestSupport"]),
    ]
)
