import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Kills that are not on entry to a system call: SIGKILL sent from outside at random moments
/// (`backup` and `restore` killed after each of their steps: `BackupCrashTests`).
extension CrashTests {
    /// Restore killed from outside at seeded random moments: every path holds the old or the
    /// restored data, and a rerun restores it all.
    @Test func restoreKilledFromOutside() throws {
        let proof = try ProofRoot("crash-restore")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        for index in 0..<200 { try proof.write("public/uploads/bulk/\(index).bin", String(repeating: "x", count: 4096), under: proof.root + "/current") }
        try proof.writeUserData("a")
        let backup = try proof.run(["backup", "--root", proof.root, "--json"])
        let id = try #require(try JSONSerialization.jsonObject(with: Data(backup.stdout.utf8)) as? [String: Any])["id"] as? String
        let backedUp = try proof.sharedData()
        try proof.writeUserData("b")
        try proof.fileSystem.removeTree(at: proof.root + "/shared/public/uploads/bulk/7.bin")
        try proof.saveTemplate()
        let changed = try proof.sharedData()

        let command = ["restore", try #require(id), "--root", proof.root, "--yes"]
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try proof.run(command).exitCode == 0)
        let duration = clock.now - start
        var generator = SeededGenerator(seed: 6)
        var problems: [String] = []
        let runs = 12
        for run in 0..<runs {
            try proof.restoreTemplate()
            let delay = Double.random(in: 0...max(0.02, duration / .seconds(1)), using: &generator)
            let started = try proof.tool.launch(command, in: proof.directory.path)
            usleep(UInt32(delay * 1_000_000))
            started.kill()
            _ = started.wait()
            let now = try proof.sharedData()
            for path in Set(backedUp.keys).union(changed.keys) where now[path] != backedUp[path] && now[path] != changed[path] {
                problems.append("run \(run) (\(delay) s): \(path) holds neither the old nor the restored data")
            }
            let rerun = try proof.run(command)
            if rerun.exitCode != 0 { problems.append("run \(run): the rerun failed: \(rerun)") }
            problems += DataInventory.losses(backedUp, try proof.sharedData()).map { "run \(run) after a rerun: \($0)" }
            problems += proof.currentProblems(allowNone: false).map { "run \(run): \($0)" }
        }
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
        ProofResults.record(suite: "crash", scenario: "restore: SIGKILL from outside at seeded random moments, then rerun",
                            runs: runs, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }

    /// A deploy killed from outside at seeded random moments (between and inside calls).
    @Test func deployKilledFromOutside() throws {
        let proof = try ProofRoot("crash-outside")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        try proof.writeUserData("a")
        try proof.saveTemplate()
        let scenario = Scenario(name: "deploy killed from outside", setup: { _ in }, command: { ["auto", "--root", $0.root, "--from", $0.app] })
        let before = try Snapshot(proof)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try proof.deploy().exitCode == 0)
        let duration = clock.now - start
        let finished = try Snapshot(proof)
        var generator = SeededGenerator(seed: 42)
        var problems: [String] = []
        let runs = 15
        for run in 0..<runs {
            try proof.restoreTemplate()
            let delay = Double.random(in: 0...(duration / .seconds(1)), using: &generator)
            let started = try proof.tool.launch(scenario.command(proof), in: proof.directory.path)
            usleep(UInt32(delay * 1_000_000))
            started.kill()
            _ = started.wait()
            problems += try checkAfterKill(proof, scenario, before: before, finished: finished).0.map { "run \(run) (\(delay) s): \($0)" }
            let rerun = try proof.run(scenario.command(proof))
            if rerun.exitCode != 0 { problems.append("run \(run): the rerun failed: \(rerun)") }
            problems += try checkConverged(proof, scenario, before: before, finished: finished).0.map { "run \(run) after a rerun: \($0)" }
        }
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
        ProofResults.record(suite: "crash", scenario: "subsequent deploy: SIGKILL from outside at seeded random moments, then rerun",
                            runs: runs, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }
}
