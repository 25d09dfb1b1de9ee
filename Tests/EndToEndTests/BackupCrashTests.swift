import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// `backup` and `restore` SIGKILLed after each of their steps (`PERSIST_DEPLOY_CRASH_AFTER=k`),
/// then checked: no snapshot is ever listed half-made, shared/ holds for every file the old data
/// or the restored data, what a restore replaced is always in a listed, intact snapshot, and the
/// next command cleans the restore's leftovers and converges.
@Suite struct BackupCrashTests {
    static let maxSteps = 80

    /// Deploys the app, writes data, and makes `backups` snapshots of it.
    func prepared(_ label: String, backups: Int) throws -> ProofRoot {
        let proof = try ProofRoot(label)
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        for index in 0..<40 { try proof.write("public/uploads/bulk/\(index).bin", String(repeating: "b", count: 3000), under: proof.root + "/current") }
        try proof.writeUserData("a")
        for _ in 0..<backups { #expect(try proof.run(["backup", "--root", proof.root]).exitCode == 0) }
        return proof
    }

    /// The app's data in shared/, without the copies a restore makes beside a path.
    func data(_ proof: ProofRoot) throws -> [String: String] {
        try proof.sharedData().filter { !$0.key.split(separator: "/").contains { SnapshotRestorerNames.isLeftover(String($0)) } }
    }

    func listedBackups(_ proof: ProofRoot) throws -> [String] {
        let listed = try proof.run(["backups", "--root", proof.root, "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any]
        return (json?["backups"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    /// What snapshot `id` holds, as `sharedData` names it.
    func snapshot(_ proof: ProofRoot, _ id: String) throws -> [String: String] {
        try DataInventory.take(proof.root + "/backups/" + id + "/data")
    }

    func leftovers(_ proof: ProofRoot) throws -> [String] {
        try DataInventory.take(proof.root + "/shared").keys.filter { path in
            path.split(separator: "/").last.map { SnapshotRestorerNames.isLeftover(String($0)) } ?? false
        }.sorted() + ((try? proof.fileSystem.exists(proof.root + "/.persist-deploy/restore-journal.json")) == true ? ["journal"] : [])
    }

    @Test func backupKilledAfterEachStep() throws {
        let proof = try prepared("crash-backup", backups: 1)
        try proof.writeUserData("b")
        try proof.saveTemplate()
        let before = try data(proof)
        let command = ["backup", "--root", proof.root, "--keep", "1"]
        var problems: [String] = []
        var crashes = 0
        for step in 1...Self.maxSteps {
            try proof.restoreTemplate()
            let crashed = try proof.tool.launch(command, in: proof.directory.path, environment: ["PERSIST_DEPLOY_CRASH_AFTER": String(step)]).wait()
            if !crashed.signalled {
                #expect(crashed.outcome.exitCode == 0, "backup without a crash: \(crashed.outcome)")
                break
            }
            crashes += 1
            if try data(proof) != before { problems.append("after step \(step): a backup changed shared/") }
            let verify = try proof.run(["backups", "--root", proof.root, "--verify"])
            if verify.exitCode != 0 { problems.append("after step \(step): a listed snapshot is damaged: \(verify)") }
            let rerun = try proof.run(command)
            if rerun.exitCode != 0 { problems.append("after step \(step): the rerun failed: \(rerun)") }
            let listed = try listedBackups(proof)
            if listed.count != 1 { problems.append("after step \(step) and a rerun: \(listed.count) backups listed, --keep 1") }
            if let newest = listed.first, try snapshot(proof, newest) != before {
                problems.append("after step \(step) and a rerun: the snapshot differs from shared/")
            }
            let unfinished = try proof.fileSystem.listDirectory(at: proof.root + "/backups").filter { $0.hasPrefix(".tmp-") }
            if !unfinished.isEmpty { problems.append("after step \(step) and a rerun: left \(unfinished)") }
        }
        #expect(crashes >= 5, "the hook fired \(crashes) times")
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        ProofResults.record(suite: "crash", scenario: "backup (--keep 1): SIGKILL after each step, then rerun",
                            runs: crashes, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }

    /// After each kill, either `restore` is run again, or first a `backup` (any next command
    /// cleans a killed restore's leftovers, proven its own by the journal).
    @Test(arguments: ["restore", "backup"])
    func restoreKilledAfterEachStep(next: String) throws {
        let proof = try prepared("crash-restore-\(next)", backups: 1)
        let id = try #require(try listedBackups(proof).first)
        let backedUp = try data(proof)
        try proof.writeUserData("b")
        try proof.fileSystem.removeTree(at: proof.root + "/shared/public/uploads/bulk/7.bin")
        try proof.fileSystem.removeTree(at: proof.root + "/shared/storage/logs")
        try proof.saveTemplate()
        let replaced = try data(proof)
        let command = ["restore", id, "--root", proof.root, "--yes"]
        var problems: [String] = []
        var crashes = 0
        for step in 1...Self.maxSteps {
            try proof.restoreTemplate()
            let crashed = try proof.tool.launch(command, in: proof.directory.path, environment: ["PERSIST_DEPLOY_CRASH_AFTER": String(step)]).wait()
            if !crashed.signalled {
                #expect(crashed.outcome.exitCode == 0, "restore without a crash: \(crashed.outcome)")
                break
            }
            crashes += 1
            let now = try data(proof)
            for path in Set(backedUp.keys).union(replaced.keys) where now[path] != backedUp[path] && now[path] != replaced[path] {
                problems.append("after step \(step): \(path) holds neither the old nor the restored data")
            }
            // What the restore replaces is never lost: still in shared/, or in a listed snapshot.
            if now != replaced {
                let kept = try listedBackups(proof).filter { $0 != id }.contains { try snapshot(proof, $0) == replaced }
                if !kept { problems.append("after step \(step): the replaced data is in no listed snapshot") }
            }
            let health = try proof.run(["health-check", "--root", proof.root])
            if try !leftovers(proof).isEmpty && !health.stdout.contains("WARN leftover") {
                problems.append("after step \(step): health-check does not report \(try leftovers(proof))")
            }
            if next == "backup" {
                let backup = try proof.run(["backup", "--root", proof.root])
                if backup.exitCode != 0 { problems.append("after step \(step): the next backup failed: \(backup)") }
                if try !leftovers(proof).isEmpty { problems.append("after step \(step) and a backup: left \(try leftovers(proof))") }
            }
            let rerun = try proof.run(command)
            if rerun.exitCode != 0 { problems.append("after step \(step): the rerun failed: \(rerun)") }
            if try data(proof) != backedUp { problems.append("after step \(step) and a rerun: shared/ is not the snapshot") }
            if try !leftovers(proof).isEmpty { problems.append("after step \(step) and a rerun: left \(try leftovers(proof))") }
            problems += proof.currentProblems(allowNone: false).map { "after step \(step) and a rerun: \($0)" }
            let verify = try proof.run(["backups", "--root", proof.root, "--verify"])
            if verify.exitCode != 0 { problems.append("after step \(step) and a rerun: \(verify)") }
        }
        #expect(crashes >= 10, "the hook fired \(crashes) times")
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        ProofResults.record(suite: "crash", scenario: "restore: SIGKILL after each step, then \(next == "backup" ? "a backup and " : "")a rerun",
                            runs: crashes, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }
}

/// The names a restore makes beside a path (`.NAME.restore-new`, `.NAME.restore-old`).
enum SnapshotRestorerNames {
    static func isLeftover(_ name: String) -> Bool {
        name.hasPrefix(".") && (name.hasSuffix(".restore-new") || name.hasSuffix(".restore-old"))
    }
}
