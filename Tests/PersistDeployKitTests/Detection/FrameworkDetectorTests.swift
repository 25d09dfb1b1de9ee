import PersistDeployKit
import PersistDeployTestSupport
import Testing

@Suite struct FrameworkDetectorTests {
    struct Expected: Sendable, CustomStringConvertible {
        var fixture: String
        var framework: Framework
        var webRoot: String
        var evidence: [String]
        var description: String { fixture }
    }

    static let expectations: [Expected] = [
        Expected(fixture: "laravel-codecanyon", framework: .laravel, webRoot: "public", evidence: [
            "an artisan file at the app root", "composer.json requires laravel/framework (^11.0)", "web root public/",
        ]),
        Expected(fixture: "laravel-inertia-vue", framework: .laravel, webRoot: "public", evidence: [
            "composer.json requires laravel/framework (^11.0)",
            "front end: Vue, via Inertia (@inertiajs/vue3), built by Vite into public/build",
        ]),
        Expected(fixture: "next-app", framework: .next, webRoot: "public", evidence: [
            "package.json lists next (14.2.3)", "a next.config.mjs file at the app root",
        ]),
        Expected(fixture: "vue-vite", framework: .vue, webRoot: "dist", evidence: [
            "package.json lists vue (^3.4.21)", "web root dist/: the build output of Vite, shipped in the release",
        ]),
        Expected(fixture: "react-cra", framework: .react, webRoot: "build", evidence: [
            "package.json lists react (^18.2.0) without next",
            "web root build/: the build output of Create React App, shipped in the release",
        ]),
        Expected(fixture: "plain-php", framework: .php, webRoot: "public_html", evidence: [
            "index.php in public_html/", "composer.json without laravel/framework",
        ]),
        Expected(fixture: "wordpress", framework: .php, webRoot: ".", evidence: [
            "WordPress-shaped: wp-config-sample.php at the app root", "index.php in the app root",
        ]),
        Expected(fixture: "tricky", framework: .php, webRoot: "public", evidence: [
            "package.json could not be read (line 4: the document ends where a value was expected); detection went on without it",
            "index.php in public/",
        ]),
        Expected(fixture: "laravel-root-served", framework: .laravel, webRoot: ".", evidence: [
            "web root: the app root (index.php there and no public/index.php)",
        ]),
        Expected(fixture: "phpbb-subfolder", framework: .php, webRoot: "phpBB", evidence: [
            "index.php in phpBB/: the app lives one folder down in its repository",
        ]),
        Expected(fixture: "plain-cms", framework: .php, webRoot: "public", evidence: ["index.php in public/"]),
        Expected(fixture: "gitignore-patterns", framework: .php, webRoot: "public", evidence: ["index.php in public/"]),
        Expected(fixture: "sqlite-committed", framework: .php, webRoot: "public", evidence: ["index.php in public/"]),
        Expected(fixture: "dokuwiki", framework: .php, webRoot: ".", evidence: ["index.php in the app root"]),
        Expected(fixture: "next-public-uploads", framework: .next, webRoot: "public", evidence: ["a next.config.js file at the app root"]),
        Expected(fixture: "grav", framework: .php, webRoot: ".", evidence: ["index.php in the app root"]),
        Expected(fixture: "kirby", framework: .php, webRoot: ".", evidence: ["index.php in the app root"]),
        Expected(fixture: "flarum", framework: .php, webRoot: "public", evidence: ["index.php in public/"]),
        Expected(fixture: "linked-assets", framework: .php, webRoot: "public", evidence: ["index.php in public/"]),
        Expected(fixture: "symfony", framework: .php, webRoot: "public", evidence: ["index.php in public/"]),
        Expected(fixture: "codeigniter4", framework: .php, webRoot: "public", evidence: ["index.php in public/"]),
        Expected(fixture: "shaarli", framework: .php, webRoot: ".", evidence: ["index.php in the app root", "composer.json without laravel/framework"]),
        Expected(fixture: "matomo", framework: .php, webRoot: ".", evidence: ["index.php in the app root", "composer.json without laravel/framework"]),
        Expected(fixture: "koel", framework: .laravel, webRoot: "public", evidence: [
            "an artisan file at the app root", "composer.json requires laravel/framework (^12.0)", "web root public/",
        ]),
        Expected(fixture: "bookstack", framework: .laravel, webRoot: "public", evidence: [
            "an artisan file at the app root", "composer.json requires laravel/framework (^11.10)", "web root public/",
        ]),
    ]

    @Test(arguments: expectations)
    func detectsEachFixture(_ expected: Expected) throws {
        let result = try FrameworkDetector(fileSystem: LocalFileSystem()).detect(appDirectory: Fixtures.path(expected.fixture))
        #expect(result.framework == expected.framework)
        #expect(result.webRoot == expected.webRoot)
        for sentence in expected.evidence {
            #expect(result.evidence.contains(sentence), "missing evidence '\(sentence)' in \(result.evidence)")
        }
    }

    @Test func everyFixtureHasAnExpectation() {
        #expect(Self.expectations.map(\.fixture).sorted() == Fixtures.names.sorted())
    }

    /// Writes `files` (path -> contents) into a fresh directory and detects it.
    private func detect(_ files: [String: String]) throws -> DetectionResult {
        let directory = try TemporaryDirectory("detect")
        defer { directory.remove() }
        let fileSystem = LocalFileSystem()
        for (path, contents) in files {
            let full = PathName.join(directory.path, path)
            try fileSystem.createDirectory(at: PathName.parent(full), permissions: 0o755)
            try fileSystem.writeText(contents, to: full)
        }
        return try FrameworkDetector(fileSystem: fileSystem).detect(appDirectory: directory.path)
    }

    @Test func malformedComposerWithArtisanIsStillLaravel() throws {
        let result = try detect(["artisan": "<?php", "composer.json": "{ \"require\": { \"laravel/framework\": ^11 } }"])
        #expect(result.framework == .laravel)
        #expect(result.evidence.contains { $0.hasPrefix("composer.json could not be read (line 1: unexpected character '^')") })
    }

    @Test func composerJsonThatIsNotAnObjectIsReported() throws {
        let result = try detect(["composer.json": "[1, 2]", "index.php": "<?php"])
        #expect(result.framework == .php)
        #expect(result.webRoot == ".")
        #expect(result.evidence.contains("composer.json could not be read: it is not a JSON object; detection went on without it"))
    }

    @Test func artisanWithoutLaravelInComposerIsPlainPHP() throws {
        let result = try detect(["artisan": "", "composer.json": #"{"require": {"slim/slim": "^4"}}"#, "public/index.php": ""])
        #expect(result.framework == .php)
        #expect(result.webRoot == "public")
    }

    @Test(arguments: [
        ("web/index.php", "web"), ("htdocs/index.php", "htdocs"), ("public_html/index.php", "public_html"), ("index.php", "."),
    ])
    func plainPHPWebRootIsTheFolderHoldingIndexPHP(_ file: String, _ webRoot: String) throws {
        let result = try detect([file: "<?php"])
        #expect(result.framework == .php)
        #expect(result.webRoot == webRoot)
    }

    @Test func nextConfigAloneIsNext() throws {
        #expect(try detect(["next.config.js": "module.exports = {}"]).framework == .next)
    }

    @Test func nuxtIsVueAndWithoutBuildOutputServesPublic() throws {
        let result = try detect(["package.json": #"{"dependencies": {"nuxt": "^3"}}"#])
        #expect(result.framework == .vue)
        #expect(result.webRoot == "public")
        #expect(result.evidence.contains("web root public/: no build output (dist/ or build/) in the release"))
    }

    @Test func reactWithNextIsNext() throws {
        #expect(try detect(["package.json": #"{"dependencies": {"react": "18", "next": "14"}}"#]).framework == .next)
    }

    @Test func laravelWithReactNamesTheFrontEnd() throws {
        let result = try detect([
            "artisan": "", "composer.json": #"{"require": {"laravel/framework": "^10"}}"#,
            "package.json": #"{"dependencies": {"react": "18", "@inertiajs/react": "1"}}"#,
        ])
        #expect(result.framework == .laravel)
        #expect(result.evidence.contains("front end: React, via Inertia (@inertiajs/react)"))
    }

    @Test func emptyFolderIsUnknown() throws {
        let result = try detect([:])
        #expect(result.framework == .unknown)
        #expect(result.webRoot == ".")
    }

    @Test func missingDirectoryIsOneLineNamingThePath() throws {
        let error = #expect(throws: ToolError.self) {
            try FrameworkDetector(fileSystem: LocalFileSystem()).detect(appDirectory: "/nonexistent/app-dir")
        }
        #expect(error?.message == "The app directory '/nonexistent/app-dir' does not exist; give the folder that holds the app's code.")
        #expect(error?.hint == nil)
        #expect(error?.exitCode == .failure)
    }

    @Test func fileInsteadOfDirectoryIsAnError() throws {
        let path = Fixtures.path("next-app/package.json")
        let error = #expect(throws: ToolError.self) { try FrameworkDetector(fileSystem: LocalFileSystem()).detect(appDirectory: path) }
        #expect(error?.message == "'\(path)' is not a directory; give the folder that holds the app's code.")
    }
}
