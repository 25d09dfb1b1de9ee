import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Data rules 5 and 7 under load: readers never see a missing or half-made `current`, and two
/// commands on one root never run at once.
@Suite struct ConcurrencyTests {
    /// Reads `current/public/index.php` in a tight loop on its own thread until stopped.
    final class Reader: @unchecked Sendable {
        private let lock = NSLock()
        private var reads = 0
        private var failures: [String] = []
        private var stopped = false
        private let done = DispatchSemaphore(value: 0)

        init(root: String, accepted: Set<String>) {
            let path = root + "/current/public/index.php"
            let thread = Thread { [self] in
                while !lock.withLock({ stopped }) {
                    let text = try? String(contentsOfFile: path, encoding: .utf8)
                    lock.withLock {
                        reads += 1
                        if text == nil || !accepted.contains(text!) { failures.append(text ?? "<read failed>") }
                    }
                }
                done.signal()
            }
            thread.start()
        }

        func stop() -> (reads: Int, failures: [String]) {
            lock.withLock { stopped = true }
            done.wait()
            return lock.withLock { (reads, failures) }
        }
    }

    /// Two finished releases whose index.php differ.
    static func twoReleases(_ label: String) throws -> (ProofRoot, Set<String>) {
        let proof = try ProofRoot(label)
        try proof.writeApp()
        try proof.write("public/index.php", "<?php echo 'one';\n", under: proof.app)
        #expect(try proof.deploy().exitCode == 0)
        try proof.write("public/index.php", "<?php echo 'two';\n", under: proof.app)
        #expect(try proof.deploy().exitCode == 0)
        return (proof, ["<?php echo 'one';\n", "<?php echo 'two';\n"])
    }

    @Test func readersNeverSeeAFailedReadAcross500Switches() throws {
        let (proof, accepted) = try Self.twoReleases("switch-load")
        let reader = Reader(root: proof.root, accepted: accepted)
        var failedSwitches: [String] = []
        let switches = 500
        let ids = try proof.fileSystem.listDirectory(at: proof.root + "/releases")
        // In process (the same code as the binary) so 500 switches take seconds, not minutes.
        // A rollback never moves forward, so each one names the other release.
        for _ in 0..<switches {
            let other = ids.first { $0 != proof.liveRelease } ?? ""
            let output = Captured()
            var context = Context.live()
            context.environment["PERSIST_DEPLOY_ROOT"] = nil
            let status = CommandLineTool.run(
                // --wait: other tests of this process fork children, which hold a copy of the
                // lock's descriptor for a moment until they exec (a one-process CLI has no such threads).
                arguments: ["rollback", "--root", proof.root, "--to", other, "--quiet", "--wait", "10"], context: context,
                stdout: { output.append(out: $0) }, stderr: { output.append(err: $0) })
            if status != 0 { failedSwitches.append(output.err) }
        }
        let (reads, failures) = reader.stop()
        let rolledBack = (try proof.fileSystem.readText(at: proof.root + "/shared/.deployment-history"))
            .split(separator: "\n").filter { $0.contains("\"rolled-back\"") }.count
        var problems = failedSwitches.prefix(3).map { "rollback failed: \($0)" } + failures.prefix(5).map { "a reader saw: \($0)" }
        if rolledBack != switches { problems.append("\(rolledBack) rollbacks recorded, not \(switches)") }
        if reads < switches { problems.append("only \(reads) reads across \(switches) switches") }
        problems += proof.historyProblems()
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        ProofResults.record(
            suite: "concurrency", scenario: "atomic switch: a reader thread reads current/public/index.php in a tight loop across 500 rollbacks (\(reads) reads)",
            runs: switches, outcome: problems.isEmpty ? "pass, 0 failed reads" : "FAIL: \(problems[0])")
    }

    @Test func twoDeploysAtOnceRunOneAfterTheOther() throws {
        let (proof, _) = try Self.twoReleases("two-deploys")
        var accepted: Set<String> = []
        var problems: [String] = []
        let rounds = 4
        for round in 0..<rounds {
            let a = proof.directory.path + "/app-a\(round)", b = proof.directory.path + "/app-b\(round)"
            try proof.writeApp(at: a)
            try proof.write("public/index.php", "a\(round)", under: a)
            try proof.writeApp(at: b)
            try proof.write("public/index.php", "b\(round)", under: b)
            accepted.formUnion(["<?php echo 'one';\n", "<?php echo 'two';\n", "a\(round)", "b\(round)", "a\(round - 1)", "b\(round - 1)"])
            let reader = Reader(root: proof.root, accepted: accepted)
            let first = try proof.tool.launch(["auto", "--root", proof.root, "--from", a, "--wait", "60"], in: proof.directory.path)
            let second = try proof.tool.launch(["auto", "--root", proof.root, "--from", b, "--wait", "60"], in: proof.directory.path)
            for (name, run) in [("first", first.wait()), ("second", second.wait())] where run.outcome.exitCode != 0 {
                problems.append("round \(round), \(name): \(run.outcome)")
            }
            let (_, failures) = reader.stop()
            problems += failures.prefix(3).map { "round \(round): a reader saw \($0)" }
        }
        problems += proof.historyProblems()
        // The last activation recorded is the live release: no switch overtook another's record.
        let history = (try proof.fileSystem.readText(at: proof.root + "/shared/.deployment-history")).split(separator: "\n")
        let activated = history.compactMap { line -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["outcome"] as? String == "activated" else { return nil }
            return object["release"] as? String
        }
        if activated.count != 2 + 2 * rounds { problems.append("\(activated.count) activations recorded, not \(2 + 2 * rounds)") }
        if activated.last != proof.liveRelease { problems.append("the last activation recorded is \(activated.last ?? "none"), live is \(proof.liveRelease ?? "none")") }
        if Set(activated).count != activated.count { problems.append("a release id was used twice: \(activated)") }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        ProofResults.record(
            suite: "concurrency", scenario: "two deploys started together with --wait, a reader checking current throughout: both finish, one after the other, history in order",
            runs: rounds * 2, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }

    @Test func aSecondDeployWithoutWaitStopsNamingTheHolder() throws {
        let proof = try ProofRoot("lock-holder")
        try proof.writeApp()
        // Enough files that the first deploy holds the lock for a while.
        let fill = try ToolRunner.bash(#"mkdir -p "$1/public/css/many" && cd "$1/public/css/many" && for i in $(seq 1 3000); do printf x > "f$i.css"; done"#, [proof.app])
        #expect(fill.exitCode == 0)
        var problems: [String] = []
        let live = try proof.deploy()
        if live.exitCode != 0 { problems.append("set-up deploy: \(live)") }
        let first = try proof.tool.launch(["auto", "--root", proof.root, "--from", proof.app], in: proof.directory.path)
        // Wait until the first holds the lock (its holder line is written), then start the second.
        let lock = proof.root + "/.persist-deploy/lock"
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !((try? String(contentsOfFile: lock, encoding: .utf8)) ?? "").contains("pid \(first.process.processIdentifier)") {
            usleep(2_000)
        }
        // Frozen while it holds the lock, so the second surely finds it held.
        kill(first.process.processIdentifier, SIGSTOP)
        let second = try proof.run(["auto", "--root", proof.root, "--from", proof.app])
        kill(first.process.processIdentifier, SIGCONT)
        let firstOutcome = first.wait().outcome
        if firstOutcome.exitCode != 0 { problems.append("the first deploy: \(firstOutcome)") }
        if second.exitCode != 1 || !second.stderr.hasPrefix("error: ") || !second.stderr.contains("pid \(first.process.processIdentifier)") {
            problems.append("the second deploy did not stop naming the holder (pid \(first.process.processIdentifier)): \(second)")
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        ProofResults.record(
            suite: "concurrency", scenario: "a second deploy without --wait while one runs: stops with exit 1 naming the holder's pid",
            runs: 2, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }

    @Test func aLockLeftBySIGKILLNeverBlocks() throws {
        let proof = try ProofRoot("stale-lock")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        var problems: [String] = []
        let runs = 5
        // Kill points inside a later deploy (23 operations for this app).
        for step in [1, 3, 8, 15, 20].prefix(runs) {
            let killed = try proof.tool.launch(["auto", "--root", proof.root, "--from", proof.app], in: proof.directory.path,
                                               environment: ["PERSIST_DEPLOY_CRASH_AFTER": String(step)]).wait()
            if !killed.signalled { problems.append("the deploy was not killed after op \(step)") }
            let next = try proof.deploy(["--wait", "0"])
            if next.exitCode != 0 { problems.append("after a kill at op \(step), the next deploy: \(next)") }
        }
        problems += proof.currentProblems(allowNone: false) + (try proof.healthProblems())
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        ProofResults.record(
            suite: "concurrency", scenario: "a lock left by a SIGKILLed deploy never blocks the next (--wait 0)",
            runs: runs, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }
}
