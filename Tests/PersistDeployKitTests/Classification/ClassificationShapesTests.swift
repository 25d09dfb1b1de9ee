import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Shapes of real apps where one sign alone (git ignores it, a placeholder, a name, a
/// `.gitignore` of a library, a preset's path) said the wrong thing about a path: Lychee's
/// published `public/vendor`, Akaunting's `public/files` templates, wallabag's unbuilt
/// `web/bundles` and `web/` root, FreshRSS's `lib/.gitignore`, ProcessWire's and Bludit's
/// `.gitignore` lines for paths the repository does not ship, Piwigo's `/upload`, OpenCart's
/// `config-dist.php` and Docker `.env`.
@Suite struct ClassificationShapesTests {
    /// Classifies an app made of `files` (path to text; a path ending in `/` is a folder).
    static func classify(_ files: [String: String]) throws -> Classification {
        let fileSystem = LocalFileSystem()
        let directory = try TemporaryDirectory("shapes")
        defer { directory.remove() }
        let app = directory.path + "/app"
        for (path, text) in files {
            if path.hasSuffix("/") {
                try fileSystem.createDirectory(at: app + "/" + path.dropLast(), permissions: 0o755)
                continue
            }
            try fileSystem.createDirectory(at: PathName.parent(app + "/" + path), permissions: 0o755)
            try fileSystem.writeText(text, to: app + "/" + path)
        }
        return try Classifier(fileSystem: fileSystem).classify(appDirectory: app)
    }

    static let laravel: [String: String] = [
        "artisan": "<?php\n", "bootstrap/app.php": "<?php\n", "composer.json": #"{"require": {"laravel/framework": "^12.0"}}"#,
        "public/index.php": "<?php\n", "app/Kernel.php": "<?php\n",
    ]

    static func path(_ classification: Classification, _ path: String) -> ClassifiedPath? {
        classification.paths.first { $0.path == path }
    }

    // MARK: 1. A git-ignored folder the release ships code and assets in

    /// Whatever the folder is called and whichever ignore rule names it, shipped code, compiled
    /// front-end code or (under an asset's name) static files make it an asset.
    @Test(arguments: [
        ("vendor", "public/vendor/\n", ["log-viewer/app.js": "x", "log-viewer/mix-manifest.json": "{}", "log-viewer/img/logo.png": "p", "log-viewer/app.js.LICENSE.txt": "MIT"]),
        ("vendor", "/public/vendor/*\n", ["horizon/app.css": "a{}", "horizon/fonts/a.woff2": "f"]),
        ("published", "/public/published\n", ["widget/widget.php": "<?php\n", "widget/widget.twig": "{{ x }}"]),
        ("vendor", "public/vendor/\n", ["telescope/img/a.png": "p", "telescope/img/b.svg": "<svg/>"]),
    ])
    func anIgnoredFolderShippingCodeIsAnAsset(name: String, rule: String, files: [String: String]) throws {
        var app = Self.laravel
        app[".gitignore"] = "/vendor\n" + rule
        for (file, text) in files { app["public/\(name)/\(file)"] = text }
        let found = try #require(Self.path(try Self.classify(app), "public/\(name)"))
        #expect(found.class == .asset, "\(found.reason)")
        #expect(found.reason.contains("but the release ships code and assets there"), "\(found.reason)")
    }

    /// Git ignoring a folder still says the app writes there when the release ships nothing but
    /// placeholders, images under a name no asset rule knows, or what users upload.
    @Test(arguments: [
        ("photos", ["a.jpg": "j", "b.png": "p"]),
        ("exported", ["report.pdf": "%PDF", "app.js": "x"]),
        ("drop", [".gitkeep": ""]),
        ("vendor", ["manual.docx": "d"]),
    ])
    func anIgnoredFolderOfDataStaysPersistent(name: String, files: [String: String]) throws {
        var app = Self.laravel
        app[".gitignore"] = "/vendor\n/public/\(name)/\n"
        for (file, text) in files { app["public/\(name)/\(file)"] = text }
        let found = try #require(Self.path(try Self.classify(app), "public/\(name)"))
        #expect(found.class.isPersistent, "\(found.reason)")
    }

    /// A `files` folder: what git tracks there, named as the app names its own files, ships with
    /// each release (with a warning naming the entry that keeps it persistent instead); dated or
    /// hash-named files, an ignore rule, no `.gitignore` at all, or more files than a quick look
    /// reads keep it persistent.
    @Test func aFilesFolderOfTrackedTemplatesShipsWithTheRelease() throws {
        var app = Self.laravel
        app[".gitignore"] = "/vendor\n"
        for name in ["invoices", "bills", "items"] { app["public/files/import/\(name).xlsx"] = "PK" }
        let classification = try Self.classify(app)
        let found = try #require(Self.path(classification, "public/files"))
        #expect(found.class == .asset)
        #expect(found.reason.contains("git tracks (e.g. 'import/bills.xlsx')"), "\(found.reason)")
        #expect(classification.warnings.contains { $0.contains(#""classify": {"public/files": "user"}"#) }, "\(classification.warnings)")
    }

    @Test(arguments: [
        ["public/files/2024/05/a.pdf": "%PDF", ".gitignore": "/vendor\n"],
        ["public/files/3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7.xlsx": "PK", ".gitignore": "/vendor\n"],
        ["public/files/import/items.xlsx": "PK", ".gitignore": "/public/files/*\n"],
        ["public/files/import/items.xlsx": "PK"],
    ])
    func aFilesFolderOfUploadsStaysUser(files: [String: String]) throws {
        let found = try #require(Self.path(try Self.classify(Self.laravel.merging(files) { $1 }), "public/files"))
        #expect(found.class == .user, "\(found.reason)")
    }

    @Test func aFilesFolderHoldingMoreThanAQuickLookReadsStaysUser() throws {
        var app = Self.laravel
        app[".gitignore"] = "/vendor\n"
        for index in 0...64 { app["public/files/import/template-\(index).xlsx"] = "PK" }
        #expect(Self.path(try Self.classify(app), "public/files")?.class == .user)
    }

    // MARK: 2. Build-output folders

    /// A folder named for a build's output that holds a placeholder or nothing (a source
    /// tarball, not built) ships with the release, with a warning that it was not built; never
    /// "matched no rule", never persistent.
    @Test(arguments: ["bundles", "build", "dist", "vite", "out"], [true, false])
    func anUnbuiltBuildOutputFolderIsAnAsset(name: String, withPlaceholder: Bool) throws {
        let classification = try Self.classify([
            "composer.json": #"{"require": {"symfony/framework-bundle": "^7.0"}}"#, "bin/console": "#!/usr/bin/env php\n",
            "web/index.php": "<?php\n", withPlaceholder ? "web/\(name)/.gitkeep" : "web/\(name)/": "",
        ])
        let found = try #require(Self.path(classification, "web/\(name)"))
        #expect(found.class == .asset, "\(found.reason)")
        // An empty `build` is an asset by its name already, and says nothing about a build.
        if name != "build" || withPlaceholder {
            #expect(found.reason.contains("this release was not built"), "\(found.reason)")
            let warnings = classification.warnings.filter { $0.contains("web/\(name)") }
            #expect(warnings.count == 1 && warnings[0].contains("is a build's output folder"), "\(warnings)")
        }
        #expect(!classification.warnings.contains { $0.contains("matched no rule") }, "\(classification.warnings)")
    }

    // MARK: 3. .gitignore lines for paths that are no data of the app

    /// A library's own `.gitignore` (and ignore lines under a library tree) make nothing
    /// persistent, not even a config-like class file; a path inside a folder the release lacks,
    /// or a folder kept out whole among shipped code, neither.
    @Test(arguments: [
        ["lib/.gitignore": "phpmailer/phpmailer/language/\nphpmailer/phpmailer/src/DSNConfigurator.php\n",
         "lib/phpmailer/phpmailer/src/PHPMailer.php": "<?php\n"],
        ["third-party/.gitignore": "acme/cache/\nacme/config.php\n", "third-party/acme/Acme.php": "<?php\n"],
        [".gitignore": "/libraries/acme/uploads/\n/src/Mail/MailerConfig.php\n", "libraries/acme/Acme.php": "<?php\n", "src/Mail/Mailer.php": "<?php\n"],
        [".gitignore": "site-default/config-dev.php\nsite-default/assets/files\nsite-default/assets/cache\n"],
        [".gitignore": "bl-plugins/tail-writer/\nwire/modules/Jquery/JqueryFancybox/\n",
         "bl-plugins/hello/plugin.php": "<?php\n", "wire/modules/Jquery/JqueryCore/JqueryCore.module": "<?php\n"],
    ])
    func ignoreLinesForCodeMakeNothingPersistent(files: [String: String]) throws {
        let classification = try Self.classify(files.merging(["index.php": "<?php\n"]) { $1 })
        #expect(classification.persistentPaths.isEmpty, "\(classification.persistentPaths.map { "\($0.path): \($0.reason)" })")
    }

    /// The same kinds of lines still make paths persistent where an app keeps its data: a
    /// settings file beside the code, a folder kept with its contents ignored, a folder in a data
    /// folder (`var/`), a data name at the root.
    @Test func ignoreLinesForTheAppsOwnDataStillCount() throws {
        let classification = try Self.classify([
            "index.php": "<?php\n", "includes/functions.php": "<?php\n", "var/.gitkeep": "", "images/ranks/.gitkeep": "", "images/logo.png": "p",
            ".gitignore": "/config.php\n/includes/settings.inc.php\n/var/sessions/\n/images/ranks/*\n/upload\n",
        ])
        let persistent = classification.persistentPaths.map(\.path)
        #expect(persistent == ["config.php", "images/ranks", "includes/settings.inc.php", "upload", "var"], "\(persistent)")
        #expect(Self.path(classification, "config.php")?.awaitsApp == true)
    }

    // MARK: 4. Upload folders by name

    /// `upload` is named for users' files like `uploads`, `media` and `files`: each, git-ignored
    /// at the root and absent from the release, is persistent.
    @Test(arguments: ["upload", "uploads", "media", "files", "Upload"])
    func anIgnoredUploadFolderAtTheRootIsPersistent(name: String) throws {
        let classification = try Self.classify(["index.php": "<?php\n", ".gitignore": "/\(name)\n"])
        #expect(Self.path(classification, name)?.class == .user, "\(classification.paths)")
    }

    /// OpenCart's web root is its repository's `upload/` folder: its name must not keep the tree
    /// scan out of it, so the settings files under it are still found.
    @Test func aWebRootNamedUploadIsStillScanned() throws {
        let classification = try Self.classify([
            "upload/index.php": "<?php\n", "upload/system/config/default.php": "<?php\n", "upload/system/storage/app.sqlite": "db",
        ])
        #expect(classification.webRoot == "upload")
        #expect(Self.path(classification, "upload/system/storage/app.sqlite")?.class == .runtime, "\(classification.paths)")
    }

    // MARK: 5. Settings templates and Docker's .env

    /// A settings file git ignores and the release lacks, with a `-dist`/`.dist` template beside
    /// it, is seeded from the template (OpenCart's installer needs the file to exist).
    @Test(arguments: ["config-dist.php", "config.dist.php", "config.php.dist"])
    func aSettingsFileIsSeededFromItsDistTemplate(template: String) throws {
        let classification = try Self.classify([
            "upload/index.php": "<?php\n", "upload/\(template)": "", "upload/admin/index.php": "<?php\n", "upload/admin/\(template)": "",
            ".gitignore": "/upload/config.php\n/upload/admin/config.php\n",
        ])
        for path in ["upload/config.php", "upload/admin/config.php"] {
            let found = try #require(Self.path(classification, path))
            #expect(found.class == .config)
            #expect(found.example == PathName.join(PathName.parent(path), template))
            #expect(!found.awaitsApp)
            #expect(found.reason.contains("seeded from it when shared/ lacks it"), "\(found.reason)")
        }
    }

    /// A WordPress-like installer writes its settings file when it is missing: there the file
    /// stays awaited even beside a template; so does one with no template.
    @Test func aWordPressLikeInstallerStillWritesItsSettingsFile() throws {
        let classification = try Self.classify([
            "index.php": "<?php\n", "wp-content/themes/a/style.css": "a{}", "settings-dist.php": "",
            ".gitignore": "/settings.php\n/config.php\n",
        ])
        #expect(Self.path(classification, "settings.php")?.awaitsApp == true)
        #expect(Self.path(classification, "settings.php")?.example == nil)
        #expect(Self.path(classification, "config.php")?.awaitsApp == true)
    }

    /// A `.env` only Docker Compose reads (a compose file beside it, no template, no dotenv
    /// loader) is no setting of the app; with a template or a loader it is.
    @Test(arguments: [
        ([String: String](), false),
        (["docker-compose.yml": "services: {}\n"], false),
        (["compose.yaml": "services: {}\n"], false),
        (["docker-compose.yml": "services: {}\n", ".env.example": "A=1\n"], true),
        (["docker-compose.yml": "services: {}\n", "composer.json": #"{"require": {"vlucas/phpdotenv": "^5"}}"#], true),
    ])
    func aDockerComposeEnvIsNoSettingOfTheApp(files: [String: String], listed: Bool) throws {
        var app = ["index.php": "<?php\n", ".gitignore": ".env\n.env.docker\n"].merging(files) { $1 }
        if files.isEmpty { app["composer.json"] = "{}" }
        let classification = try Self.classify(app)
        let composeOnly = files.keys.contains { $0.contains("compose") } && !listed
        #expect((Self.path(classification, ".env") != nil) == !composeOnly, "\(classification.paths)")
        #expect((Self.path(classification, ".env.docker") != nil) == !composeOnly, "\(classification.paths)")
    }

    // MARK: 6. Preset paths follow the app's layout

    /// The Symfony preset's uploads folder is in the web root the tool detected (`web/` in
    /// Symfony 3 apps such as wallabag), its logs in `var/logs` where the release has that, and
    /// no path of it makes a folder the release lacks the parent of.
    @Test func symfonyPresetPathsFollowTheWebRootAndTheLogFolder() throws {
        let classification = try Self.classify([
            "composer.json": #"{"require": {"symfony/framework-bundle": "^4.0"}}"#, "bin/console": "#!/usr/bin/env php\n",
            "web/index.php": "<?php\n", "var/logs/.gitkeep": "",
        ])
        let paths = classification.paths.map(\.path)
        #expect(paths.contains("web/uploads") && paths.contains("var/logs"), "\(paths)")
        #expect(!paths.contains { $0.hasPrefix("public") || $0 == "var/log" }, "\(paths)")
    }

    /// A Symfony app whose `var/` git ignores whole (not in the release) still gets `var/log`:
    /// `var` is named for data, so a missing parent there is the app's to make.
    @Test func symfonyLogsInAMissingVarStayPersistent() throws {
        let classification = try Self.classify([
            "composer.json": #"{"require": {"symfony/framework-bundle": "^7.0"}}"#, "bin/console": "#!/usr/bin/env php\n",
            "public/index.php": "<?php\n", ".gitignore": "/var/\n",
        ])
        #expect(Self.path(classification, "var/log")?.class == .runtime, "\(classification.paths)")
        #expect(Self.path(classification, "public/uploads")?.class == .user, "\(classification.paths)")
    }
}
