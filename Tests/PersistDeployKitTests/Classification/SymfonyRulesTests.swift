import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Symfony-shaped apps (Kimai, wallabag): `var/` and its run-time folders, `.gitignore` globs
/// that name them, and the `.env` family.
@Suite struct SymfonyRulesTests {
    /// A Symfony app: `composer.json` requiring the framework bundle, `bin/console`, `public/`,
    /// `var/cache`; plus `files`, each path to its text (a path ending in `/` is a folder).
    static func classify(_ files: [String: String]) throws -> Classification {
        let fileSystem = LocalFileSystem()
        let directory = try TemporaryDirectory("symfony-rules")
        defer { directory.remove() }
        let app = directory.path + "/app"
        var all: [String: String] = [
            "composer.json": #"{"require": {"symfony/framework-bundle": "^7.0"}}"#, "bin/console": "#!/usr/bin/env php\n",
            "public/index.php": "<?php\n", "var/cache/.gitkeep": "", "src/Kernel.php": "<?php\n",
        ]
        all.merge(files) { $1 }
        for (path, text) in all {
            if path.hasSuffix("/") {
                try fileSystem.createDirectory(at: app + "/" + path.dropLast(), permissions: 0o755)
                continue
            }
            try fileSystem.createDirectory(at: PathName.parent(app + "/" + path), permissions: 0o755)
            try fileSystem.writeText(text, to: app + "/" + path)
        }
        return try Classifier(fileSystem: fileSystem).classify(appDirectory: app)
    }

    /// Every entry the drift guard can suggest for a folder under `var/` is accepted: `var/` is
    /// not persistent in the list `classify` shows (the preset's `var/log` and `var/cache` lie
    /// inside it), so an entry beside those overlaps nothing, even one the preset already has.
    @Test(arguments: [
        (#""var/invoices": "runtime""#, "var/invoices", PathClass.runtime),
        (#""var/plugins/CustomCSSBundle": "user""#, "var/plugins/CustomCSSBundle", .user),
        (#""var/data": "user""#, "var/data", .user),
        (#""var/log": "runtime""#, "var/log", .runtime),
        (#""var/export": "disposable""#, "var/export", .disposable),
    ])
    func anEntryForAFolderInsideVarIsAccepted(entry: String, path: String, pathClass: PathClass) throws {
        let classification = try Self.classify(["persist-deploy.json": "{\"classify\": {\(entry)}}"])
        #expect(classification.paths.first { $0.path == path }?.class == pathClass)
        #expect(!classification.paths.contains { $0.path == "var" }, "var/ stays out of shared/ as a whole")
        #expect(classification.paths.first { $0.path == "var/cache" }?.class == .disposable)
        #expect(classification.paths.first { $0.path == "var/log" }?.class == .runtime)
    }

    /// Where `classify` does list `var/` as persistent (no preset keeps a path inside it), an
    /// entry inside it still overlaps, and the message names both.
    @Test func anEntryInsideAVisiblePersistentFolderStillOverlaps() throws {
        let fileSystem = LocalFileSystem()
        let (directory, app) = try Fixtures.copy("plain-php")
        defer { directory.remove() }
        try fileSystem.createDirectory(at: app + "/var/data", permissions: 0o755)
        let before = try Classifier(fileSystem: fileSystem).classify(appDirectory: app)
        try #require(before.paths.first { $0.path == "var" }?.class.isPersistent == true)
        try fileSystem.writeText(#"{"classify": {"var/data": "user"}}"#, to: app + "/persist-deploy.json")
        #expect(throws: ToolError.self) { try Classifier(fileSystem: fileSystem).classify(appDirectory: app) }
    }

    /// `.gitignore` patterns ending in `*` with no slash before it name the folder and its
    /// siblings: persistent when the release ships it with placeholders only, or lacks it under a
    /// folder named for data. A stem with a dot names files; an absent folder under a code folder
    /// (`/config/local*`) is settings, not data.
    @Test func trailingStarGlobsNameRunTimeFolders() throws {
        let classification = try Self.classify([
            ".gitignore": "/var/cache/*\n/var/plugins*\n/var/invoices*\n/var/export*\n/var/report.php*\n/config/local*\n",
            "var/plugins/.gitkeep": "", "config/services.yaml": "services:\n",
        ])
        let byPath = Dictionary(uniqueKeysWithValues: classification.paths.map { ($0.path, $0) })
        #expect(byPath["var/plugins"]?.class == .user)
        #expect(byPath["var/plugins"]?.reason.contains("'/var/plugins*' in .gitignore") == true)
        #expect(byPath["var/invoices"]?.class == .runtime, "its name says runtime")
        #expect(byPath["var/export"]?.class == .user)
        #expect(byPath["var/report.php"] == nil)
        #expect(byPath["config/local"] == nil)
        #expect(byPath["var/cache"]?.class == .disposable)
    }

    /// `.env` is seeded from `.env.dist` (Symfony's older template, Kimai's) as from
    /// `.env.example`; the overrides Symfony reads only when present are linked, never created
    /// empty; a test run's settings are not this server's config.
    @Test func theEnvFamily() throws {
        let classification = try Self.classify([
            ".env.dist": "APP_ENV=prod\n",
            ".gitignore": ".env\n/.env.local\n/.env.local.php\n/.env.*.local\n.env.test.local\n/.env.testing\n/.env.dusk.local\n/.env.prod.local\n",
            ".env.test": "APP_SECRET=test\n",
        ])
        let byPath = Dictionary(uniqueKeysWithValues: classification.paths.map { ($0.path, $0) })
        #expect(byPath[".env"]?.class == .config)
        #expect(byPath[".env"]?.example == ".env.dist")
        for optional in [".env.local", ".env.local.php", ".env.prod.local"] {
            #expect(byPath[optional]?.class == .config, "\(optional)")
            #expect(byPath[optional]?.awaitsApp == true, "\(optional) is never created empty")
            #expect(byPath[optional]?.reason.contains("the app reads it only when present") == true, "\(optional)")
        }
        for test in [".env.test", ".env.test.local", ".env.testing", ".env.dusk.local"] {
            #expect(byPath[test]?.class.isPersistent != true, "\(test)")
        }
    }
}
