import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A release from before a path became persistent holds that path as a real folder, and the app
/// may have written there while it was live: cleanup (a deploy's --keep, or prune) compares that
/// folder with what the release shipped like any other, and moves the writes to left-behind/.
@Suite struct CleanupOfOlderLayoutsTests {
    @Test(arguments: ["deploy", "prune"])
    func writesIntoAPathMadePersistentLaterAreMovedAsideNotDeleted(_ how: String) throws {
        let proof = try ProofRoot("cleanup-older-layout-\(how)")
        try proof.writeApp()
        try proof.write("public/docs/manual.pdf", "the manual", under: proof.app)
        try proof.write("persist-deploy.json", #"{"classify": {"public/docs": "asset"}}"#, under: proof.app)
        #expect(try proof.deploy().exitCode == 0)
        let old = try #require(proof.liveRelease)
        #expect(try proof.deploy().exitCode == 0)
        // Written by a process still running in the old release, after the switch.
        try proof.write("public/docs/written-then.pdf", "written while it was live", under: proof.root + "/releases/" + old)
        try proof.write("persist-deploy.json", #"{"classify": {"public/docs": "user"}}"#, under: proof.app)
        #expect(try proof.deploy().exitCode == 0)

        let outcome = how == "deploy"
            ? try proof.deploy(["--keep", "1"])
            : try proof.run(["prune", "--root", proof.root, "--keep", "1"])
        #expect(outcome.exitCode == 0, "\(outcome)")
        #expect(!proof.fileSystem.exists(atPath: proof.root + "/releases/" + old), "the old release was removed")
        let aside = proof.root + "/.persist-deploy/left-behind/" + old + "/public/docs/written-then.pdf"
        #expect((try? proof.fileSystem.readText(at: aside)) == "written while it was live", "\(outcome)")
        #expect(outcome.stderr.contains("left-behind"), "the cleanup says where the files went: \(outcome)")
    }
}
