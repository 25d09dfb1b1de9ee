import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// When `.env` is persistent: a `.env` made for an app that never reads one sits in a web root
/// served from the app root and is warned about for ever.
@Suite struct EnvRuleTests {
    /// A PHP app gets `.env` only when it reads one: it ships `.env` or `.env.example`, or
    /// requires phpdotenv; Laravel always does (its framework reads it).
    @Test func aPHPAppGetsEnvOnlyWhenItReadsOne() throws {
        let fileSystem = LocalFileSystem()
        func envEntry(_ fixture: String, _ files: [String: String]) throws -> ClassifiedPath? {
            let (directory, app) = try Fixtures.copy(fixture)
            defer { directory.remove() }
            for (name, text) in files { try fileSystem.writeText(text, to: PathName.join(app, name)) }
            return try Classifier(fileSystem: fileSystem).classify(appDirectory: app).paths.first { $0.path == ".env" }
        }
        #expect(try envEntry("kirby", [:]) == nil)
        #expect(try envEntry("plain-php", [:]) == nil)
        #expect(try envEntry("kirby", [".env.example": "DB=\n"])?.example == ".env.example")
        let loader = try envEntry("plain-php", ["composer.json": #"{"require": {"vlucas/phpdotenv": "^5.6"}}"#])
        #expect(loader?.class == .config && loader?.kind == .file)
        #expect(loader?.reason == "per-server settings: composer.json requires vlucas/phpdotenv, which reads .env")
        #expect(try envEntry("laravel-root-served", [:])?.class == .config)
        let (directory, app) = try Fixtures.copy("laravel-codecanyon")
        defer { directory.remove() }
        try? fileSystem.removeTree(at: PathName.join(app, ".env.example"))
        let bare = try Classifier(fileSystem: fileSystem).classify(appDirectory: app).paths.first { $0.path == ".env" }
        #expect(bare?.reason.contains("Laravel's per-server settings") == true)
    }
}
