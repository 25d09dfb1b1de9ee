import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A rollback to a release from before a persistent file existed makes the folders that hold its
/// link; they are the tool's, so nothing afterwards reads them as the app's data.
@Suite struct RelinkMadeFoldersTests {
    @Test func foldersARollbackMadeAreNotDrift() throws {
        let scenario = try DeployScenario("relink-made-folders")
        try scenario.write("index.php", "<?php // v1\n")
        try #require(scenario.deploy().status == 0)
        let first = try #require(scenario.liveRelease)
        try scenario.write("app/db/app.sqlite", "")
        try scenario.write("persist-deploy.json", #"{"classify": {"app/db/app.sqlite": "runtime", "app/state/x.txt": "runtime"}}"#)
        try scenario.write("app/state/x.txt", "x")
        try #require(scenario.deploy().status == 0)
        // Written through the link, as SQLite does (the scenario's own write renames over it).
        try ToolRunner.bash(#"printf rows >> "$1""#, [scenario.root + "/current/app/db/app.sqlite"])

        let back = scenario.run(["rollback", "--root", scenario.root])
        #expect(back.status == 0, "\(back)")
        #expect(scenario.liveRelease == first)
        #expect(scenario.read(scenario.root + "/current/app/db/app.sqlite") == "rows")
        let health = scenario.run(["health-check", "--root", scenario.root])
        #expect(health.status == 0, "\(health)")
        // The app's own writes into such a folder are still seen.
        try scenario.write("app/db/journal", "j", under: scenario.root + "/current/")
        let stopped = scenario.deploy()
        #expect(stopped.status == 1 && stopped.stderr.contains("app/db/journal"), "\(stopped)")
        try scenario.fileSystem.removeTree(at: scenario.root + "/current/app/db/journal")
        try scenario.write("index.php", "<?php // v3\n")
        let deployed = scenario.deploy()
        #expect(deployed.status == 0, "\(deployed)")
        #expect(scenario.read(scenario.root + "/current/app/db/app.sqlite") == "rows")
    }
}

/// The app replaced a persistent link in the live release with a real file or folder (a save
/// through a temporary file and a rename, `rm` and `mkdir`): a rollback stops as a deploy does,
/// with `--leave-behind` too, naming both ways out; an identical copy loses nothing and passes.
@Suite struct RollbackReplacedLinkTests {
    private func twoReleases(_ label: String) throws -> DeployScenario {
        let scenario = try DeployScenario(label)
        try scenario.write("index.php", "<?php // v1\n")
        try scenario.write("config/settings.php", "<?php return 'default';\n")
        try scenario.write("uploads/.gitkeep", "")
        try scenario.write("persist-deploy.json", #"{"classify": {"config/settings.php": "config"}}"#)
        try #require(scenario.deploy().status == 0)
        try scenario.write("index.php", "<?php // v2\n")
        try #require(scenario.deploy().status == 0)
        try scenario.write("uploads/old.png", "old", under: scenario.root + "/current/")
        return scenario
    }

    private func replace(_ relative: String, in scenario: DeployScenario, folder: Bool, with text: String) throws {
        let path = scenario.root + "/current/" + relative
        try scenario.fileSystem.removeTree(at: path)
        if folder {
            try scenario.write(relative + "/new.png", text, under: scenario.root + "/current/")
        } else {
            try scenario.write(relative, text, under: scenario.root + "/current/")
        }
    }

    @Test(arguments: [
        ("config/settings.php", false, "<?php return 'admin';\n", "mv --backup=numbered"),
        ("uploads", true, "new", "persist-deploy recover"),
    ])
    func aReplacedLinkStopsTheRollback(path: String, folder: Bool, text: String, wayOut: String) throws {
        let scenario = try twoReleases("rollback-replaced")
        let live = try #require(scenario.liveRelease)
        try replace(path, in: scenario, folder: folder, with: text)
        for extra in [[], ["--leave-behind"], ["--dry-run"]] {
            let stopped = scenario.run(["rollback", "--root", scenario.root] + extra)
            #expect(stopped.status == 1, "\(extra): \(stopped)")
            #expect(stopped.stderr.contains("the running app replaced the link") && stopped.stderr.contains(wayOut), "\(stopped.stderr)")
            #expect(scenario.liveRelease == live)
        }
        // The way out the message gives, then the rollback goes through with the data live.
        if !folder {
            try ToolRunner.bash(#"mv --backup=numbered -- "$1" "$2""#, [scenario.root + "/current/" + path, scenario.root + "/shared/" + path])
        }
        #expect(scenario.run(["recover", "--root", scenario.root]).status == 0)
        let back = scenario.run(["rollback", "--root", scenario.root])
        #expect(back.status == 0, "\(back)")
        #expect(scenario.liveRelease != live)
        #expect(scenario.read(scenario.root + "/current/" + path + (folder ? "/new.png" : "")) == text)
    }

    @Test func aFolderWithADifferingCopyStopsAndAnIdenticalCopyPasses() throws {
        let scenario = try twoReleases("rollback-replaced-copies")
        let live = try #require(scenario.liveRelease)
        try replace("uploads", in: scenario, folder: true, with: "x")
        try scenario.write("uploads/old.png", "changed", under: scenario.root + "/current/")
        try scenario.fileSystem.removeTree(at: scenario.root + "/current/uploads/new.png")
        let stopped = scenario.run(["rollback", "--root", scenario.root])
        #expect(stopped.status == 1 && stopped.stderr.contains("differ (old.png)"), "\(stopped)")
        #expect(scenario.liveRelease == live)

        try scenario.write("uploads/old.png", "old", under: scenario.root + "/current/")
        try replace("config/settings.php", in: scenario, folder: false, with: "<?php return 'default';\n")
        let back = scenario.run(["rollback", "--root", scenario.root])
        #expect(back.status == 0, "copies equal to shared/'s lose nothing: \(back)")
        #expect(scenario.read(scenario.root + "/current/uploads/old.png") == "old")
    }
}

/// Sync mode: a rollback stops for what the app or an admin changed in the served folder since
/// the last sync (changed and removed shipped files), as a deploy does; `--leave-behind` keeps a
/// copy of each changed file and rolls back.
@Suite struct RollbackSyncedFolderTests {
    @Test func aRollbackStopsForChangesInTheServedFolder() throws {
        let scenario = try DeployScenario("rollback-sync-drift")
        try scenario.write("index.php", "<?php // v1\n")
        try scenario.write("robots.txt", "User-agent: *\n")
        try scenario.write("humans.txt", "us\n")
        let served = scenario.directory.path + "/public_html"
        try #require(scenario.deploy(extra: ["--public-html", served, "--sync"]).status == 0)
        try scenario.write("index.php", "<?php // v2\n")
        try #require(scenario.deploy().status == 0)
        let live = try #require(scenario.liveRelease)

        try scenario.write("robots.txt", "Disallow: /private/\n", under: served + "/")
        var stopped = scenario.run(["rollback", "--root", scenario.root])
        #expect(stopped.status == 1 && stopped.stderr.contains("robots.txt  (shipped file changed in place"), "\(stopped)")
        #expect(stopped.stderr.contains("--leave-behind"), "\(stopped)")
        #expect(scenario.liveRelease == live)
        #expect(scenario.read(served + "/robots.txt") == "Disallow: /private/\n")
        #expect(scenario.read(served + "/index.php") == "<?php // v2\n")

        try scenario.write("robots.txt", "User-agent: *\n", under: served + "/")
        try scenario.fileSystem.removeTree(at: served + "/humans.txt")
        stopped = scenario.run(["rollback", "--root", scenario.root])
        #expect(stopped.status == 1 && stopped.stderr.contains("humans.txt  (shipped file removed)"), "\(stopped)")
        try scenario.write("humans.txt", "us\n", under: served + "/")

        try scenario.write("robots.txt", "Disallow: /private/\n", under: served + "/")
        let back = scenario.run(["rollback", "--root", scenario.root, "--leave-behind"])
        #expect(back.status == 0, "\(back)")
        #expect(scenario.liveRelease != live)
        #expect(scenario.read(served + "/index.php") == "<?php // v1\n")
        #expect(scenario.read(scenario.root + "/.persist-deploy/left-behind/\(live)/served-folder/robots.txt") == "Disallow: /private/\n")
    }
}
