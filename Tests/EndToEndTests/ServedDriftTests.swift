import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Sync mode (`--public-html … --sync`): the app runs from the served folder, so what it changes
/// there (a theme editor, a plugin updater, an uninstaller) is data rule 4's business, as in the
/// live release. The built binary on real folders; a plain PHP app whose persistent folder is
/// nested below the web root, with a hostile file name.
@Suite struct ServedDriftTests {
    private let fs = LocalFileSystem()
    private static let odd = "it's a $(name).php"

    private struct Site {
        let base: TemporaryDirectory
        var root: String { base.path + "/site" }
        var served: String { base.path + "/public_html" }
        func app(_ version: Int) -> String { base.path + "/app\(version)" }
    }

    private func site(_ label: String, links: Bool) throws -> (Site, ToolRunner) {
        let site = Site(base: try TemporaryDirectory(label))
        for version in 1...2 {
            let app = site.app(version)
            try write(app + "/index.php", "<?php // v\(version)\n")
            try write(app + "/themes/main/style.css", "body{} /* v\(version) */\n")
            if version == 1 { try write(app + "/themes/main/functions.php", "<?php\n") }
            try write(app + "/web-content/uploads/.gitkeep", "")
            try write(app + "/persist-deploy.json", #"{"webRoot": ".", "classify": {"web-content": "asset", "web-content/uploads": "user"}}"#)
        }
        try fs.createDirectory(at: site.served, permissions: 0o755)
        let tool = try ToolRunner()
        let first = try tool.run(
            ["auto", "--root", site.root, "--from", site.app(1), "--public-html", site.served, "--sync", "--served-links", links ? "yes" : "no"],
            in: site.base.path)
        #expect(first.exitCode == 0, "\(first)")
        return (site, tool)
    }

    private func write(_ path: String, _ text: String) throws {
        try fs.createDirectory(at: PathName.parent(path), permissions: 0o755)
        try fs.writeText(text, to: path)
    }

    private func read(_ path: String) -> String? { try? fs.readText(at: path) }

    @Test(arguments: [true, false])
    func aDeployStopsForWhatTheAppChangedThenLeaveBehindKeepsACopy(links: Bool) throws {
        let (site, tool) = try site("served-drift-\(links)", links: links)
        defer { site.base.remove() }
        // The nested persistent folder was linked (its parent made first) or holds the data.
        #expect(try fs.type(at: site.served + "/web-content/uploads") == (links ? .symlink : .directory))
        let live = try fs.readSymlink(at: site.root + "/current")
        try write(site.served + "/themes/main/style.css", "body{color:red} /* the admin's edit */\n")
        try fs.removeTree(at: site.served + "/themes/main/functions.php")
        try write(site.served + "/themes/main/" + Self.odd, "<?php // the app's new file\n")
        try write(site.served + "/web-content/uploads/photo.jpg", "a user's photo")

        let health = try tool.run(["health-check", "--root", site.root], in: site.base.path)
        let script = try ToolRunner.bash(#"bash "$1/shared/health-check.sh""#, [site.root])
        for outcome in [health, script] {
            #expect(outcome.exitCode == 1, "\(outcome)")
            #expect(outcome.stdout.contains("WARN served-drift themes/main/style.css: shipped file changed in place"), "\(outcome)")
            #expect(outcome.stdout.contains("WARN served-drift themes/main/functions.php: shipped file removed"), "\(outcome)")
            #expect(outcome.stdout.contains("WARN served-drift themes/main/\(Self.odd): new file"), "\(outcome)")
            #expect(!outcome.stdout.contains("photo.jpg"), "persistent data is not drift: \(outcome)")
        }

        let stopped = try tool.run(["auto", "--root", site.root, "--from", site.app(2)], in: site.base.path)
        #expect(stopped.exitCode == 1, "\(stopped)")
        #expect(stopped.stderr.contains("themes/main/style.css") && stopped.stderr.contains("themes/main/functions.php  (shipped file removed)"), "\(stopped)")
        #expect(stopped.stderr.contains("--leave-behind"), "\(stopped)")
        #expect(try fs.readSymlink(at: site.root + "/current") == live, "current did not move")
        #expect(read(site.served + "/themes/main/style.css") == "body{color:red} /* the admin's edit */\n", "nothing was overwritten")
        #expect(read(site.served + "/index.php") == "<?php // v1\n")

        let left = try tool.run(["auto", "--root", site.root, "--from", site.app(2), "--leave-behind"], in: site.base.path)
        #expect(left.exitCode == 0, "\(left)")
        #expect(read(site.served + "/themes/main/style.css") == "body{} /* v2 */\n")
        #expect(read(site.served + "/index.php") == "<?php // v2\n")
        #expect(read(site.served + "/web-content/uploads/photo.jpg") == "a user's photo")
        let kept = site.root + "/.persist-deploy/left-behind/" + PathName.basename(live) + "/served-folder/themes/main"
        #expect(read(kept + "/style.css") == "body{color:red} /* the admin's edit */\n", "\(left)")
        #expect(read(kept + "/" + Self.odd) == "<?php // the app's new file\n")
        #expect(try !fs.exists(site.served + "/themes/main/" + Self.odd), "left behind means moved out")

        let again = try tool.run(["auto", "--root", site.root, "--from", site.app(2)], in: site.base.path)
        #expect(again.exitCode == 0, "after --leave-behind the served folder is what the sync wrote: \(again)")
        let healthy = try tool.run(["health-check", "--root", site.root], in: site.base.path)
        #expect(!healthy.stdout.contains("WARN served-drift"), "\(healthy)")
    }

    /// A rollback stops for it as a deploy does; with --leave-behind it keeps a copy first.
    @Test func aRollbackStopsThenKeepsACopyOfWhatItWritesOver() throws {
        let (site, tool) = try site("served-drift-rollback", links: true)
        defer { site.base.remove() }
        #expect(try tool.run(["auto", "--root", site.root, "--from", site.app(2)], in: site.base.path).exitCode == 0)
        let live = PathName.basename(try fs.readSymlink(at: site.root + "/current"))
        try write(site.served + "/themes/main/style.css", "edited after v2\n")
        let stopped = try tool.run(["rollback", "--root", site.root], in: site.base.path)
        #expect(stopped.exitCode == 1 && stopped.stderr.contains("themes/main/style.css"), "\(stopped)")
        #expect(read(site.served + "/themes/main/style.css") == "edited after v2\n")
        let rollback = try tool.run(["rollback", "--root", site.root, "--leave-behind"], in: site.base.path)
        #expect(rollback.exitCode == 0, "\(rollback)")
        #expect(read(site.served + "/themes/main/style.css") == "body{} /* v1 */\n")
        #expect(read(site.root + "/.persist-deploy/left-behind/\(live)/served-folder/themes/main/style.css") == "edited after v2\n")
    }

    /// A crash between the switch and the sync leaves the served folder on the old release;
    /// `recover` syncs the live one in, after copying aside what the app had changed there.
    @Test func recoverKeepsACopyOfWhatTheAppChangedBeforeItSyncs() throws {
        let (site, tool) = try site("served-recover", links: true)
        defer { site.base.remove() }
        let first = PathName.basename(try fs.readSymlink(at: site.root + "/current"))
        let prepared = try tool.run(["auto", "--root", site.root, "--from", site.app(2), "--no-activate", "--json"], in: site.base.path)
        #expect(prepared.exitCode == 0, "\(prepared)")
        let object = try JSONSerialization.jsonObject(with: Data(prepared.stdout.utf8)) as? [String: Any]
        let second = try #require(object?["release"] as? String)
        try ToolRunner.bash(#"cd "$1" && ln -sfn "releases/$2" current.tmp && mv -T current.tmp current"#, [site.root, second])
        try write(site.served + "/themes/main/style.css", "body{color:red} /* the admin's edit */\n")

        let recover = try tool.run(["recover", "--root", site.root], in: site.base.path)
        #expect(recover.exitCode == 0, "\(recover)")
        #expect(read(site.served + "/index.php") == "<?php // v2\n")
        #expect(read(site.served + "/themes/main/style.css") == "body{} /* v2 */\n")
        #expect(read(site.root + "/.persist-deploy/left-behind/\(first)/served-folder/themes/main/style.css")
            == "body{color:red} /* the admin's edit */\n")
        // What was the old release's own copy is not kept: nothing of the app's was in it.
        #expect(try !fs.exists(site.root + "/.persist-deploy/left-behind/\(first)/served-folder/index.php"))
    }

    /// A first deploy that stops before the switch leaves no record, scripts or guides, and the
    /// health check says to run it again rather than to recover.
    @Test func aFailedFirstDeployLeavesNoRecordBehind() throws {
        let base = try TemporaryDirectory("served-first-fails")
        defer { base.remove() }
        try write(base.path + "/app/index.php", "<?php\n")
        try write(base.path + "/app/web-content/uploads/.gitkeep", "")
        try write(base.path + "/app/persist-deploy.json", #"{"webRoot": ".", "classify": {"web-content": "asset", "web-content/uploads": "user"}}"#)
        let tool = try ToolRunner()
        let root = base.path + "/site"
        let failed = try tool.run(
            ["auto", "--root", root, "--from", base.path + "/app", "--public-html", base.path + "/public_html", "--sync", "--before-switch", "false"],
            in: base.path)
        #expect(failed.exitCode == 1, "\(failed)")
        for name in DeployRoot.toolFilesInShared where name != ".deployment-history" {
            #expect(try !fs.exists(root + "/shared/" + name), "\(name)")
        }
        let health = try tool.run(["health-check", "--root", root], in: base.path)
        #expect(health.stdout.contains("the first deploy did not finish"), "\(health)")
        #expect(!health.stdout.contains("recover"), "\(health)")
    }
}
