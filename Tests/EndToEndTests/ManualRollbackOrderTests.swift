import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// MANUAL-SETUP-GUIDE.md's rollback by hand goes to the release just before the live one by
/// name. Two deploys in one second are X and X-2 (X-10 after X-9): a glob or a plain sort puts
/// X-2 before X, so from X-2 the block found no older release and from X it went forward.
@Suite struct ManualRollbackOrderTests {
    @Test func theGuidesRollbackGoesBackInTheOrderReleasesWereMade() throws {
        let proof = try ProofRoot("manual-rollback-order")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let first = try #require(proof.liveRelease)
        let guide = try proof.fileSystem.readText(at: proof.root + "/shared/MANUAL-SETUP-GUIDE.md")
        let block = try #require(GuestAccount.shellBlocks(guide).first { $0.heading.hasPrefix("Rolling back") }).text
        let ids = ["2030-01-01_00-00-00", "2030-01-01_00-00-00-2", "2030-01-01_00-00-00-3", "2030-01-01_00-00-00-10"]
        for id in ids { try FileManager.default.createDirectory(atPath: proof.root + "/releases/" + id, withIntermediateDirectories: true) }
        func live(_ id: String) throws {
            try? FileManager.default.removeItem(atPath: proof.root + "/current")
            try FileManager.default.createSymbolicLink(atPath: proof.root + "/current", withDestinationPath: "releases/" + id)
        }
        for (from, to) in [(ids[3], ids[2]), (ids[2], ids[1]), (ids[1], ids[0]), (ids[0], first)] {
            try live(from)
            let back = try ToolRunner.bash(block)
            #expect(back.exitCode == 0, "\(back)")
            #expect(proof.liveRelease == to, "from \(from): \(back.stdout)")
        }
        try live(first)
        #expect(try ToolRunner.bash(block).stdout.contains("no release older than \(first)"))
        #expect(proof.liveRelease == first)
    }
}
