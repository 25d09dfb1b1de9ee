import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Folders kept from the web or from git that still hold code (Shaarli's `assets/` and `tpl/`):
/// they ship with every release, so a changed stylesheet or template goes live. A folder the
/// same way that holds only data stays persistent.
@Suite struct FrontEndCodeKindTests {
    static let denyAll = "<IfModule !version_module>\n    Require all denied\n</IfModule>\n"

    /// A deny-all folder of the web root holding one file of each kind.
    @Test(arguments: [
        ("main.scss", PathClass.asset), ("theme.sass", .asset), ("site.less", .asset), ("app.ts", .asset), ("App.vue", .asset),
        ("Card.svelte", .asset), ("Menu.jsx", .asset), ("base.js", .asset), ("reset.css", .asset),
        ("ledger.csv", .user), ("export.json", .user), ("log.txt", .user), ("photo.png", .user),
    ])
    func aDenyAllFolderShipsWhenItHoldsFrontEndCode(_ file: String, _ expected: PathClass) throws {
        let app = try ScratchApp(["index.php": "<?php\n", "private/.htaccess": Self.denyAll, "private/sub/\(file)": "x"])
        let found = try #require(try app.classify().entry("private"))
        #expect(found.class == expected, "\(file): \(found.reason)")
        if expected == .asset {
            #expect(found.reason == "its .htaccess denies all web access, but it holds front-end code (e.g. 'sub/\(file)'): "
                + "the sources a build compiles for the app, which ship with each release")
        } else {
            #expect(found.reason.contains("private data the app writes, persistent"))
        }
    }

    /// The source is named before the compiled file when the folder holds both.
    @Test func theReasonNamesASourceFirst() throws {
        let app = try ScratchApp([
            "index.php": "<?php\n", "frontend/.htaccess": Self.denyAll, "frontend/a/app.js": "x", "frontend/z/app.scss": "x",
        ])
        #expect(try app.classify().entry("frontend")?.reason.contains("(e.g. 'z/app.scss')") == true)
    }

    /// Shaarli's data/ as a site deployed in place holds it: files named `.php` that are data
    /// (`<?php /* base64 */ ?>` keeps them from being served), and the user's own user.css.
    @Test(arguments: [
        ["data/.htaccess"],
        ["data/.htaccess", "data/datastore.php", "data/config.json.php", "data/ipbans.php", "data/log.txt", "data/user.css"],
    ])
    func shaarlisDataStaysPersistent(_ files: [String]) throws {
        var written: [String: String] = [:]
        for file in files { written[file] = file.hasSuffix(".htaccess") ? Self.denyAll : "<?php /* eyJkYXRhIjoxfQ== */ ?>" }
        for removeIgnore in [false, true] {
            let app = try ScratchApp(fixture: "shaarli", writing: written, removing: removeIgnore ? [".gitignore"] : [])
            let found = try #require(try app.classify().entry("data"))
            #expect(found.class == .user, "\(files), .gitignore removed: \(removeIgnore): \(found.reason)")
        }
    }

    /// Shaarli deployed from its release archive, which leaves out the .gitignore: the same
    /// folders ship, the same ones persist.
    @Test func shaarliWithoutItsGitIgnore() throws {
        let classification = try ScratchApp(fixture: "shaarli", removing: [".gitignore"]).classify()
        for (path, expected) in [("assets", PathClass.asset), ("tpl", .asset), ("plugins", .asset), ("application", .asset),
                                 ("data", .user), ("pagecache", .user), ("cache", .runtime), ("tmp", .runtime)] {
            #expect(classification.entry(path)?.class == expected, "\(path): \(classification.entry(path)?.reason ?? "not classified")")
        }
        #expect(classification.entry("tpl")?.reason == "its name says it holds code, tools or documentation, which ship with the code")
        #expect(classification.pathWarnings.isEmpty, "\(classification.pathWarnings)")
    }

    /// A folder git ignores apart from what the release ships in it (`tpl/*` with `!tpl/default`):
    /// templates, stylesheets and scripts are code, so it ships and the drift guard watches what
    /// is added; shipped images or documents are demo content of a data folder.
    @Test(arguments: [
        ("default/linklist.html", PathClass.asset), ("default/page.htm", .asset), ("default/scss/main.scss", .asset),
        ("default/js/app.js", .asset), ("default/theme.php", .asset),
        ("default/icon.png", .user), ("default/manual.pdf", .user),
    ])
    func aFolderGitIgnoresShipsWhenTheReleaseShipsCodeThere(_ file: String, _ expected: PathClass) throws {
        let app = try ScratchApp([
            "index.php": "<?php\n", ".gitignore": "skins/*\n!skins/default\n", "skins/default/README": "x", "skins/\(file)": "x",
        ])
        let classification = try app.classify()
        let found = try #require(classification.entry("skins"))
        #expect(found.class == expected, "\(file): \(found.reason)")
        if expected == .asset {
            #expect(found.reason.contains("except the code the release ships there (e.g. 'default/"), "\(found.reason)")
            #expect(classification.pathWarnings["skins"]?.contains("a deploy stops and names them before anything is lost") == true)
        }
    }
}
