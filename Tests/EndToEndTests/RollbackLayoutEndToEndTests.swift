import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// `rollback --to` a release from before a path became persistent, and a deploy that runs out
/// of space, through the built binary.
@Suite struct RollbackLayoutEndToEndTests {
    func deploy(_ proof: ProofRoot) throws -> String {
        let outcome = try proof.deploy()
        #expect(outcome.exitCode == 0, "\(outcome)")
        return try #require(proof.liveRelease)
    }

    @Test func rollingBackToAReleaseFromBeforeAPathBecamePersistentReLinksItFirst() throws {
        let proof = try ProofRoot("rollback-layout")
        try proof.writeApp()
        try proof.write("public/docs/guide.pdf", "the guide", under: proof.app)
        try proof.write("persist-deploy.json", #"{"classify": {"public/docs": "asset"}}"#, under: proof.app)
        let old = try deploy(proof)
        _ = try deploy(proof)
        // What the app wrote into the old release's real folder while it was live.
        try proof.write("public/docs/report-2025.pdf", "written while the old release was live", under: proof.root + "/releases/" + old)
        try proof.write("public/docs/guide.pdf", "the guide, edited by the app", under: proof.root + "/releases/" + old)
        // The code now keeps docs: the next deploy makes the path persistent.
        try proof.write("persist-deploy.json", #"{"classify": {"public/docs": "user"}}"#, under: proof.app)
        _ = try deploy(proof)
        try proof.write("public/docs/uploaded-since.pdf", "uploaded since", under: proof.root + "/current")
        let shared = proof.root + "/shared/public/docs"
        let before = try DataInventory.take(shared)

        let dry = try proof.run(["rollback", "--root", proof.root, "--to", old, "--dry-run"])
        #expect(dry.exitCode == 0, "\(dry)")
        #expect(dry.stdout.contains("move what shared/public/docs lacks out of releases/\(old)/public/docs"), "\(dry.stdout)")
        #expect(dry.stdout.contains("link releases/\(old)/public/docs -> ../../../shared/public/docs"), "\(dry.stdout)")
        #expect(try proof.fileSystem.type(at: proof.root + "/releases/\(old)/public/docs") == .directory, "a dry run changed the release")
        #expect(try DataInventory.take(shared) == before)

        let rollback = try proof.run(["rollback", "--root", proof.root, "--to", old, "--json"])
        #expect(rollback.exitCode == 0, "\(rollback)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(rollback.stdout.utf8)) as? [String: Any])
        #expect(result["relinked"] as? [String] == ["public/docs"])
        #expect(proof.liveRelease == old)
        #expect(try proof.fileSystem.readSymlink(at: proof.root + "/releases/\(old)/public/docs") == "../../../shared/public/docs")
        let after = try DataInventory.take(shared)
        #expect(DataInventory.losses(before, after).isEmpty, "shared/ lost or changed a file")
        let current = proof.root + "/current/public/docs/"
        #expect(try proof.fileSystem.readText(at: current + "uploaded-since.pdf") == "uploaded since")
        #expect(try proof.fileSystem.readText(at: current + "report-2025.pdf") == "written while the old release was live")
        #expect(try proof.fileSystem.readText(at: current + "guide.pdf") == "the guide")
        #expect(try proof.fileSystem.readText(at: current + "guide.pdf.rollback-\(old)") == "the guide, edited by the app")
        #expect(try proof.healthProblems().isEmpty)
        // What the app writes now lands in shared/, so a cleanup of the old release loses nothing.
        try proof.write("public/docs/after-rollback.pdf", "after", under: proof.root + "/current")
        _ = try deploy(proof)
        #expect(try proof.run(["prune", "--root", proof.root, "--keep", "1"]).exitCode == 0)
        #expect(try proof.fileSystem.readText(at: shared + "/after-rollback.pdf") == "after")
        #expect(try proof.fileSystem.readText(at: shared + "/report-2025.pdf") == "written while the old release was live")
    }

    @Test func aFullDiskSaysWhatOldReleasesHoldAndThePruneCommandFreesIt() throws {
        let proof = try ProofRoot("history-disk-full")
        let scenario = "full disk: the error names what old releases hold and `prune`; after it the deploy goes through"
        if let reason = try FaultTests.mountTmpfs(at: proof.root, size: "4m") {
            ProofResults.record(suite: "faults", scenario: scenario, runs: 0, outcome: "skipped: \(reason)")
            return
        }
        defer { FaultTests.unmount(proof.root) }
        try proof.writeApp()
        try proof.write("public/css/big.css", String(repeating: "a", count: 700_000), under: proof.app)
        var ids: [String] = []
        for tag in ["a", "b", "c", "d"] {
            ids.append(try deploy(proof))
            try proof.writeUserData(tag)
        }
        let data = try proof.sharedData()
        try proof.write("public/css/bigger.css", String(repeating: "b", count: 900_000), under: proof.app)
        let full = try proof.deploy()
        var problems: [String] = []
        if full.exitCode != 1 { problems.append("exit \(full.exitCode), not 1: \(full)") }
        let command = "persist-deploy prune --root \(Shell.quote(proof.root)) --keep 1"
        if !full.stderr.contains("2 old releases hold 1.") || !full.stderr.contains(command) {
            problems.append("the error does not say what old releases hold and how to prune them: \(full.stderr)")
        }
        if proof.liveRelease != ids[3] { problems.append("current moved") }
        let pruned = try proof.run(["prune", "--root", proof.root, "--keep", "1"])
        if pruned.exitCode != 0 { problems.append("prune failed: \(pruned)") }
        let retry = try proof.deploy()
        if retry.exitCode != 0 { problems.append("the deploy after prune failed: \(retry)") }
        problems += DataInventory.losses(data, try proof.sharedData()).map { "shared/\($0)" }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        ProofResults.record(suite: "faults", scenario: scenario, runs: 1, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }
}
