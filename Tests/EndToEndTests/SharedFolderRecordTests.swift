import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// `--shared DIR` (the data on another disk) is remembered by the root: a later deploy without
/// it, and every other command, use that folder; a deploy given another one stops before
/// changing anything. A root deployed before the record existed is read from where its live
/// release's links lead.
@Suite struct SharedFolderRecordTests {
    private func root(_ label: String) throws -> (DeployScenario, shared: String) {
        let scenario = try DeployScenario(label)
        try scenario.write("index.php", "<?php // v1\n")
        try scenario.write("uploads/.gitkeep", "")
        let shared = scenario.directory.path + "/disk/shared"
        try #require(scenario.deploy(extra: ["--shared", shared]).status == 0)
        try scenario.write("uploads/photo.png", "photo", under: scenario.root + "/current/")
        try scenario.write("index.php", "<?php // v2\n")
        return (scenario, shared)
    }

    @Test func everyCommandUsesTheRecordedSharedFolder() throws {
        let (scenario, shared) = try root("shared-record")
        let first = try #require(scenario.liveRelease)
        let deployed = scenario.deploy()
        #expect(deployed.status == 0, "\(deployed)")
        #expect(scenario.read(scenario.root + "/current/uploads/photo.png") == "photo")
        #expect(try !scenario.fileSystem.exists(scenario.root + "/shared"), "no second shared folder")

        let health = scenario.run(["health-check", "--root", scenario.root])
        #expect(health.status == 0, "\(health)")
        let status = scenario.run(["status", "--root", scenario.root, "--json"])
        #expect(status.status == 0 && status.stdout.contains("\"uploads\""), "\(status)")
        let releases = scenario.run(["releases", "--root", scenario.root])
        #expect(releases.status == 0 && !releases.stdout.contains("not in the history"), "\(releases)")
        let prune = scenario.run(["prune", "--root", scenario.root, "--keep", "1", "--dry-run"])
        #expect(!prune.stdout.contains(first) && !prune.stderr.contains("remove old release releases/\(first)"), "the previous release stays: \(prune)")
        #expect(scenario.run(["backup", "--root", scenario.root]).status == 0)
        #expect(try !scenario.fileSystem.exists(scenario.root + "/shared"))

        let back = scenario.run(["rollback", "--root", scenario.root])
        #expect(back.status == 0, "\(back)")
        #expect(scenario.liveRelease == first)
        #expect(scenario.read(scenario.root + "/current/uploads/photo.png") == "photo")
        #expect(scenario.read(shared + "/uploads/photo.png") == "photo")
    }

    @Test func aDeployGivenAnotherSharedFolderStopsChangingNothing() throws {
        let (scenario, shared) = try root("shared-other")
        let live = try #require(scenario.liveRelease)
        let other = scenario.directory.path + "/elsewhere/shared"
        for arguments in [
            ["auto", "--root", scenario.root, "--from", scenario.app, "--shared", other],
            ["auto", "--root", scenario.root, "--from", scenario.app, "--shared", scenario.root + "/shared"],
            ["deploy", scenario.root + "/releases/" + live, other],
            ["recover", "--root", scenario.root, "--shared", other],
        ] {
            let stopped = scenario.run(arguments)
            #expect(stopped.status != 0, "\(arguments): \(stopped)")
            #expect(stopped.stderr.contains(shared) && stopped.stderr.contains("--shared '\(shared)'"), "names both and the way on: \(stopped.stderr)")
            #expect(scenario.liveRelease == live)
            #expect(try !scenario.fileSystem.exists(other) && !scenario.fileSystem.exists(scenario.root + "/shared"), "\(arguments)")
        }
        #expect(scenario.releaseIDs.count == 1)
        #expect(scenario.deploy(extra: ["--shared", shared]).status == 0, "the recorded folder given again is fine")
    }

    /// Roots deployed before the record: the folder the live release's links lead into (it holds
    /// `.persistence-config`) is used, and the next deploy records it.
    @Test func anOlderRootIsReadFromItsLinks() throws {
        let (scenario, shared) = try root("shared-links")
        let record = scenario.root + "/.persist-deploy/shared-folder"
        #expect(try scenario.fileSystem.exists(record))
        try scenario.fileSystem.removeTree(at: record)
        #expect(scenario.run(["health-check", "--root", scenario.root]).status == 0)
        let stopped = scenario.deploy(extra: ["--shared", scenario.root + "/shared"])
        #expect(stopped.status == 1 && stopped.stderr.contains("where the live release's links"), "\(stopped)")
        let deployed = scenario.deploy()
        #expect(deployed.status == 0, "\(deployed)")
        #expect(scenario.read(scenario.root + "/current/uploads/photo.png") == "photo")
        #expect(try scenario.fileSystem.exists(record))
        #expect(try !scenario.fileSystem.exists(scenario.root + "/shared"))
        #expect(scenario.read(shared + "/uploads/photo.png") == "photo")
    }
}
