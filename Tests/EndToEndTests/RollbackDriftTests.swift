import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Data rule 4 for a rollback: what the running app wrote into the live release outside
/// shared/ would leave the site with the switch, as with a deploy. The rollback stops (exit 1,
/// nothing changed) naming the files, the entry that keeps them and the command that rolls
/// back anyway; `--leave-behind` rolls back and sets them aside, never deleting them.
@Suite struct RollbackDriftTests {
    func twoReleases(_ label: String) throws -> DeployScenario {
        let scenario = try DeployScenario(label)
        try scenario.write("public/index.php", "<?php echo 1;\n")
        try scenario.write("src/App.php", "<?php // v1\n")
        try #require(scenario.deploy().status == 0)
        try scenario.write("src/App.php", "<?php // v2\n")
        try #require(scenario.deploy().status == 0)
        return scenario
    }

    @Test func aRollbackThatWouldTakeTheAppsWritesOffTheSiteStops() throws {
        let scenario = try twoReleases("rollback-drift")
        let live = try #require(scenario.liveRelease)
        let current = scenario.root + "/current/"
        try scenario.write("public/exports/report.csv", "id,total\n", under: current)
        try scenario.write("public/index.php", "<?php echo 'edited';\n", under: current)

        let stopped = scenario.run(["rollback", "--root", scenario.root])
        #expect(stopped.status == 1, "\(stopped)")
        #expect(scenario.liveRelease == live, "current did not move")
        #expect(stopped.stderr.contains("public/exports/  (new folder, 1 file"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("public/index.php  (shipped file changed in place"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("persist-deploy rollback --root '\(scenario.root)' --leave-behind"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains(#""public/exports": "#), "the entry that keeps them live: \(stopped.stderr)")
        #expect(scenario.read(current + "public/exports/report.csv") == "id,total\n")
        // A dry run says the same, and so does a pipeline's guarded rollback.
        #expect(scenario.run(["rollback", "--root", scenario.root, "--dry-run"]).status == 1)
        let guarded = scenario.run(["rollback", "--root", scenario.root, "--if-current", live])
        #expect(guarded.status == 1 && guarded.stderr.contains("--if-current '\(live)' --leave-behind"), "\(guarded.stderr)")

        let rolled = scenario.run(["rollback", "--root", scenario.root, "--leave-behind"])
        #expect(rolled.status == 0, "\(rolled)")
        #expect(scenario.liveRelease != live)
        let aside = scenario.root + "/.persist-deploy/left-behind/" + live + "/"
        #expect(scenario.read(aside + "public/exports/report.csv") == "id,total\n")
        #expect(scenario.read(aside + "public/index.php") == "<?php echo 'edited';\n")
        #expect(rolled.stderr.contains("--leave-behind: what the app wrote into releases/\(live)"), "\(rolled.stderr)")
    }

    @Test func aReleaseHoldingOnlyWhatItShippedRollsBackAsBefore() throws {
        let scenario = try twoReleases("rollback-clean")
        let live = try #require(scenario.liveRelease)
        let rolled = scenario.run(["rollback", "--root", scenario.root])
        #expect(rolled.status == 0, "\(rolled)")
        #expect(scenario.liveRelease != live)
        #expect(try !scenario.fileSystem.exists(scenario.root + "/.persist-deploy/left-behind"))
    }
}
