import PersistDeployKit
import PersistDeployTestSupport

/// The sample apps in the package's `Fixtures/` folder, found from this file's own path.
enum Fixtures {
    static let names = [
        "laravel-codecanyon", "laravel-inertia-vue", "next-app", "vue-vite", "react-cra", "plain-php", "wordpress", "tricky",
    ] + wholeAppNames + realShapeNames

    /// The fixtures of issue 12, one for each kind of place real apps keep their data.
    static let wholeAppNames = [
        "laravel-root-served", "phpbb-subfolder", "plain-cms", "gitignore-patterns", "sqlite-committed", "dokuwiki",
        "next-public-uploads", "grav", "linked-assets", "symfony", "codeigniter4", "kirby", "flarum",
    ]

    /// The fixtures of stop 21, each shaped like a real app classification once got wrong.
    static let realShapeNames = ["shaarli", "matomo", "koel", "bookstack"]

    static func path(_ name: String, filePath: String = #filePath) -> String {
        // Tests/PersistDeployKitTests/Detection/Fixtures.swift -> the package root.
        var root = filePath
        for _ in 0..<4 { root = PathName.parent(root) }
        return PathName.join(root, "Fixtures", name)
    }

    /// A copy of the fixture in a fresh temporary directory, for tests that change it.
    static func copy(_ name: String) throws -> (directory: TemporaryDirectory, app: String) {
        let directory = try TemporaryDirectory("fixture")
        let app = PathName.join(directory.path, name)
        try LocalFileSystem().copyTree(from: path(name), to: app)
        return (directory, app)
    }
}
