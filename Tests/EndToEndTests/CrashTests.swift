import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Data rules 1, 2 and 5 after a crash at any moment: each command is SIGKILLed after each of
/// its operations in turn (`PERSIST_DEPLOY_CRASH_AFTER=k`), then the root is checked and the
/// same command run again must converge to a healthy root holding the same data.
@Suite struct CrashTests {
    /// One command to crash, on a root prepared by `setup`.
    struct Scenario {
        var name: String
        /// Nothing was live before the command, so `current` may be absent after a crash.
        var allowNoCurrent = false
        /// An in-place site is adopted: before the adoption `current` is a real folder, and the
        /// adopted release lacks a path between its move into shared/ and its link (two adjacent
        /// renames that no order can make one; the data is in shared/ and a rerun links it).
        var adoption = false
        var setup: (ProofRoot) throws -> Void
        var command: (ProofRoot) -> [String]
        /// A rerun that finds its work done may say so with exit 1 (rollback: "already live").
        var rerunAccepts: (ToolRunner.Outcome) -> Bool = { $0.exitCode == 0 }
        /// Extra checks of the converged root.
        var converged: (ProofRoot) throws -> [String] = { _ in [] }
    }

    static let maxSteps = 150

    /// Runs `scenario` crashed after k = 1, 2, … operations until it finishes on its own.
    func crashAtEveryStep(_ scenario: Scenario) throws {
        let proof = try ProofRoot("crash")
        try proof.writeApp()
        try scenario.setup(proof)
        try proof.saveTemplate()
        let sharedBefore = try proof.sharedData()
        let seenBefore = try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths)

        var problems: [String] = []
        var crashes = 0
        for step in 1...Self.maxSteps {
            try proof.restoreTemplate()
            let crashed = try proof.tool.launch(scenario.command(proof), in: proof.directory.path,
                                                environment: ["PERSIST_DEPLOY_CRASH_AFTER": String(step)]).wait()
            if !crashed.signalled {
                #expect(crashed.outcome.exitCode == 0, "\(scenario.name) without a crash: \(crashed.outcome)")
                break
            }
            crashes += 1
            problems += try checkAfterCrash(proof, scenario, sharedBefore: sharedBefore, seenBefore: seenBefore)
                .map { "after op \(step): \($0)" }
            let rerun = try proof.run(scenario.command(proof))
            if !scenario.rerunAccepts(rerun) { problems.append("after op \(step), the rerun failed: \(rerun)") }
            problems += try checkConverged(proof, scenario, sharedBefore: sharedBefore, seenBefore: seenBefore)
                .map { "after op \(step) and a rerun: \($0)" }
        }
        #expect(crashes > 0, "\(scenario.name) never crashed: the hook did not fire")
        #expect(problems.isEmpty, "\(scenario.name):\n\(problems.prefix(20).joined(separator: "\n"))")
        let window = scenario.adoption ? " (allowed: a path between its move into shared/ and its link is missing from the adopted release)" : ""
        ProofResults.record(
            suite: "crash", scenario: "\(scenario.name): SIGKILL after each operation, then rerun\(window)",
            runs: crashes, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }

    /// Right after the crash: `current` whole, no user file lost or changed (it may sit in
    /// shared/ already or still in the live release), history lines whole.
    func checkAfterCrash(_ proof: ProofRoot, _ scenario: Scenario, sharedBefore: [String: String], seenBefore: [String: String]) throws -> [String] {
        var problems = proof.currentProblems(allowNone: scenario.allowNoCurrent, allowInPlace: scenario.adoption)
        if scenario.adoption {
            problems = problems.filter { problem in
                !ProofRoot.persistentPaths.contains { problem.hasPrefix("current/\($0) does not resolve")
                    && proof.fileSystem.exists(atPath: proof.root + "/shared/" + $0) }
            }
        }
        problems += proof.historyProblems()
        let sharedNow = try proof.sharedData()
        problems += DataInventory.losses(sharedBefore, sharedNow).map { "shared/\($0)" }
        let seenNow = try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths)
        let inShared = try DataInventory.seenThrough(proof.root + "/shared", paths: ProofRoot.persistentPaths)
        for (path, hash) in seenBefore where seenNow[path] != hash && inShared[path] != hash {
            problems.append("\(path) is neither in current/ nor in shared/ as it was")
        }
        return problems
    }

    func checkConverged(_ proof: ProofRoot, _ scenario: Scenario, sharedBefore: [String: String], seenBefore: [String: String]) throws -> [String] {
        var problems = proof.currentProblems(allowNone: false) + proof.historyProblems() + (try proof.healthProblems())
        problems += DataInventory.losses(sharedBefore, try proof.sharedData()).map { "shared/\($0)" }
        problems += DataInventory.losses(seenBefore, try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths))
            .map { "current/\($0)" }
        return problems + (try scenario.converged(proof))
    }

    // MARK: the scenarios

    @Test func firstDeploy() throws {
        try crashAtEveryStep(Scenario(
            name: "first deploy", allowNoCurrent: true, setup: { _ in },
            command: { ["auto", "--root", $0.root, "--from", $0.app] },
            converged: { proof in
                proof.fileSystem.exists(atPath: proof.root + "/shared/public/uploads/demo-1.jpg")
                    ? [] : ["the demo upload was not seeded"]
            }))
    }

    @Test func subsequentDeploy() throws {
        try crashAtEveryStep(Scenario(
            name: "subsequent deploy",
            setup: { proof in
                #expect(try proof.deploy().exitCode == 0)
                try proof.writeUserData("a")
                // The new release ships a new default image.
                try proof.write("public/uploads/default.png", "new default", under: proof.app)
            },
            command: { ["auto", "--root", $0.root, "--from", $0.app] }))
    }

    /// Hooks, web-group grants and secret modes are operations too: a crash before, inside or
    /// after any of them leaves a sound root, and the rerun opens shared/ to the web user.
    @Test func subsequentDeployWithHooksAndAWebUser() throws {
        let webUser = SystemUser.ensure("pdweb").map { _ in "pdweb" }
        let options = (webUser.map { ["--web-user", $0] } ?? []) + ["--before-switch", "test -L .env", "--after-switch", "true"]
        try crashAtEveryStep(Scenario(
            name: "subsequent deploy with hooks\(webUser == nil ? "" : " and a first --web-user")",
            setup: { proof in
                #expect(try proof.deploy().exitCode == 0)
                try proof.writeUserData("a")
            },
            command: { ["auto", "--root", $0.root, "--from", $0.app] + options },
            converged: { proof in
                guard let webUser else { return [] }
                let access = try SystemUser.run(
                    as: webUser, "touch \"$1/storage/logs/probe\" && rm \"$1/storage/logs/probe\" && cat \"$1/.env\" >/dev/null", [proof.root + "/current"])
                return access.exitCode == 0 ? [] : ["the web user cannot use shared/ after the rerun: \(access)"]
            }))
    }

    @Test func adoptionOfAnInPlaceSite() throws {
        try crashAtEveryStep(Scenario(
            name: "adoption of an in-place site", adoption: true,
            setup: { proof in
                try proof.fileSystem.createDirectory(at: proof.root, permissions: 0o755)
                try proof.fileSystem.copyTree(from: proof.app, to: proof.root + "/current")
                try proof.writeUserData("inplace")
            },
            command: { ["auto", "--root", $0.root, "--from", $0.app] }))
    }

    @Test func rollback() throws {
        try crashAtEveryStep(Scenario(
            name: "rollback",
            setup: { proof in
                #expect(try proof.deploy().exitCode == 0)
                try proof.writeUserData("a")
                #expect(try proof.deploy().exitCode == 0)
                try proof.writeUserData("b")
            },
            command: { ["rollback", "--root", $0.root] },
            rerunAccepts: { $0.exitCode == 0 || $0.stderr.contains("already live") }))
    }

    @Test func recover() throws {
        try crashAtEveryStep(Scenario(
            name: "recover",
            setup: { proof in
                #expect(try proof.deploy().exitCode == 0)
                try proof.writeUserData("a")
                let live = proof.root + "/releases/" + (proof.liveRelease ?? "")
                // Broken by hand: a link gone, and a real folder (holding a new log) where a link belongs.
                try proof.fileSystem.removeTree(at: live + "/public/uploads")
                try proof.fileSystem.removeTree(at: live + "/storage")
                try proof.write("storage/logs/written-meanwhile.log", "meanwhile", under: live)
            },
            command: { ["recover", "--root", $0.root] },
            converged: { proof in
                proof.fileSystem.exists(atPath: proof.root + "/shared/storage/logs/written-meanwhile.log")
                    ? [] : ["the log written into the real folder did not reach shared/"]
            }))
    }

    @Test func cleanupWithKeep() throws {
        try crashAtEveryStep(Scenario(
            name: "cleanup with --keep 1",
            setup: { proof in
                for tag in ["a", "b", "c", "d"] {
                    #expect(try proof.deploy().exitCode == 0)
                    try proof.writeUserData(tag)
                }
            },
            command: { ["auto", "--root", $0.root, "--from", $0.app, "--keep", "1"] },
            converged: { proof in
                let left = try proof.fileSystem.listDirectory(at: proof.root + "/releases")
                return left.contains { $0.hasPrefix(".removing-") } ? ["a half-removed release is left: \(left)"] : []
            }))
    }

    /// Restore does not go through the plan executor: it is killed from outside at seeded random
    /// moments instead. Whatever the moment, every path holds the old data or the restored data,
    /// and a rerun restores it all.
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

    /// A deploy killed from outside at seeded random moments (between and inside operations).
    @Test func deployKilledFromOutside() throws {
        let proof = try ProofRoot("crash-outside")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        try proof.writeUserData("a")
        try proof.saveTemplate()
        let sharedBefore = try proof.sharedData()
        let seenBefore = try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try proof.deploy().exitCode == 0)
        let duration = clock.now - start
        var generator = SeededGenerator(seed: 42)
        var problems: [String] = []
        let runs = 15
        let scenario = Scenario(name: "deploy killed from outside", setup: { _ in }, command: { ["auto", "--root", $0.root, "--from", $0.app] })
        for run in 0..<runs {
            try proof.restoreTemplate()
            let delay = Double.random(in: 0...(duration / .seconds(1)), using: &generator)
            let started = try proof.tool.launch(scenario.command(proof), in: proof.directory.path)
            usleep(UInt32(delay * 1_000_000))
            started.kill()
            _ = started.wait()
            problems += try checkAfterCrash(proof, scenario, sharedBefore: sharedBefore, seenBefore: seenBefore).map { "run \(run) (\(delay) s): \($0)" }
            let rerun = try proof.run(scenario.command(proof))
            if rerun.exitCode != 0 { problems.append("run \(run): the rerun failed: \(rerun)") }
            problems += try checkConverged(proof, scenario, sharedBefore: sharedBefore, seenBefore: seenBefore).map { "run \(run) after a rerun: \($0)" }
        }
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
        ProofResults.record(suite: "crash", scenario: "subsequent deploy: SIGKILL from outside at seeded random moments, then rerun",
                            runs: runs, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }
}

extension LocalFileSystem {
    func exists(atPath path: String) -> Bool { ((try? exists(path)) ?? false) }
}
