import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// `deploy.sh --rollback` guards the release it leaves as the binary's `rollback` does: the
/// app's writes in the live release outside shared/ stop it, and `--leave-behind` rolls back
/// and sets them aside in the same place.
@Suite struct BundleRollbackDriftTests {
    private static let ids = ["2026-01-01_00-00-01", "2026-01-02_00-00-01"]

    @Test func rollbackStopsForTheAppsWritesThenLeavesThemBehind() throws {
        let parity = try ParityScenario("bundle-rollback-drift")
        try parity.scenario.writeLaravelApp()
        try parity.makeBundle()
        for id in Self.ids {
            try parity.scenario.write("public/index.php", "<?php echo '\(id)';\n")
            try parity.upload(id)
            try parity.deployBoth(id)
        }
        for root in [parity.binaryRoot, parity.bashRoot] {
            try parity.scenario.write("current/public/exports/report.csv", "id,total\n", under: root)
        }

        let binary = parity.scenario.run(["rollback", "--root", parity.binaryRoot])
        #expect(binary.status == 1, "\(binary.stderr)")
        let bash = try parity.deployBash(["--rollback"])
        #expect(bash.exitCode == 1, "\(bash)")
        #expect(bash.stderr.contains("public/exports") && bash.stderr.contains("--rollback \(Self.ids[0]) --leave-behind"), "\(bash.stderr)")
        for root in [parity.binaryRoot, parity.bashRoot] {
            #expect(try parity.fileSystem.readSymlink(at: root + "/current") == "releases/" + Self.ids[1], "nothing changed in \(root)")
        }

        #expect(parity.scenario.run(["rollback", "--root", parity.binaryRoot, "--leave-behind"]).status == 0)
        let left = try parity.deployBash(["--rollback", "--leave-behind"])
        #expect(left.exitCode == 0, "\(left)")
        for root in [parity.binaryRoot, parity.bashRoot] {
            #expect(try parity.fileSystem.readSymlink(at: root + "/current") == "releases/" + Self.ids[0])
            let aside = root + "/.persist-deploy/left-behind/\(Self.ids[1])/public/exports/report.csv"
            #expect(parity.scenario.read(aside) == "id,total\n", "\(root)")
            #expect(try !parity.fileSystem.exists(root + "/releases/\(Self.ids[1])/public/exports"))
        }
    }
}
