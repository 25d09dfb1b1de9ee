import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A persistent folder whose link in the live release was replaced by a real folder: an updater
/// that renames the folder aside and unpacks a new version (WordPress's plugin updater), or an
/// upload over the live site. Files that differ from shared/'s copies stop the deploy: only one
/// copy can be live, and silently keeping shared/'s older one undoes the app's update.
@Suite struct ReplacedPersistentFolderTests {
    /// A deployed root whose live `public/uploads` is a real folder again, holding `files`.
    func replacedFolder(_ label: String, _ files: [String: String]) throws -> (ProofRoot, live: String, shared: String) {
        let proof = try ProofRoot(label)
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        try proof.write("public/uploads/report.pdf", "report v1", under: proof.root + "/current")
        let live = proof.root + "/current/public/uploads"
        try proof.fileSystem.removeTree(at: live)
        for (name, text) in files { try proof.write(name, text, under: live) }
        return (proof, live, proof.root + "/shared/public/uploads")
    }

    @Test func differingCopiesStopTheDeployAndTheHintsFirstChoiceKeepsTheAppsNewest() throws {
        let (proof, live, shared) = try replacedFolder("replaced-differing", [
            "report.pdf": "report v2, written by the app", "demo-1.jpg": "demo image 1", "new.txt": "new file",
        ])
        let before = try proof.sharedData()
        let releaseBefore = proof.liveRelease
        let refused = try proof.deploy()
        #expect(refused.exitCode == 1, "\(refused)")
        #expect(refused.stderr.contains("shared/'s copies of 1 file in it differ (report.pdf)") && refused.stderr.contains("report.pdf"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("demo-1.jpg"), "an identical copy is not a difference")
        #expect(try proof.sharedData() == before && proof.liveRelease == releaseBefore, "nothing changed")
        #expect(try proof.fileSystem.readText(at: live + "/report.pdf") == "report v2, written by the app")

        // The hint's command, as an admin would paste it.
        let hint = try #require(refused.stderr.split(separator: "\n").first { $0.contains("cp -a --") })
        let command = String(hint[hint.range(of: "cp -a --")!.lowerBound...].prefix { $0 != "," })
        #expect(try ToolRunner.bash(command, []).exitCode == 0, "\(command)")
        let deployed = try proof.deploy()
        #expect(deployed.exitCode == 0, "\(deployed)")
        #expect(try proof.fileSystem.readText(at: shared + "/report.pdf") == "report v2, written by the app")
        #expect(try proof.fileSystem.readText(at: shared + "/new.txt") == "new file")
        let names = try proof.fileSystem.listDirectory(at: shared)
        #expect(!names.contains { $0.contains(".adopted-") }, "identical copies are dropped, not kept twice: \(names)")
        #expect(try proof.fileSystem.type(at: proof.root + "/current/public/uploads") == .symlink)
    }

    @Test func identicalAndNewFilesMergeWithoutDuplicates() throws {
        let (proof, _, shared) = try replacedFolder("replaced-identical", [
            "report.pdf": "report v1", "demo-1.jpg": "demo image 1", "added.txt": "added while unlinked",
        ])
        let deployed = try proof.deploy()
        #expect(deployed.exitCode == 0, "\(deployed)")
        let names = try proof.fileSystem.listDirectory(at: shared).sorted()
        #expect(names == ["added.txt", "demo-1.jpg", "report.pdf"], "\(names)")
        #expect(try proof.fileSystem.readText(at: shared + "/report.pdf") == "report v1")
    }
}
