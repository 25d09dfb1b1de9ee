import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Fixtures shaped like real apps whose classification once lost or froze something (stop 21),
/// pinned path by path: class, kind and the reason that decided it.
@Suite struct RealShapesClassificationTests {
    typealias Row = ClassifierTests.Row
    static let matomoFAQ = AppWrittenFilesKindTests.matomoFAQ

    static let expectations: [(String, [Row])] = [
        ("shaarli", [
            Row("application", .dir, .asset, "holds the app's code"),
            Row("assets", .dir, .asset,
                "its .htaccess denies all web access, but it holds front-end code (e.g. 'default/scss/shaarli.scss'): the sources a build compiles for the app"),
            Row("cache", .dir, .runtime, "git ignores it ('cache' in .gitignore)"),
            Row("data", .dir, .user, "git ignores it ('data' in .gitignore), so the app writes it: persistent"),
            Row("inc", .dir, .asset, "its name says it holds code"),
            Row("pagecache", .dir, .user, "git ignores it ('pagecache' in .gitignore)"),
            Row("plugins", .dir, .asset, "except the code the release ships there (e.g. 'qrcode/qrcode.html')"),
            Row("tmp", .dir, .runtime, "git ignores it ('tmp' in .gitignore)"),
            Row("tpl", .dir, .asset, "git ignores it ('tpl/*' in .gitignore) except the code the release ships there (e.g. 'default/linklist.html')"),
        ]),
        ("matomo", [
            Row("config", .dir, .asset, "holds the app's code"),
            Row("config/config.ini.php", .file, .config,
                "written by its installer and rewritten when settings or plugins change (Matomo: \(matomoFAQ)); the installer writes it, so it is linked and never created empty"),
            Row("core", .dir, .asset, "holds the app's code"),
            Row("js", .dir, .asset, "its name says asset"),
            Row("lang", .dir, .asset, "its name says it holds code"),
            Row("libs", .dir, .asset, "holds the app's code"),
            Row("matomo.js", .file, .disposable, "the JavaScript tracker, which Matomo rebuilds on each server with its plugins' tracker code"),
            Row("misc", .dir, .asset, "holds the app's code"),
            Row("misc/user", .dir, .user, "the custom logo and favicon uploaded in Matomo's general settings (Matomo: \(matomoFAQ))"),
            Row("piwik.js", .file, .disposable, "the JavaScript tracker"),
            Row("plugins", .dir, .asset, "holds the app's code"),
            Row("tmp", .dir, .runtime, "caches, compiled templates, merged css/js and logs (Matomo: \(matomoFAQ))"),
        ]),
        ("koel", [
            Row(".env", .file, .config, "seeded from .env.example when shared/ lacks it"),
            Row("bootstrap/cache", .dir, .disposable, "what php artisan optimize and config:cache write"),
            Row("database/database.sqlite", .file, .runtime,
                "the SQLite database of the 'sqlite' connection (config/database.php: env('DB_DATABASE', database_path('database.sqlite'))), used when DB_CONNECTION=sqlite"),
            Row("database/e2e.sqlite", .file, .runtime, "a SQLite database git ignores"),
            Row("database/koel.sqlite", .file, .runtime, "the SQLite database of the 'sqlite-persistent' connection"),
            Row("koel.db", .file, .runtime, "a SQLite database git ignores: data of the running app ('koel.db' in .gitignore)"),
            Row("public/css", .dir, .asset, "but it holds only compiled css/js, rebuilt for every release"),
            // Its icons ship with the code; the legacy image store inside it is the app's.
            Row("public/img", .dir, .asset, "git ignores it ('img/*' in public/.gitignore), but the release ships code and assets there"),
            Row("public/img/storage", .dir, .user, "git ignores what it holds ('img/storage/*' in public/.gitignore)"),
            Row("public/storage", .dir, .user, "Laravel's link to storage/app/public"),
            Row("storage", .dir, .runtime, "Laravel's storage/"),
        ]),
        ("bookstack", [
            Row(".env", .file, .config, "seeded from .env.example when shared/ lacks it"),
            Row("bootstrap/cache", .dir, .disposable, "what php artisan optimize and config:cache write"),
            Row("public/libs", .dir, .asset, "holds only static files"),
            Row("public/storage", .dir, .user, "Laravel's link to storage/app/public"),
            Row("public/uploads", .dir, .user, "git ignores what it holds ('*' in public/uploads/.gitignore)"),
            Row("storage", .dir, .runtime, "Laravel's storage/"),
            Row("themes", .dir, .user,
                "the release ships it with only .gitignore in it: the folder for the site's own theme, made on the server, so persistent "
                    + "(.env.example.complete names APP_THEME, the theme the app loads from themes/<APP_THEME>)"),
        ]),
    ]

    @Test(arguments: expectations)
    func classifiesEveryPathOfTheFixture(_ fixture: String, _ expected: [Row]) throws {
        let classification = try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: Fixtures.path(fixture))
        #expect(classification.paths.map(\.path) == expected.map(\.path))
        for (found, row) in zip(classification.paths, expected) {
            #expect(found.kind == row.kind, "\(row.path)")
            #expect(found.class == row.pathClass, "\(row.path)")
            #expect(found.reason.contains(row.reason), "\(row.path): \(found.reason)")
        }
    }
}

/// A small app written into a temporary folder, or a copy of a fixture changed for one test.
struct ScratchApp {
    let directory: TemporaryDirectory
    let path: String
    let fileSystem = LocalFileSystem()

    /// `files` (app-relative path -> contents) in a fresh folder.
    init(_ files: [String: String]) throws {
        directory = try TemporaryDirectory("scratch-app")
        path = directory.path
        try write(files)
    }

    /// A copy of the fixture, with `files` written over it and `removing` removed.
    init(fixture: String, writing files: [String: String] = [:], removing: [String] = []) throws {
        (directory, path) = try Fixtures.copy(fixture)
        for relative in removing { try fileSystem.removeTree(at: PathName.join(path, relative)) }
        try write(files)
    }

    func write(_ files: [String: String]) throws {
        for (relative, contents) in files {
            let full = PathName.join(path, relative)
            try fileSystem.createDirectory(at: PathName.parent(full), permissions: 0o755)
            try fileSystem.writeText(contents, to: full)
        }
    }

    func classify() throws -> Classification {
        defer { directory.remove() }
        return try Classifier(fileSystem: fileSystem).classify(appDirectory: path)
    }
}

extension Classification {
    func entry(_ path: String) -> ClassifiedPath? { paths.first { $0.path == path } }
}
