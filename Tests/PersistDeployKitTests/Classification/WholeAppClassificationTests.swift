import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The fixtures of issue 12, one for each kind of place real apps keep their data, pinned path
/// by path: class, kind and the reason that decided it.
@Suite struct WholeAppClassificationTests {
    typealias Row = ClassifierTests.Row
    static let phpBBDocs = "phpBB: https://github.com/phpbb/phpbb/blob/master/phpBB/docs/INSTALL.html"
    static let dokuWikiDocs = "DokuWiki: https://www.dokuwiki.org/install:permissions"
    static let gravDocs = "Grav: https://learn.getgrav.org/17/basics/folder-structure"
    static let octoberDocs = "October CMS: https://docs.octobercms.com/3.x/cms/themes/themes.html"
    static let dokuWikiCascade = "DokuWiki: https://www.dokuwiki.org/config (inc/config_cascade.php lists the local files)"

    static let expectations: [(String, [Row])] = [
        ("laravel-root-served", [
            Row(".env", .file, .config, "seeded from .env.example when shared/ lacks it"),
            Row("bootstrap", .dir, .asset, "holds the app's code"),
            Row("config", .dir, .asset, "holds the app's code"),
            Row("modules", .dir, .asset, "holds the app's code"),
            Row("plugins", .dir, .asset, "holds the app's code"),
            Row("storage", .dir, .runtime, "Laravel's storage/"),
            Row("themes", .dir, .user, "themes installed from the backend (\(octoberDocs))"),
        ]),
        ("kirby", [
            Row("assets", .dir, .asset, "its name says asset"),
            Row("content", .dir, .user, "its name says user"),
            Row("kirby", .dir, .asset, "holds the app's code"),
            Row("media", .dir, .user, "git ignores it ('/media/*' in .gitignore)"),
            Row("site", .dir, .asset, "holds the app's code"),
            Row("site/accounts", .dir, .user, "git ignores what it holds ('/site/accounts/*' in .gitignore)"),
            Row("site/cache", .dir, .runtime, "git ignores it ('/site/cache/*' in .gitignore)"),
        ]),
        ("flarum", [
            Row("config.php", .file, .config, "written by Flarum's installer"),
            Row("public/assets", .dir, .user, "avatars and the compiled forum assets"),
            Row("storage", .dir, .runtime, "logs, sessions, caches and formatter data"),
        ]),
        ("phpbb-subfolder", [
            Row("phpBB/adm", .dir, .asset, "its name says it holds code"),
            Row("phpBB/cache", .dir, .disposable, "compiled templates and the service container, rebuilt on demand (\(phpBBDocs))"),
            Row("phpBB/config.php", .file, .config, "written by phpBB's installer (\(phpBBDocs)); the installer writes it, so it is linked and never created empty"),
            Row("phpBB/ext", .dir, .user, "git ignores it ('/phpBB/ext/*' in .gitignore), so the app writes it: persistent"),
            Row("phpBB/files", .dir, .user, "attachments (\(phpBBDocs))"),
            Row("phpBB/images", .dir, .asset, "its name says asset"),
            Row("phpBB/images/avatars/upload", .dir, .user, "uploaded avatars (\(phpBBDocs))"),
            Row("phpBB/includes", .dir, .asset, "holds the app's code"),
            Row("phpBB/install", .dir, .asset, "holds the app's code"),
            Row("phpBB/language", .dir, .asset, "except the code the release ships there (e.g. 'en/common.php'), so it ships with each release"),
            Row("phpBB/phpbb", .dir, .asset, "holds the app's code"),
            Row("phpBB/store", .dir, .runtime, "the installer's and updater's state (\(phpBBDocs))"),
            Row("phpBB/styles", .dir, .asset, "its name says it holds code"),
        ]),
        ("plain-cms", [
            Row("data", .dir, .user, "a folder named for the app's data at the app root"),
            Row("public/content", .dir, .user, "its name says user"),
            Row("public/css", .dir, .asset, "its name says asset"),
            Row("public/private", .dir, .user, "its .htaccess denies all web access and it holds no code"),
            Row("writable", .dir, .runtime, "a folder named for the app's data at the app root"),
        ]),
        ("gitignore-patterns", [
            Row("config.inc.php", .file, .config, "git ignores ('/config.inc.*' in .gitignore); the release lacks it, so the app's installer writes it"),
            Row("public/css", .dir, .asset, "its name says asset"),
            Row("public/exports", .dir, .runtime, "git ignores it ('/public/exports/' in .gitignore) and the release has no such folder: the app makes it at run time"),
            Row("public/gallery", .dir, .user, "git ignores it ('/public/gallery/*' in .gitignore), so the app writes it: persistent"),
        ]),
        ("sqlite-committed", [
            Row("database/site.sqlite3", .file, .runtime, "a SQLite database the release ships: the running app writes it, so it is seeded from the release once and persistent after"),
            Row("public/images", .dir, .asset, "its name says asset"),
        ]),
        ("dokuwiki", [
            Row("conf", .dir, .asset, "except the code the release ships there"),
            Row("conf/acl.auth.php", .file, .config, "written by install.php and the ACL manager (\(dokuWikiDocs)); the installer writes it"),
            Row("conf/acronyms.local.conf", .file, .user, "the admin's local override of DokuWiki's shipped settings (\(dokuWikiCascade))"),
            Row("conf/entities.local.conf", .file, .user, "the admin's local override"),
            Row("conf/interwiki.local.conf", .file, .user, "the admin's local override"),
            Row("conf/local.php", .file, .config, "written by install.php and the configuration manager (\(dokuWikiDocs)); the installer writes it"),
            Row("conf/local.php.bak.php", .file, .disposable, "the configuration manager's backup: it renames conf/local.php"),
            Row("conf/mime.local.conf", .file, .user, "the admin's local override"),
            Row("conf/plugins.local.php", .file, .config, "written by the extension manager (\(dokuWikiDocs))"),
            Row("conf/plugins.local.php.bak", .file, .disposable, "the extension manager's copy of the previous plugin states"),
            Row("conf/scheme.local.conf", .file, .user, "the admin's local override"),
            Row("conf/smileys.local.conf", .file, .user, "the admin's local override"),
            Row("conf/tpl", .dir, .user, "template style settings the Styling plugin saves"),
            Row("conf/users.auth.php", .file, .config, "written by install.php and the user manager (\(dokuWikiDocs))"),
            Row("conf/userscript.js", .file, .user, "the admin's local override"),
            Row("conf/userstyle.css", .file, .user, "the admin's local override"),
            Row("conf/wordblock.local.conf", .file, .user, "the admin's local override"),
            Row("data", .dir, .user, "pages, media, revisions, the index and caches (\(dokuWikiDocs))"),
            Row("inc", .dir, .asset, "holds the app's code"),
            Row("lib", .dir, .asset, "holds the app's code"),
        ]),
        ("next-public-uploads", [
            Row(".env", .file, .config, "seeded from .env.production when shared/ lacks it"),
            Row(".next", .dir, .asset, "Next.js's build output"),
            Row(".next/cache", .dir, .disposable, "(Next.js: https://nextjs.org/docs/messages/no-cache)"),
            Row(".next/server/app", .dir, .disposable, "pages next start regenerates (incremental static regeneration)"),
            Row("public/images", .dir, .asset, "its name says asset"),
            Row("public/uploads", .dir, .user, "git ignores it ('/public/uploads/' in .gitignore) and the release has no such folder"),
        ]),
        ("grav", [
            Row("assets", .dir, .disposable, "pipelined css and js, routinely flushed (\(gravDocs))"),
            Row("backup", .dir, .user, "Grav's backups (\(gravDocs))"),
            Row("bin", .dir, .asset, "its name says it holds code"),
            Row("cache", .dir, .disposable, "compiled Twig templates, routinely flushed (\(gravDocs))"),
            Row("images", .dir, .disposable, "processed images, regenerated as needed (\(gravDocs))"),
            Row("logs", .dir, .runtime, "Grav's logs (\(gravDocs))"),
            Row("system", .dir, .asset, "holds the app's code"),
            Row("tmp", .dir, .disposable, "temporary files (\(gravDocs))"),
            Row("user", .dir, .user, "all the site's own content: pages, accounts, config, plugins, themes (\(gravDocs))"),
            Row("vendor", .dir, .asset, "its name says asset"),
        ]),
        ("linked-assets", [
            Row("public/ui", .dir, .asset, "a link to '../vendor/acme/ui/dist', not walked; the release ships it pointing inside the app (vendor/acme/ui/dist), so it stays a link"),
            Row("public/uploads", .dir, .user, "holds only a placeholder (.gitkeep)"),
        ]),
        ("symfony", [
            Row(".env", .file, .asset, "the committed defaults, which ship with the code"),
            Row(".env.local", .file, .config, "this server's overrides of .env (Symfony: https://symfony.com/doc/current/configuration.html"),
            Row(".env.local.php", .file, .config, "install-time settings of this server, which git ignores"),
            Row("public/build", .dir, .asset, "its name says asset"),
            Row("public/uploads", .dir, .user, "uploaded files"),
            Row("var/cache", .dir, .disposable, "the compiled container and caches for this release's code (Symfony: https://symfony.com/doc/current/setup/file_permissions.html)"),
            Row("var/log", .dir, .runtime, "the app's logs (Symfony: https://symfony.com/doc/current/setup/file_permissions.html)"),
        ]),
        ("codeigniter4", [
            Row(".env", .file, .config, "(CodeIgniter 4: https://codeigniter4.github.io/CodeIgniter4/general/configuration.html#dotenv-file); seeded from env"),
            Row("writable", .dir, .runtime, "(CodeIgniter 4: https://codeigniter4.github.io/CodeIgniter4/concepts/structure.html#writable)"),
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

    private func classify(_ fixture: String) throws -> Classification {
        try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: Fixtures.path(fixture))
    }

    private func path(_ classification: Classification, _ path: String) throws -> ClassifiedPath {
        try #require(classification.paths.first { $0.path == path }, "\(path) not classified")
    }

    @Test func aLaravelBasedAppServedFromItsRootHasNoStorageLink() throws {
        let classification = try classify("laravel-root-served")
        #expect(classification.framework == .laravel)
        #expect(classification.webRoot == ".")
        #expect(classification.evidence.contains("web root: the app root (index.php there and no public/index.php)"))
        #expect(classification.paths.allSatisfy { $0.linkTarget == nil })
    }

    @Test func anArtisanAppRequiringItsOwnLaravelPackageIsLaravelBased() throws {
        let (directory, app) = try Fixtures.copy("laravel-root-served")
        defer { directory.remove() }
        try LocalFileSystem().writeText(#"{"require": {"php": "^8.1", "october/all": "^3.7"}}"#, to: PathName.join(app, "composer.json"))
        let classification = try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: app)
        #expect(classification.framework == .laravel)
        #expect(classification.evidence.contains(
            "an artisan file and bootstrap/app.php at the app root: a Laravel-based app (composer.json requires october/all, not laravel/framework itself)"))
        #expect(classification.persistentPaths.map(\.path) == [".env", "storage", "themes"])
    }

    @Test func anAppOneFolderDownIsServedFromThatFolder() throws {
        let classification = try classify("phpbb-subfolder")
        #expect(classification.webRoot == "phpBB")
        #expect(classification.evidence.contains("index.php in phpBB/: the app lives one folder down in its repository"))
        #expect(classification.evidence.contains("the phpBB preset applies (its files in phpBB/)"))
    }

    @Test func installerWrittenConfigFilesAreNeverCreatedAndSaySo() throws {
        let config = try path(try classify("phpbb-subfolder"), "phpBB/config.php")
        #expect(config.writtenByApp == true)
        #expect(config.awaitsApp)
        for file in ["conf/local.php", "conf/users.auth.php", "conf/acl.auth.php", "conf/plugins.local.php"] {
            #expect(try path(try classify("dokuwiki"), file).awaitsApp, "\(file)")
        }
        // The glob `/config.inc.*` read plainly names the file the installer writes.
        #expect(try path(try classify("gitignore-patterns"), "config.inc.php").awaitsApp)
    }

    @Test func configFilesAreSeededFromTheExampleTheReleaseShips() throws {
        #expect(try path(try classify("next-public-uploads"), ".env").example == ".env.production")
        #expect(try path(try classify("codeigniter4"), ".env").example == "env")
        #expect(try path(try classify("laravel-root-served"), ".env").example == ".env.example")
        // A file the release ships is seeded from itself, not from an example.
        let (directory, app) = try Fixtures.copy("codeigniter4")
        defer { directory.remove() }
        try LocalFileSystem().writeText("CI_ENVIRONMENT = production\n", to: PathName.join(app, ".env"))
        let shipped = try #require(try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: app).paths.first { $0.path == ".env" })
        #expect(shipped.example == nil)
    }

    @Test func aLinkTheReleaseShipsIntoItsOwnTreeStaysALink() throws {
        let classification = try classify("linked-assets")
        let link = try path(classification, "public/ui")
        #expect(link.linkTarget == "vendor/acme/ui/dist")
        #expect(!classification.persistentPaths.contains { $0.path == "public/ui" })
        #expect(!classification.assetPaths.contains { $0.path == "public/ui" })
        // The stray link out of the app is named once, never made persistent.
        #expect(!classification.paths.contains { $0.path == "public/archive" })
        #expect(classification.pathWarnings["public/archive"]?.contains("never followed and never made persistent") == true)
    }

    @Test func aDanglingLinkInsideTheAppIsLeftAsShipped() throws {
        let (directory, app) = try Fixtures.copy("linked-assets")
        defer { directory.remove() }
        try LocalFileSystem().removeTree(at: PathName.join(app, "vendor"))
        let classification = try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: app)
        #expect(!classification.paths.contains { $0.path == "public/ui" })
        #expect(classification.pathWarnings["public/ui"]?.contains("which points nowhere") == true)
    }

    @Test func thumbnailCachesAndTestDatabasesAreNotTheAppsData() throws {
        let classification = try classify("sqlite-committed")
        #expect(!classification.paths.contains { $0.path.hasSuffix("Thumbs.db") })
        #expect(!classification.paths.contains { $0.path.hasPrefix("tests/") })
    }

    @Test(arguments: [
        ("Require all denied\n", true), ("Deny from all\n", true), ("  require   ALL denied\n", true),
        ("<IfModule mod_authz_core.c>\n\tRequire all denied\n</IfModule>\n", true),
        ("# Require all denied\n", false), ("Require all granted\n", false), ("Deny from 10.0.0.1\n", false), ("", false),
    ])
    func denyAllIsReadFromTheHtaccessOutsideComments(_ text: String, _ denies: Bool) {
        #expect(NameRulesProbe.deniesAllWebAccess(text) == denies)
    }

    @Test func aDenyAllFolderHoldingCodeShipsWithTheRelease() throws {
        let (directory, app) = try Fixtures.copy("plain-cms")
        defer { directory.remove() }
        try LocalFileSystem().writeText("<?php class Orders {}\n", to: PathName.join(app, "public/private/Orders.php"))
        let found = try #require(try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: app).paths.first { $0.path == "public/private" })
        #expect(found.class == .asset)
        #expect(found.reason == "holds the app's code (PHP and its templates), which ships with each release")
    }

    @Test func aPresetPathInsideAGenericDataFolderWins() throws {
        // Symfony's var/log and var/cache, not the generic var/ (which would keep the compiled
        // container of an old release).
        let classification = try classify("symfony")
        #expect(!classification.paths.contains { $0.path == "var" })
        #expect(try path(classification, "var/cache").class == .disposable)
    }
}

extension WholeAppClassificationTests {
    /// A preset's `*` over folders with hostile names (quotes, `$( )`, a leading `-`, a newline,
    /// a byte that is not UTF-8): each is its own persistent path, named exactly.
    @Test func presetStarsExpandOverHostileNames() throws {
        let directory = try TemporaryDirectory("drupal-hostile")
        defer { directory.remove() }
        let fileSystem = LocalFileSystem()
        let app = directory.path
        try fileSystem.createDirectory(at: PathName.join(app, "core/lib"), permissions: 0o755)
        try fileSystem.writeText("<?php\n", to: PathName.join(app, "core/lib/Drupal.php"))
        try fileSystem.writeText("<?php\n", to: PathName.join(app, "index.php"))
        let names = ["default", "it's \"odd\"", "$(touch pwned)", "-rf", "new\nline", NameBytes.string([0x63, 0x61, 0x66, 0xE9])]
        for name in names {
            try fileSystem.createDirectory(at: PathName.join(app, "sites", name, "files"), permissions: 0o755)
        }
        let classification = try Classifier(fileSystem: fileSystem).classify(appDirectory: app)
        for name in names {
            let files = classification.paths.first { NameBytes.Key($0.path) == NameBytes.Key("sites/\(name)/files") }
            #expect(files?.class == .user, "\(NameBytes.display(name))")
            let settings = classification.paths.first { NameBytes.Key($0.path) == NameBytes.Key("sites/\(name)/settings.php") }
            #expect(settings?.awaitsApp == true, "\(NameBytes.display(name))")
        }
    }
}

/// `NameRules` is internal to the kit; the deny-all reading is reached through `Classifier` in
/// the tests above and checked directly here on a one-folder app.
enum NameRulesProbe {
    static func deniesAllWebAccess(_ htaccess: String) -> Bool {
        guard let directory = try? TemporaryDirectory("htaccess") else { return false }
        defer { directory.remove() }
        let fileSystem = LocalFileSystem()
        do {
            try fileSystem.writeText("<?php", to: PathName.join(directory.path, "index.php"))
            try fileSystem.createDirectory(at: PathName.join(directory.path, "private"), permissions: 0o755)
            try fileSystem.writeText(htaccess, to: PathName.join(directory.path, "private/.htaccess"))
            try fileSystem.writeText("ledger", to: PathName.join(directory.path, "private/ledger.csv"))
            let found = try Classifier(fileSystem: fileSystem).classify(appDirectory: directory.path).paths.first { $0.path == "private" }
            return found?.reason.contains(".htaccess denies all web access") == true
        } catch {
            return false
        }
    }
}
