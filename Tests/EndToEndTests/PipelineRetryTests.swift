import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// What a pipeline sees when it retries a command, or passes a mistyped `--root`: an exit code
/// it can act on without reading the text, and no trace left where no deploy root is.
@Suite struct PipelineRetryTests {
    static func json(_ outcome: ToolRunner.Outcome) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any], "\(outcome)")
    }

    static func deployed(_ proof: ProofRoot) throws -> String {
        let outcome = try proof.deploy()
        #expect(outcome.exitCode == 0, "\(outcome)")
        return try #require(proof.liveRelease)
    }

    @Test func aRetriedRollbackToAReleaseThatLandedIsDoneNotFailed() throws {
        let proof = try ProofRoot("retry-rollback-to")
        try proof.writeApp()
        let a = try Self.deployed(proof)
        _ = try Self.deployed(proof)
        #expect(try proof.run(["rollback", "--root", proof.root, "--to", a]).exitCode == 0)
        let history = try proof.fileSystem.readText(at: proof.root + "/shared/.deployment-history")

        let again = try proof.run(["rollback", "--root", proof.root, "--to", a])
        #expect(again.exitCode == 0 && again.stdout.contains("releases/\(a) is already live, nothing to do."), "\(again)")
        let json = try proof.run(["rollback", "--root", proof.root, "--to", a, "--json"])
        #expect(json.exitCode == 0, "\(json)")
        let result = try Self.json(json)
        #expect(result["alreadyLive"] as? Bool == true && result["rolledBack"] as? Bool == false && result["release"] as? String == a, "\(json)")
        let dryRun = try proof.run(["rollback", "--root", proof.root, "--to", a, "--dry-run"])
        #expect(dryRun.exitCode == 0 && dryRun.stdout.contains("already live"), "\(dryRun)")
        #expect(proof.liveRelease == a)
        #expect(try proof.fileSystem.readText(at: proof.root + "/shared/.deployment-history") == history, "a retry records nothing")
    }

    @Test func aRetriedPlainRollbackWithIfCurrentRollsBackOnce() throws {
        let proof = try ProofRoot("retry-rollback-if-current")
        try proof.writeApp()
        let a = try Self.deployed(proof)
        let b = try Self.deployed(proof)
        let c = try Self.deployed(proof)
        let first = try proof.run(["rollback", "--root", proof.root, "--if-current", c, "--json"])
        #expect(first.exitCode == 0 && proof.liveRelease == b, "\(first)")
        let retry = try proof.run(["rollback", "--root", proof.root, "--if-current", c, "--json"])
        #expect(retry.exitCode == 0, "\(retry)")
        #expect(try Self.json(retry)["rolledBack"] as? Bool == false, "\(retry)")
        #expect(proof.liveRelease == b, "not rolled back twice (to \(a))")
    }

    @Test func aRetryOfARollbackKilledAfterItsSwitchRecordsIt() throws {
        let proof = try ProofRoot("retry-rollback-killed")
        try proof.writeApp()
        let a = try Self.deployed(proof)
        let b = try Self.deployed(proof)
        // As a kill between the switch and the history line leaves it: current moved, no line.
        try proof.fileSystem.removeTree(at: proof.root + "/current")
        try proof.fileSystem.createSymlink(at: proof.root + "/current", target: "releases/" + a)
        let retry = try proof.run(["rollback", "--root", proof.root, "--if-current", b, "--json"])
        #expect(retry.exitCode == 0, "\(retry)")
        #expect(try Self.json(retry)["rolledBack"] as? Bool == true, "\(retry)")
        let history = try proof.fileSystem.readText(at: proof.root + "/shared/.deployment-history")
        #expect(history.split(separator: "\n").last?.contains("\"rolled-back\"") == true, "\(history)")
        #expect(proof.liveRelease == a)
    }

    /// Every command but a deploy, on a missing folder and on one that is no deploy root.
    @Test(arguments: [
        ["rollback"], ["rollback", "--to", "x"], ["rollback", "--dry-run"], ["recover"], ["recover", "--dry-run"],
        ["health-check"], ["status"], ["releases"], ["prune"], ["prune", "--dry-run"], ["backup"], ["backups"],
        ["backups", "--verify"], ["restore", "--yes"], ["generate"],
    ])
    func aMistypedRootIsNamedAndLeftUntouched(_ command: [String]) throws {
        let directory = try TemporaryDirectory("mistyped-root")
        let tool = try ToolRunner()
        let fileSystem = LocalFileSystem()
        let folder = directory.path + "/some folder"
        try fileSystem.createDirectory(at: folder, permissions: 0o755)
        try fileSystem.writeText("notes\n", to: folder + "/notes.txt")
        let expected: Int32 = command == ["health-check"] ? 2 : 1
        for root in [folder, directory.path + "/typo"] {
            let outcome = try tool.run(command + ["--root", root, "--json"], in: directory.path)
            #expect(outcome.exitCode == expected, "\(command) on \(root): \(outcome)")
            let error = try Self.json(outcome)
            let message = error["error"] as? String ?? ""
            #expect(message.contains("'\(root)'") && (message.contains("is not a deploy root") || message.contains("does not exist")), "\(outcome)")
            #expect(error["exitCode"] as? Int == Int(expected), "\(outcome)")
        }
        #expect(try fileSystem.listDirectory(at: folder) == ["notes.txt"], "nothing created in a folder that is no deploy root")
        #expect(try fileSystem.type(at: directory.path + "/typo") == nil)
    }
}
