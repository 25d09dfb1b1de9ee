import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// What a Laravel app keeps in its own tree that the release lacks: the SQLite database its
/// config points into `database/` (Koel's, Laravel's default), and the folder for the site's own
/// theme (BookStack's `themes/`).
@Suite struct LaravelDataKindTests {
    static let laravel = [
        "artisan": "#!/usr/bin/env php\n<?php\n", "composer.json": #"{"require": {"laravel/framework": "^11.0"}}"#,
        "public/index.php": "<?php\n", "database/migrations/2024_01_01_000000_create_users_table.php": "<?php\n",
    ]

    static func connections(_ body: String) -> String {
        "<?php\n\nreturn [\n    'default' => env('DB_CONNECTION', 'mysql'),\n\n    'connections' => [\n\(body)\n    ],\n];\n"
    }

    static func classify(_ extra: [String: String], base: [String: String] = laravel) throws -> Classification {
        try ScratchApp(base.merging(extra) { $1 }).classify()
    }

    /// Each way a `config/database.php` names the file of a sqlite connection, and the
    /// databases it names: the app's own, not those of tests, nor one outside the app.
    @Test(arguments: [
        // Laravel 11 and 12.
        ("        'sqlite' => [\n            'driver' => 'sqlite',\n            'url' => env('DB_URL'),\n"
            + "            'database' => env('DB_DATABASE', database_path('database.sqlite')),\n            'pragmas' => [],\n        ],",
         ["database/database.sqlite"]),
        // Koel: its persistent connection, and not its end-to-end tests' one.
        ("        'sqlite-e2e' => [\n            'driver' => 'sqlite',\n            'database' => env('DB_DATABASE', __DIR__ . '/../database/e2e.sqlite'),\n        ],\n"
            + "        'sqlite-persistent' => [\n            'driver' => 'sqlite',\n            'database' => env('DB_DATABASE', __DIR__ . '/../database/koel.sqlite'),\n        ],",
         ["database/koel.sqlite"]),
        // The file named before the driver, in double quotes, and an old array() one.
        ("        \"local\" => [\n            \"database\" => database_path(\"site.sqlite3\"),\n            \"driver\" => \"sqlite\",\n        ],\n"
            + "        'legacy' => array(\n            'driver' => 'sqlite',\n            'database' => __DIR__.'/../database/production.db',\n        ),",
         ["database/production.db", "database/site.sqlite3"]),
        // Outside the app, in memory, from the environment only, for tests, or not sqlite at all.
        ("        'sqlite' => [\n            'driver' => 'sqlite',\n            'database' => '/var/lib/app/app.sqlite',\n        ],\n"
            + "        'memory' => [\n            'driver' => 'sqlite',\n            'database' => ':memory:',\n        ],\n"
            + "        'env' => [\n            'driver' => 'sqlite',\n            'database' => env('DB_DATABASE'),\n        ],\n"
            + "        'testing' => [\n            'driver' => 'sqlite',\n            'database' => database_path('testing.sqlite'),\n        ],\n"
            + "        'mysql' => [\n            'driver' => 'mysql',\n            'database' => database_path('not-sqlite.sqlite'),\n        ],",
         []),
    ])
    func theSQLiteFilesOfTheConfigPersist(_ body: String, _ expected: [String]) throws {
        let classification = try Self.classify(["config/database.php": Self.connections(body)])
        let databases = classification.paths.filter { $0.path.hasPrefix("database/") }
        #expect(databases.map(\.path) == expected)
        for database in databases {
            #expect(database.kind == .file && database.class == .runtime && !database.awaitsApp, "\(database.path)")
            #expect(database.reason.hasPrefix("the SQLite database of the '"), "\(database.reason)")
            #expect(database.reason.hasSuffix("; the release lacks it, so it starts empty in shared/ (an empty SQLite database)"))
        }
    }

    @Test func theReasonSaysWhichConnectionUsesIt() throws {
        let body = "        'sqlite-persistent' => [\n            'driver' => 'sqlite',\n"
            + "            'database' => env('DB_DATABASE', __DIR__ . '/../database/koel.sqlite'),\n        ],"
        let found = try #require(try Self.classify(["config/database.php": Self.connections(body)]).entry("database/koel.sqlite"))
        #expect(found.reason == "the SQLite database of the 'sqlite-persistent' connection (config/database.php: "
            + "env('DB_DATABASE', __DIR__ . '/../database/koel.sqlite')), used when DB_CONNECTION=sqlite-persistent: data of the running app, "
            + "persistent; the release lacks it, so it starts empty in shared/ (an empty SQLite database)")
    }

    /// No `config/database.php`: Laravel's own default file, when the app's env picks sqlite.
    @Test(arguments: [("DB_CONNECTION=sqlite\n", true), ("DB_CONNECTION=\"sqlite\"\n", true), ("DB_CONNECTION=mysql\n", false), ("APP_NAME=x\n", false)])
    func withoutAConfigTheEnvExampleDecides(_ env: String, _ listed: Bool) throws {
        let found = try Self.classify([".env.example": env]).entry("database/database.sqlite")
        #expect((found != nil) == listed)
        #expect(found.map { $0.reason.contains("(Laravel's default, as .env.example sets DB_CONNECTION=sqlite: database_path('database.sqlite'))") } ?? true)
    }

    /// A database the release ships keeps the rule that seeds it from the release; a database
    /// folder the release lacks has no file the app could create; a PHP app that is not
    /// Laravel has no such config.
    @Test func onlyAFileTheAppCanCreateIsAdded() throws {
        let skeleton = Self.connections("        'sqlite' => [\n            'driver' => 'sqlite',\n            'database' => database_path('database.sqlite'),\n        ],")
        let shipped = try Self.classify(["config/database.php": skeleton, "database/database.sqlite": "SQLite format 3"])
        #expect(shipped.entry("database/database.sqlite")?.reason.hasPrefix("a SQLite database the release ships") == true)

        var noFolder = Self.laravel
        noFolder["database/migrations/2024_01_01_000000_create_users_table.php"] = nil
        #expect(try Self.classify(["config/database.php": skeleton], base: noFolder).entry("database/database.sqlite") == nil)

        let plain = ["public/index.php": "<?php\n", "config/database.php": skeleton, "database/schema.sql": "--"]
        #expect(try Self.classify([:], base: plain).entry("database/database.sqlite") == nil)
    }
}

/// BookStack's `themes/`: the release ships it empty, the site's theme is made on the server.
@Suite struct ThemeFolderKindTests {
    @Test(arguments: [
        (["themes/.gitignore": "*\n!.gitignore\n"], "with only .gitignore in it"),
        (["themes/.gitkeep": ""], "with only .gitkeep in it"),
        (["themes/README.md": "Put your theme here.\n"], "with only README.md in it"),
        (["themes/.gitignore": "*\n", "themes/readme.txt": "x"], "with only .gitignore and readme.txt in it"),
    ])
    func aThemesFolderShippedEmptyPersists(_ files: [String: String], _ shipped: String) throws {
        let found = try #require(try LaravelDataKindTests.classify(files).entry("themes"))
        #expect(found.class == .user)
        #expect(found.reason == "the release ships it \(shipped): the folder for the site's own theme, made on the server, so persistent")
    }

    /// The same for a PHP app served from public/, and the reason names APP_THEME where the
    /// app's env example does.
    @Test func appThemeIsNamedWhenTheAppSaysSo() throws {
        let plain = try LaravelDataKindTests.classify(["themes/.gitkeep": ""], base: ["public/index.php": "<?php\n"])
        #expect(plain.entry("themes")?.class == .user)
        let named = try LaravelDataKindTests.classify(["themes/.gitignore": "*\n", ".env.example.complete": "# themes/<APP_THEME>\nAPP_THEME=false\n"])
        #expect(named.entry("themes")?.reason.hasSuffix(
            "so persistent (.env.example.complete names APP_THEME, the theme the app loads from themes/<APP_THEME>)") == true)
    }

    /// A release that ships a theme, or any other file there, ships the folder with its code;
    /// an app served from its root leaves the folder to the web root's rules (October's preset).
    @Test(arguments: [["themes/custom/layout.blade.php": "x"], ["themes/default.css": "x"], ["themes/.gitkeep": "", "themes/custom/.gitkeep": ""]])
    func aThemesFolderTheReleaseFillsShips(_ files: [String: String]) throws {
        #expect(try LaravelDataKindTests.classify(files).entry("themes") == nil)
    }

    @Test func anAppServedFromItsRootIsLeftToTheWebRootRules() throws {
        let classification = try ScratchApp(fixture: "laravel-root-served").classify()
        #expect(classification.entry("themes")?.reason.contains("October CMS") == true)
    }
}
