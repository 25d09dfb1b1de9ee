import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Files an app writes beside its code (Matomo's `config/config.ini.php`, its custom logos in
/// `misc/user/`, the tracker it rebuilds): the folders around them still ship with every
/// release, the files and folders the app fills persist.
@Suite struct AppWrittenFilesKindTests {
    static let matomoFAQ = "https://matomo.org/faq/on-premise/resolve-web-server-permissions-for-matomo-linux-and-windows/"

    /// Matomo at the app root, and one folder down in its repository (as the official zip
    /// holds it, in `matomo/`).
    @Test(arguments: ["", "matomo/"])
    func matomosPresetAppliesWhereverItsFilesAre(_ base: String) throws {
        let classification: Classification
        if base.isEmpty {
            classification = try ScratchApp(fixture: "matomo").classify()
        } else {
            let repository = try ScratchApp(["README.md": "analytics, deployed from its own repository\n"])
            try LocalFileSystem().copyTree(from: Fixtures.path("matomo"), to: PathName.join(repository.path, "matomo"))
            classification = try repository.classify()
        }
        #expect(classification.evidence.contains("the Matomo preset applies (its files in \(base.isEmpty ? "the app root" : base))"))
        let config = try #require(classification.entry(base + "config/config.ini.php"))
        #expect(config.class == .config)
        #expect(config.awaitsApp, "an empty config.ini.php tells Matomo it is installed")
        #expect(config.reason.contains("written by its installer") && config.reason.contains(Self.matomoFAQ))
        #expect(classification.entry(base + "config")?.class == .asset, "global.ini.php ships with the code")
        #expect(classification.entry(base + "misc/user")?.class == .user)
        #expect(classification.entry(base + "misc")?.class == .asset)
        #expect(classification.entry(base + "tmp")?.class == .runtime)
        #expect(classification.entry(base + "plugins")?.class == .asset, "the bundled plugins update with each release")
        for tracker in ["matomo.js", "piwik.js"] {
            let found = try #require(classification.entry(base + tracker))
            #expect(found.class == .disposable && found.kind == .file, "\(tracker)")
            #expect(found.reason.contains("which Matomo rebuilds on each server"))
        }
    }

    /// An old Piwik ships no `matomo.js`: the preset names none.
    @Test func anOldPiwikHasNoMatomoTracker() throws {
        let classification = try ScratchApp(fixture: "matomo", removing: ["matomo.js", "matomo.php"]).classify()
        #expect(classification.entry("matomo.js") == nil)
        #expect(classification.entry("piwik.js")?.class == .disposable)
        #expect(classification.entry("config/config.ini.php")?.awaitsApp == true)
    }

    /// Without the preset (an app no preset knows), `.gitignore` naming the files the app writes
    /// into a folder the release ships with placeholders only makes that folder persistent.
    @Test(arguments: [
        (["/misc/user/logo.png"], ["misc/user/.gitkeep", "misc/user/index.html"], "misc/user", "'/misc/user/logo.png' in .gitignore"),
        (["/branding/favicon.ico", "/branding/logo.svg"], ["branding/.gitkeep"], "branding", "'/branding/favicon.ico' in .gitignore"),
        (["/site/custom/header.png"], ["site/custom/.keep", "site/custom/.htaccess"], "site/custom", "'/site/custom/header.png' in .gitignore"),
    ])
    func aFolderShippedEmptyForFilesGitIgnoresPersists(_ rules: [String], _ placeholders: [String], _ folder: String, _ named: String) throws {
        var files = ["public/index.php": "<?php\n", "src/App.php": "<?php\n", ".gitignore": rules.joined(separator: "\n") + "\n"]
        for placeholder in placeholders { files[placeholder] = "" }
        let classification = try ScratchApp(files).classify()
        let found = try #require(classification.entry(folder), "\(classification.paths.map(\.path))")
        #expect(found.class == .user)
        #expect(found.reason == "git ignores the files the app writes there (\(named)) and the release ships it with placeholders only: persistent")
    }

    /// Build outputs, folders of code or of tests, settings files and databases are not such
    /// folders (settings files and databases are listed on their own).
    @Test(arguments: [
        ("/web/generated/app.js", ["web/generated/.gitkeep"], "web/generated"),
        ("/styles/out/site.css", ["styles/out/.gitkeep"], "styles/out"),
        ("/theme/js/logo.png", ["theme/js/.gitkeep"], "theme/js"),
        ("/brand/logo.png", ["brand/default.png"], "brand"),
        ("/tests/resources/shot.png", ["tests/resources/.gitkeep"], "tests/resources"),
        ("/etc/app/settings.ini", ["etc/app/.gitkeep"], "etc/app"),
        ("/db/main.sqlite", ["db/.gitkeep"], "db"),
    ])
    func notEveryFolderOfIgnoredFilesPersists(_ rule: String, _ shipped: [String], _ folder: String) throws {
        var files = ["public/index.php": "<?php\n", ".gitignore": rule + "\n"]
        for file in shipped { files[file] = "" }
        let classification = try ScratchApp(files).classify()
        #expect(classification.entry(folder) == nil, "\(classification.entry(folder)?.reason ?? "")")
    }
}
