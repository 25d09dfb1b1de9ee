import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The history through the built binary: rollback by the history, releases by record whatever
/// their names, `prune`, a torn line and a long history.
@Suite struct HistoryEndToEndTests {
    static func json(_ outcome: ToolRunner.Outcome) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any], "\(outcome)")
    }

    /// `releases --json` as id -> marks, newest first.
    static func marks(_ proof: ProofRoot) throws -> [(id: String, marks: [String])] {
        let listing = try json(try proof.run(["releases", "--root", proof.root, "--json"]))
        return (listing["releases"] as? [[String: Any]] ?? []).map { ($0["id"] as? String ?? "", $0["marks"] as? [String] ?? []) }
    }

    static func deployed(_ proof: ProofRoot) throws -> String {
        let outcome = try proof.deploy()
        #expect(outcome.exitCode == 0, "\(outcome)")
        return try #require(proof.liveRelease)
    }

    /// Appends 3,000 lines like the first one (naming releases long gone) to the history, enough
    /// for the next deploy to rotate it; returns the whole history as it is then.
    @discardableResult
    static func padHistory(_ proof: ProofRoot, copying release: String) throws -> String {
        let history = proof.root + "/shared/.deployment-history"
        let line = try proof.fileSystem.readText(at: history).split(separator: "\n")[0]
        let filler = (0..<3_000).map { index in line.replacingOccurrences(of: release, with: "gone-\(index)") + "\n" }.joined()
        let padded = try proof.fileSystem.readText(at: history) + filler
        try proof.fileSystem.writeText(padded, to: history)
        return padded
    }

    @Test func afterABRollbackCARollbackLandsOnAAndNeverMovesForward() throws {
        let proof = try ProofRoot("history-rollback")
        try proof.writeApp()
        let a = try Self.deployed(proof)
        let b = try Self.deployed(proof)
        #expect(try proof.run(["rollback", "--root", proof.root]).exitCode == 0)
        #expect(proof.liveRelease == a)
        let c = try Self.deployed(proof)
        #expect(Set([a, b, c]).count == 3)

        let first = try proof.run(["rollback", "--root", proof.root, "--json"])
        #expect(first.exitCode == 0, "\(first)")
        #expect(try Self.json(first)["release"] as? String == a && proof.liveRelease == a, "not \(b), which was rolled back from")
        for _ in 0..<2 {
            let again = try proof.run(["rollback", "--root", proof.root])
            #expect(again.exitCode == 1 && again.stderr.contains("no release before releases/\(a)"), "\(again)")
            #expect(proof.liveRelease == a)
        }
        let marks = try Self.marks(proof)
        #expect(marks.map(\.id) == [c, b, a])
        #expect(marks.map(\.marks) == [["rolled-back-from"], ["rolled-back-from"], ["live"]])
        let text = try proof.run(["releases", "--root", proof.root])
        let lines = text.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.count == 3 && lines[0].hasPrefix("\(c) rolled back from (deployed ") && lines[2].hasPrefix("* \(a) live (deployed "), "\(text.stdout)")
        // A named rollback goes anywhere that finished a deploy.
        #expect(try proof.run(["rollback", "--root", proof.root, "--to", c]).exitCode == 0)
        #expect(proof.liveRelease == c)
        #expect(try Self.marks(proof).first?.marks == ["live"])
    }

    @Test func releasesNamedByCIAreReleasesForListingRollbackAndCleanup() throws {
        let proof = try ProofRoot("history-ci-names")
        try proof.writeApp()
        var shas: [String] = []
        for index in 0..<12 {
            // Not in name order: what CI uploads is named by commit.
            let sha = String(format: "%02x", (index * 37) % 256) + "0c9fe1d2a7b3"
            shas.append(sha)
            try proof.fileSystem.createDirectory(at: proof.root + "/releases", permissions: 0o755)
            try proof.fileSystem.copyTree(from: proof.app, to: proof.root + "/releases/" + sha)
            let outcome = try proof.run(["auto", "--root", proof.root, "--release", sha, "--keep", "5"])
            #expect(outcome.exitCode == 0, "\(outcome)")
            try proof.writeUserData("u\(index)")
        }
        let left = Set(try proof.fileSystem.listDirectory(at: proof.root + "/releases"))
        #expect(left == Set(shas.suffix(5)), "kept \(left.sorted())")
        #expect(try Self.marks(proof).map(\.id) == shas.suffix(5).reversed())
        #expect(try proof.run(["rollback", "--root", proof.root]).exitCode == 0)
        #expect(proof.liveRelease == shas[10])
        #expect(try proof.fileSystem.readText(at: proof.root + "/current/public/uploads/u11-avatar.png") == "avatar u11")
    }

    @Test func pruneRemovesOldFinishedReleasesButNeverTheLiveOrThePreviousOne() throws {
        let proof = try ProofRoot("history-prune")
        try proof.writeApp()
        var ids: [String] = []
        for tag in ["a", "b", "c", "d", "e"] {
            ids.append(try Self.deployed(proof))
            try proof.writeUserData(tag)
        }
        let data = try proof.sharedData()
        // Back to d: e is rolled back from, c is the previous one.
        #expect(try proof.run(["rollback", "--root", proof.root]).exitCode == 0)
        #expect(proof.liveRelease == ids[3])

        let dry = try proof.run(["prune", "--root", proof.root, "--keep", "1", "--dry-run", "--json"])
        #expect(dry.exitCode == 0, "\(dry)")
        let planned = try Self.json(dry)
        #expect(planned["removedReleases"] as? [String] == [ids[0], ids[1], ids[4]])
        #expect((planned["operations"] as? [[String: Any]])?.allSatisfy { $0["op"] as? String == "removeRelease" } == true)
        #expect(Set(try proof.fileSystem.listDirectory(at: proof.root + "/releases")) == Set(ids), "a dry run removed something")

        let pruned = try proof.run(["prune", "--root", proof.root, "--keep", "1"])
        #expect(pruned.exitCode == 0, "\(pruned)")
        #expect(Set(try proof.fileSystem.listDirectory(at: proof.root + "/releases")) == [ids[2], ids[3]])
        #expect(DataInventory.losses(data, try proof.sharedData()).isEmpty)
        #expect(proof.currentProblems(allowNone: false).isEmpty)
        let nothing = try proof.run(["prune", "--root", proof.root, "--keep", "1"])
        #expect(nothing.exitCode == 0 && nothing.stdout.contains("Nothing to remove"), "\(nothing)")
        #expect(try proof.run(["prune", "--root", proof.root, "--keep", "0"]).exitCode == 64)
        #expect(try proof.run(["rollback", "--root", proof.root]).exitCode == 0)
        #expect(proof.liveRelease == ids[2])
    }

    @Test func aTornLastLineIsToleratedByEveryReader() throws {
        let proof = try ProofRoot("history-torn")
        try proof.writeApp()
        let first = try Self.deployed(proof)
        let history = proof.root + "/shared/.deployment-history"
        let whole = try proof.fileSystem.readText(at: history)
        // A crash in the middle of an append: half a line, no newline.
        try proof.fileSystem.appendFile(at: history, contents: Array(whole.utf8.prefix(60)), permissions: 0o644)
        for command in [["health-check", "--root", proof.root], ["status", "--root", proof.root], ["releases", "--root", proof.root]] {
            let outcome = try proof.run(command)
            #expect(outcome.exitCode == 0, "\(command[0]): \(outcome)")
        }
        let script = try ToolRunner.bash(#"bash "$1/shared/health-check.sh""#, [proof.root])
        #expect(script.stdout.contains("last deploy: \(first)"), "\(script)")
        let second = try Self.deployed(proof)
        let lines = try proof.fileSystem.readText(at: history).split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines[1] == String(whole.prefix(60)), "the torn line stays on its own")
        #expect(lines[2].contains("\"release\":\"\(second)\""))
        let native = try proof.run(["health-check", "--root", proof.root])
        #expect(native.stdout.contains("last deploy: \(second)"), "\(native)")
        #expect(try proof.run(["rollback", "--root", proof.root]).exitCode == 0)
        #expect(proof.liveRelease == first)
    }

    @Test func aLongHistoryIsRotatedAndEveryReaderStillFindsItsWay() throws {
        let proof = try ProofRoot("history-long")
        try proof.writeApp()
        let first = try Self.deployed(proof)
        let history = proof.root + "/shared/.deployment-history"
        let before = try Self.padHistory(proof, copying: first)
        let second = try Self.deployed(proof)

        let shared = try proof.fileSystem.listDirectory(at: proof.root + "/shared")
        let archives = shared.filter { $0.hasPrefix(".deployment-history.2") }
        #expect(archives.count == 1, "\(shared)")
        #expect(try proof.fileSystem.readText(at: proof.root + "/shared/" + (archives.first ?? "")) == before, "moved whole")
        let now = try proof.fileSystem.readText(at: history)
        #expect(now.utf8.count < 2_000 && now.contains("\"release\":\"\(second)\""), "\(now)")
        #expect(proof.historyProblems().isEmpty)
        let script = try ToolRunner.bash(#"bash "$1/shared/health-check.sh""#, [proof.root])
        #expect(script.stdout.contains("last deploy: \(second)"), "\(script)")
        let status = try Self.json(try proof.run(["status", "--root", proof.root, "--json"]))
        #expect((status["lastDeploys"] as? [[String: Any]])?.compactMap { $0["release"] as? String }.prefix(2) == [second, "gone-2999"])
        #expect(try proof.run(["rollback", "--root", proof.root]).exitCode == 0)
        #expect(proof.liveRelease == first)
        // The rotated file is the tool's, not the app's data: backups leave it out.
        #expect(DeployRoot.isToolFileInShared(archives.first ?? ""))
    }

    /// The 3 a.m. script reads a rotated history the way `recover` does: the carried lines keep
    /// which release went live last (here the one rolled back to, not the newer one rolled back
    /// from), and lines written after the rotation count after them.
    @Test func emergencyRecoveryChoosesByARotatedHistoryAsRecoverDoes() throws {
        let proof = try ProofRoot("history-rotated-recovery")
        try proof.writeApp()
        let a = try Self.deployed(proof)
        let b = try Self.deployed(proof)
        #expect(try proof.run(["rollback", "--root", proof.root]).exitCode == 0)
        try Self.padHistory(proof, copying: a)
        let c = try Self.deployed(proof)
        let rotated = try proof.fileSystem.listDirectory(at: proof.root + "/shared").filter { $0.hasPrefix(".deployment-history.2") }
        #expect(rotated.count == 1, "the history was rotated by the deploy of \(c)")

        func recoveredRelease(_ how: String) throws -> String? {
            try proof.fileSystem.removeTree(at: proof.root + "/current")
            if how == "script" {
                let script = try ToolRunner.bash(#""$1/shared/emergency-recovery.sh""#, [proof.root])
                #expect(script.exitCode == 0, "\(script)")
            } else {
                let outcome = try proof.run(["recover", "--root", proof.root])
                #expect(outcome.exitCode == 0, "\(outcome)")
            }
            return proof.liveRelease
        }
        // c went live after the rotation: it is the newest.
        #expect(try recoveredRelease("script") == c)
        #expect(try recoveredRelease("recover") == c)
        // Without c, only the carried lines decide: a was live after b.
        try proof.fileSystem.removeTree(at: proof.root + "/releases/" + c)
        #expect(try recoveredRelease("script") == a, "not \(b), which was rolled back from")
        #expect(try recoveredRelease("recover") == a)
    }
}
