import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// `--before-switch`, `--after-switch`, their time limit and interruption, run through the built
/// binary: ordering, environment, failure semantics, and that no hook process outlives them.
@Suite struct HookEndToEndTests {
    /// A hook line recording when it ran and what it saw.
    static let probe = #"printf '%s|%s|%s|%s|%s|%s|%s|%s\n' "$PERSIST_DEPLOY_HOOK" "$PERSIST_DEPLOY_RELEASE" "$PERSIST_DEPLOY_PREVIOUS" "$PERSIST_DEPLOY_ROOT" "$PERSIST_DEPLOY_RELEASE_PATH" "$(pwd -P)" "$(readlink "$PERSIST_DEPLOY_ROOT/current")" "$(readlink .env)" >>"$HOOK_LOG""#

    func lines(_ path: String) -> [[String]] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func hooksRunAroundTheSwitchInTheNewReleaseWithTheirEnvironment() throws {
        let proof = try ProofRoot("hooks-order")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let previous = try #require(proof.liveRelease)
        let log = proof.directory.path + "/hooks.log"
        let outcome = try proof.deploy(["--before-switch", Self.probe, "--after-switch", Self.probe, "--verbose"], environment: ["HOOK_LOG": log])
        #expect(outcome.exitCode == 0, "\(outcome)")
        let release = try #require(proof.liveRelease)
        let seen = lines(log)
        try #require(seen.count == 2, "\(seen)")
        let releasePath = proof.root + "/releases/" + release
        // Before: in the new release, links in place, `current` still on the previous release.
        #expect(seen[0] == ["before-switch", release, previous, proof.root, releasePath, releasePath, "releases/\(previous)", "../../shared/.env"])
        // After: `current` on the new one.
        #expect(seen[1] == ["after-switch", release, previous, proof.root, releasePath, releasePath, "releases/\(release)", "../../shared/.env"])
        // The output is kept, and shown with --verbose.
        #expect(FileManager.default.fileExists(atPath: proof.root + "/.persist-deploy/logs/\(release)-before-switch.log"))
        #expect(outcome.stderr.contains("the before-switch hook finished"))

        // `plan` shows them where they run: right before and after the switch.
        let plan = try proof.run(["plan", "--root", proof.root, "--from", proof.app, "--before-switch", "true", "--after-switch", "true", "--json"])
        let operations = try JSONDecoder().decode(DeployReport.self, from: Data(plan.stdout.utf8)).operations ?? []
        let names = operations.map(\.op)
        let before = try #require(names.firstIndex(of: "runHook"))
        let switchIndex = try #require(names.firstIndex(of: "switchCurrent"))
        // After the links are checked, before the release's tree is recorded (what the hook
        // writes ships with the release) and before the switch.
        #expect(names.firstIndex(of: "verifyLinks")! == before - 1, "\(names)")
        #expect(before < switchIndex && (names.firstIndex(of: "recordReleaseTree") ?? switchIndex) > before, "\(names)")
        #expect(names.lastIndex(of: "runHook")! > switchIndex)
    }

    @Test func aFailingBeforeSwitchHookLeavesThePreviousReleaseLiveAndMarksTheNewOneFailed() throws {
        let proof = try ProofRoot("hooks-before-fails")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let previous = proof.liveRelease
        let outcome = try proof.deploy(["--before-switch", "echo 'migration failed: no database' >&2; exit 3"])
        #expect(outcome.exitCode == 1)
        #expect(proof.liveRelease == previous)
        #expect(outcome.stderr.contains("failed (exit 3"), "\(outcome)")
        #expect(outcome.stderr.contains("migration failed: no database"))
        #expect(outcome.stderr.contains("'current' was not moved"))
        let history = try String(contentsOfFile: proof.root + "/shared/.deployment-history", encoding: .utf8)
        #expect(history.split(separator: "\n").last?.contains("\"outcome\":\"failed\"") == true)
        let releases = try proof.run(["releases", "--root", proof.root])
        #expect(releases.stdout.contains("failed"))
    }

    @Test func aFailingAfterSwitchHookIsAWarningNotARollback() throws {
        let proof = try ProofRoot("hooks-after-fails")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let outcome = try proof.deploy(["--after-switch", "echo reload refused; exit 1", "--json"])
        #expect(outcome.exitCode == 0, "\(outcome)")
        let report = try JSONDecoder().decode(DeployReport.self, from: Data(outcome.stdout.utf8))
        #expect(report.activated)
        #expect(proof.liveRelease == report.release)
        #expect(report.warnings.contains { $0.contains("after-switch hook") && $0.contains("reload refused") }, "\(report.warnings)")
    }

    @Test func aHookPastItsTimeIsStoppedWithEveryProcessItStarted() throws {
        let proof = try ProofRoot("hooks-timeout")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let previous = proof.liveRelease
        let pidFile = proof.directory.path + "/child.pid"
        let outcome = try proof.deploy(["--hook-timeout", "1", "--before-switch", "sleep 300 & echo $! >\(Shell.quote(pidFile)); wait"])
        #expect(outcome.exitCode == 1)
        #expect(outcome.stderr.contains("did not finish within its time limit"), "\(outcome)")
        #expect(proof.liveRelease == previous)
        let child = try #require(Int32(Text.trimmed((try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? "")))
        #expect(!isAlive(child), "the hook's background child \(child) outlived it")
    }

    @Test func anInterruptedDeployStopsItsHookAndMovesNothing() throws {
        let proof = try ProofRoot("hooks-sigterm")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let previous = proof.liveRelease
        let pidFile = proof.directory.path + "/child.pid"
        let running = try proof.tool.launch(
            ["auto", "--root", proof.root, "--from", proof.app, "--before-switch", "sleep 300 & echo $! >\(Shell.quote(pidFile)); wait"],
            in: proof.directory.path)
        let child = try waitForPID(pidFile)
        kill(running.process.processIdentifier, SIGTERM)
        let ended = running.wait()
        #expect(!ended.signalled && ended.outcome.exitCode == 1, "\(ended.outcome)")
        #expect(ended.outcome.stderr.contains("Interrupted by SIGTERM before"), "\(ended.outcome)")
        #expect(!isAlive(child))
        #expect(proof.liveRelease == previous)
        #expect(proof.historyProblems().isEmpty)
    }

    @Test func anInterruptionWhileVerifyRunsPutsThePreviousReleaseBack() throws {
        let proof = try ProofRoot("hooks-sigint-verify")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let previous = proof.liveRelease
        let pidFile = proof.directory.path + "/child.pid"
        let running = try proof.tool.launch(
            ["auto", "--root", proof.root, "--from", proof.app, "--verify", "sleep 300 & echo $! >\(Shell.quote(pidFile)); wait"],
            in: proof.directory.path)
        let child = try waitForPID(pidFile)
        let switched = proof.liveRelease
        kill(running.process.processIdentifier, SIGINT)
        let ended = running.wait()
        #expect(ended.outcome.exitCode == 1)
        #expect(ended.outcome.stderr.contains("switched back to releases/\(previous ?? "")"), "\(ended.outcome)")
        #expect(switched != previous, "the switch had happened")
        #expect(proof.liveRelease == previous)
        #expect(!isAlive(child))
        let history = try String(contentsOfFile: proof.root + "/shared/.deployment-history", encoding: .utf8)
        #expect(history.contains("\"outcome\":\"bad\"") && history.contains("\"outcome\":\"rolled-back\""))
    }

    @Test func hooksComeFromPersistDeployJSONAndAnEmptyOptionCancelsThem() throws {
        let proof = try ProofRoot("hooks-config")
        try proof.writeApp()
        let marker = proof.directory.path + "/ran"
        try proof.write("persist-deploy.json", #"{"hooks": {"beforeSwitch": "echo ran >>\#(marker)", "timeout": 60}}"#, under: proof.app)
        #expect(try proof.deploy().exitCode == 0)
        #expect((try? String(contentsOfFile: marker, encoding: .utf8)) == "ran\n")
        #expect(try proof.deploy(["--before-switch", ""]).exitCode == 0)
        #expect((try? String(contentsOfFile: marker, encoding: .utf8)) == "ran\n")
        try proof.write("persist-deploy.json", #"{"hooks": {"beforeSwtich": "true"}}"#, under: proof.app)
        let bad = try proof.deploy()
        #expect(bad.exitCode == 1)
        #expect(bad.stderr.contains("unknown key hooks.beforeSwtich (line 1); expected beforeSwitch, afterSwitch or timeout. Did you mean 'beforeSwitch'?"), "\(bad)")
    }

    @Test func cleanupKeepsAReleaseAProcessStillUses() throws {
        let proof = try ProofRoot("in-use")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let old = try #require(proof.liveRelease)
        // A queue worker started from the release: its working folder is in it.
        let worker = Process()
        worker.executableURL = URL(fileURLWithPath: "/bin/sleep")
        worker.arguments = ["300"]
        worker.currentDirectoryURL = URL(fileURLWithPath: proof.root + "/releases/" + old)
        try worker.run()
        defer {
            worker.terminate()
            worker.waitUntilExit()
        }
        #expect(try proof.deploy(["--keep", "1"]).exitCode == 0)
        let outcome = try proof.deploy(["--keep", "1", "--json"])
        #expect(outcome.exitCode == 0, "\(outcome)")
        let report = try JSONDecoder().decode(DeployReport.self, from: Data(outcome.stdout.utf8))
        #expect(!report.removedReleases.contains(old))
        #expect(FileManager.default.fileExists(atPath: proof.root + "/releases/" + old))
        #expect(report.warnings.contains { $0.contains("releases/\(old) was kept") && $0.contains("pid \(worker.processIdentifier) (/bin/sleep 300)") },
                "\(report.warnings)")
        worker.terminate()
        worker.waitUntilExit()
        #expect(try proof.deploy(["--keep", "1"]).exitCode == 0)
        #expect(!FileManager.default.fileExists(atPath: proof.root + "/releases/" + old))
    }

    private func isAlive(_ pid: Int32) -> Bool {
        // A zombie still answers kill 0; its state in /proc says it is gone.
        guard kill(pid, 0) == 0 else { return false }
        let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !status.contains(") Z ")
    }

    private func waitForPID(_ file: String) throws -> Int32 {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let pid = Int32(Text.trimmed((try? String(contentsOfFile: file, encoding: .utf8)) ?? "")) { return pid }
            usleep(20_000)
        }
        throw ToolError("the hook never wrote \(file)")
    }
}
