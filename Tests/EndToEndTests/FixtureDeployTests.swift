import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Every bundled fixture through the whole life of a site: a first deploy, the app writing into
/// each persistent folder through `current/`, three later deploys, the root moved elsewhere,
/// cleanup and rollback. What the app wrote must survive all of it.
@Suite struct FixtureDeployTests {
    static let fixtures = ["laravel-codecanyon", "laravel-inertia-vue", "next-app", "vue-vite", "react-cra", "plain-php", "wordpress", "tricky"]
        + WholeAppLife.all.map(\.fixture)

    static var fixturesDirectory: String {
        PathName.join(PathName.parent(PathName.parent(PathName.parent(#filePath))), "Fixtures")
    }

    @Test(arguments: fixtures)
    func lifeOfASite(fixture: String) throws {
        let scenario = try DeployScenario("fixture")
        try scenario.fileSystem.copyTree(from: PathName.join(Self.fixturesDirectory, fixture), to: scenario.app)
        let first = scenario.deploy(extra: ["--keep", "2"])
        try #require(first.status == 0, "\(fixture): \(first.stderr)")

        let classification = try Classifier(fileSystem: scenario.fileSystem).classify(appDirectory: scenario.app)
        let persistentFolders = classification.persistentPaths.filter { $0.kind == .dir }.map(\.path)
        var written: [String: String] = [:]
        for folder in persistentFolders {
            let file = PathName.join(folder, "written-by-the-app \(UUID().uuidString.prefix(8)).txt")
            try "made at run time in \(folder)".write(toFile: scenario.root + "/current/" + file, atomically: false, encoding: .utf8)
            written[file] = "made at run time in \(folder)"
        }

        var releases: [String] = []
        for _ in 0..<3 {
            let later = scenario.deploy(extra: ["--keep", "2"])
            try #require(later.status == 0, "\(fixture): \(later.stderr)")
            releases.append(try #require(scenario.liveRelease))
        }
        #expect(scenario.releaseIDs.count == 2, "\(fixture): --keep 2")
        for (file, content) in written {
            #expect(scenario.read(scenario.root + "/shared/" + file) == content, "\(fixture): \(file) lost")
            #expect(scenario.read(scenario.root + "/current/" + file) == content, "\(fixture): \(file) not served")
        }

        #expect(scenario.run(["rollback", "--root", scenario.root]).status == 0)
        #expect(scenario.liveRelease == releases[1])

        let moved = scenario.directory.path + "/moved"
        try scenario.fileSystem.rename(scenario.root, to: moved, replacing: false)
        for (file, content) in written {
            #expect(scenario.read(moved + "/current/" + file) == content, "\(fixture): \(file) unreachable after the root moved")
        }
        let health = scenario.run(["health-check", "--root", moved])
        #expect(health.status != 2, "\(fixture): \(health.stdout)\(health.stderr)")
    }

    /// Issue 12's fixtures through the life the real app gives them: a first deploy, the app
    /// writing where the real app writes (its installer too) through `current/`, then a deploy
    /// of new code with a new asset. What the app wrote is kept, the new code and asset are
    /// live, and the health check never fails; before the installer ran it said "not created yet".
    @Test(arguments: WholeAppLife.all)
    func whatTheRealAppWritesSurvivesNewCode(life: WholeAppLife) throws {
        let scenario = try DeployScenario("whole-app")
        try scenario.fileSystem.copyTree(from: PathName.join(Self.fixturesDirectory, life.fixture), to: scenario.app)
        let first = scenario.deploy()
        try #require(first.status == 0, "\(life.fixture): \(first.stderr)")
        let current = scenario.root + "/current/"
        let shared = scenario.root + "/shared/"

        if !life.installs.isEmpty {
            let native = scenario.run(["health-check", "--root", scenario.root, "--json"])
            let script = try ToolRunner.bash(#""$1/shared/health-check.sh" --json"#, [scenario.root])
            #expect(native.status == 1, "\(life.fixture): \(native.stdout)")
            #expect(script.exitCode == native.status, "\(life.fixture): \(script)")
            for path in life.installs {
                #expect(native.stdout.contains("is not created yet"), "\(life.fixture): \(path)")
                #expect(script.stdout.contains("\"path\":\(Text.json(path))") || script.stdout.contains("\"path\": \(Text.json(path))"))
            }
            // Neither recovery creates a file the installer must write (an empty one looks installed).
            #expect(scenario.run(["recover", "--root", scenario.root]).status != 2)
            _ = try ToolRunner.bash(#""$1/shared/emergency-recovery.sh""#, [scenario.root])
            for path in life.installs {
                let created = try scenario.fileSystem.type(at: shared + path)
                #expect(created == nil, "\(life.fixture): \(path) was created")
            }
        }

        var written: [String: String] = [:]
        for path in life.writes + life.installs {
            let text = "\(life.fixture) wrote \(path) at run time"
            try scenario.fileSystem.createDirectory(at: PathName.parent(current + path), permissions: 0o755)
            try text.write(toFile: current + path, atomically: false, encoding: .utf8)
            written[path] = text
        }
        for path in life.dropped {
            try scenario.fileSystem.createDirectory(at: PathName.parent(current + path), permissions: 0o755)
            try "may be dropped".write(toFile: current + path, atomically: false, encoding: .utf8)
        }

        try scenario.write(life.code, "<?php\n// v2\n")
        try scenario.write(life.newAsset, "new asset of v2\n")
        let later = scenario.deploy()
        try #require(later.status == 0, "\(life.fixture): \(later.stderr)")
        for (path, text) in written {
            #expect(scenario.read(current + path) == text, "\(life.fixture): \(path) lost from current/")
            #expect(scenario.read(shared + path) == text, "\(life.fixture): \(path) not in shared/")
        }
        #expect(scenario.read(current + life.code)?.contains("v2") == true, "\(life.fixture): new code not live")
        #expect(scenario.read(current + life.servedAsset) == "new asset of v2\n", "\(life.fixture): new asset not live")
        let health = scenario.run(["health-check", "--root", scenario.root, "--json"])
        #expect(health.status != 2, "\(life.fixture): \(health.stdout)")
        for path in life.installs {
            #expect(!health.stdout.contains("\(path): is not created yet"), "\(life.fixture)")
        }
    }

    /// A release archive whose files sit under one top folder: the app inside it is deployed,
    /// not the wrapper (which deployed "successfully" and served nothing).
    @Test func anArchiveWithOneTopFolderDeploysTheAppInsideIt() throws {
        let scenario = try DeployScenario("archive-top")
        let packed = scenario.directory.path + "/pack"
        try scenario.fileSystem.createDirectory(at: packed, permissions: 0o755)
        try scenario.fileSystem.copyTree(from: PathName.join(Self.fixturesDirectory, "plain-cms"), to: packed + "/plain-cms-1.4.2")
        let archive = scenario.directory.path + "/plain-cms-1.4.2.tar.gz"
        let tar = try ToolRunner.bash(#"tar -czf "$1" -C "$2" plain-cms-1.4.2"#, [archive, packed])
        try #require(tar.exitCode == 0, "\(tar)")

        let plan = scenario.run(["plan", "--root", scenario.root, "--from", archive])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("plain-cms-1.4.2 -> releases/") || plan.stderr.contains("plain-cms-1.4.2 -> releases/"), "\(plan)")
        let deploy = scenario.run(["auto", "--root", scenario.root, "--from", archive])
        try #require(deploy.status == 0, "\(deploy.stderr)")
        #expect(scenario.read(scenario.root + "/current/public/index.php")?.contains("v1") == true)
        #expect((try scenario.fileSystem.type(at: scenario.root + "/current/plain-cms-1.4.2")) == nil)
        #expect((try scenario.fileSystem.type(at: scenario.root + "/current/data")) == .symlink)
        #expect(scenario.releaseIDs.count == 1)
        #expect(try scenario.fileSystem.listDirectory(at: scenario.root + "/releases").filter { $0.hasPrefix(".") }.isEmpty)
    }

    /// One top folder holding nothing the tool recognises: the deploy stops before anything goes
    /// live, and leaves no staging folder behind.
    @Test func anArchiveWithOneFolderAndNoAppIsRefused() throws {
        let scenario = try DeployScenario("archive-refused")
        try scenario.write("notes/readme.txt", "not an app", under: scenario.directory.path + "/pack")
        let archive = scenario.directory.path + "/notes.tar.gz"
        _ = try ToolRunner.bash(#"tar -czf "$1" -C "$2" notes"#, [archive, scenario.directory.path + "/pack"])
        let deploy = scenario.run(["auto", "--root", scenario.root, "--from", archive])
        #expect(deploy.status == 1)
        #expect(deploy.stderr.contains("holds one folder, 'notes/', and no app at its top or inside that folder"), "\(deploy.stderr)")
        #expect(scenario.liveRelease == nil)
        #expect(((try? scenario.fileSystem.listDirectory(at: scenario.root + "/releases")) ?? []).isEmpty)
    }

    /// "Matched no rule" is said by the first deploy that finds the path, remembered in the
    /// record, and not repeated, so a new one stands out.
    @Test func aPathsWarningIsGivenOnce() throws {
        let scenario = try DeployScenario("warn-once")
        try scenario.fileSystem.copyTree(from: PathName.join(Self.fixturesDirectory, "tricky"), to: scenario.app)
        func warnings() throws -> [String] {
            let output = scenario.deploy(extra: ["--json"])
            try #require(output.status == 0, "\(output.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
            return (object?["warnings"] as? [String] ?? []).filter { $0.contains("matched no rule") || $0.contains("is a link the release ships") }
        }
        #expect(try warnings().count == 3)
        #expect(try warnings().isEmpty)
        try scenario.write("public/newcomer/notes.bin", "?")
        #expect(try warnings().map { String($0.prefix(18)) } == ["'public/newcomer' "])
        let record = try #require(try PersistenceRecord.load(from: DeployRoot(path: scenario.root), fileSystem: scenario.fileSystem))
        #expect(record.warnedPaths == ["public/elsewhere", "public/newcomer", "public/placeholder-only", "public/stuff"])
    }
}

/// Where one of issue 12's fixtures writes at run time, as the real app does.
struct WholeAppLife: Sendable, CustomTestStringConvertible {
    var fixture: String
    /// Files the running app writes, relative to the app root.
    var writes: [String]
    /// Config files the app's installer writes through the link the deploy left.
    var installs: [String] = []
    /// Files written below disposable paths: they may go with the release.
    var dropped: [String] = []
    /// A file of code changed by the next release, and a new asset it ships.
    var code: String
    var newAsset: String
    /// Where the new asset is served from (`newAsset`, or through a link the release ships).
    var served: String?

    var servedAsset: String { served ?? newAsset }
    var testDescription: String { fixture }

    static let all: [WholeAppLife] = [
        WholeAppLife(
            fixture: "laravel-root-served",
            writes: ["storage/app/uploads/public/photo.jpg", "storage/app/media/banner.png", "storage/logs/system.log", "themes/demo/pages/about.htm"],
            code: "index.php", newAsset: "themes/demo/assets/css/new.css"),
        WholeAppLife(
            fixture: "phpbb-subfolder",
            writes: ["phpBB/files/2_0a1b2c3d", "phpBB/images/avatars/upload/avatar_2.png", "phpBB/store/backup_2026.sql.gz", "phpBB/ext/acme/demo/composer.json"],
            installs: ["phpBB/config.php"], dropped: ["phpBB/cache/production/container.php"],
            code: "phpBB/index.php", newAsset: "phpBB/styles/prosilver/theme/new.css"),
        WholeAppLife(
            fixture: "plain-cms",
            writes: ["data/orders/1.json", "public/content/page-2.md", "public/private/export.csv", "writable/logs/app.log"],
            code: "public/index.php", newAsset: "public/css/new.css"),
        WholeAppLife(
            fixture: "gitignore-patterns",
            writes: ["public/exports/report.csv", "public/gallery/p1.jpg"], installs: ["config.inc.php"],
            code: "public/index.php", newAsset: "public/css/new.css"),
        WholeAppLife(
            fixture: "sqlite-committed", writes: ["database/site.sqlite3"],
            code: "public/index.php", newAsset: "public/images/new.png"),
        WholeAppLife(
            fixture: "dokuwiki",
            writes: ["data/pages/start.txt", "data/media/photo.jpg", "data/meta/start.meta", "conf/acronyms.local.conf", "conf/tpl/dokuwiki/style.ini"],
            installs: ["conf/local.php", "conf/users.auth.php", "conf/acl.auth.php"],
            code: "doku.php", newAsset: "lib/tpl/dokuwiki/css/new.css"),
        WholeAppLife(
            fixture: "next-public-uploads", writes: ["public/uploads/avatar-1.png"],
            // next start regenerates pages over the build's own (ISR) and adds new ones.
            dropped: [".next/cache/fetch-cache/0a1b", ".next/server/app/index.html", ".next/server/app/blog/post-1.html"],
            code: "app/page.tsx", newAsset: "public/images/new.png"),
        WholeAppLife(
            fixture: "grav",
            writes: ["user/pages/02.blog/default.md", "user/accounts/admin.yaml", "logs/grav.log", "backup/site-2026.zip"],
            dropped: ["cache/compiled/page.php", "images/resized/a.jpg"],
            code: "index.php", newAsset: "system/assets/new.css"),
        WholeAppLife(
            fixture: "linked-assets", writes: ["public/uploads/u.png"],
            code: "public/index.php", newAsset: "vendor/acme/ui/dist/new.js", served: "public/ui/new.js"),
        WholeAppLife(
            fixture: "symfony", writes: ["var/log/prod.log", "public/uploads/img.png", ".env.local"],
            dropped: ["var/cache/prod/Container.php"],
            code: "public/index.php", newAsset: "public/build/new.css"),
        WholeAppLife(
            fixture: "kirby", writes: ["content/notes/note.txt", "site/accounts/a1/index.php", "media/pages/home/p.jpg"],
            code: "index.php", newAsset: "assets/css/new.css"),
        WholeAppLife(
            fixture: "flarum", writes: ["public/assets/avatars/a.png", "storage/logs/flarum.log"], installs: ["config.php"],
            code: "public/index.php", newAsset: "public/new.css"),
        WholeAppLife(
            fixture: "codeigniter4",
            writes: ["writable/uploads/file.pdf", "writable/logs/log-2026-11-30.log", "writable/session/ci_session1"],
            code: "public/index.php", newAsset: "public/new.css"),
    ]
}
