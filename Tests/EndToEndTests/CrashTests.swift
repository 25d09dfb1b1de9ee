import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The data rules after a crash at any moment: each command that changes a root is SIGKILLed on
/// entry to each of its file-changing system calls in turn (`PERSIST_DEPLOY_CRASH_AT_CALL=k`, k = 1
/// to N, N counted by an uncrashed run with `PERSIST_DEPLOY_COUNT_CALLS`). A crash there leaves the
/// disk as every moment of the command can leave it: between two calls nothing changes, and a
/// crash between two planned operations is the crash on entry to the next one's first call.
/// After each kill, and after the same command is run again, every rule is checked.
@Suite struct CrashTests {
    /// One command to crash, on a root prepared by `setup`.
    struct Scenario {
        var name: String
        /// Nothing was live before the command, so `current` may be absent after a crash.
        var allowNoCurrent = false
        /// An in-place site is adopted: `current` is a real folder until the adoption moves it.
        var adoption = false
        /// A known break of rule 5 this command has (issue 11): after a kill, `current` may be
        /// missing or lack a path. The check stays; what it finds is recorded as a known issue.
        var knownGap: String?
        /// The command repairs the live release in place (recover), so between the kill and the
        /// rerun the live release may be neither as it was nor as it ends.
        var changesLiveRelease = false
        var setup: (ProofRoot) throws -> Void
        var command: (ProofRoot) -> [String]
        /// Added to every run of the command (the uncrashed one, the killed ones, the reruns).
        var environment: [String: String] = [:]
        /// A rerun that finds its work done may say so with exit 1 (a plain rollback: "no release before").
        var rerunAccepts: (ToolRunner.Outcome) -> Bool = { $0.exitCode == 0 }
        /// What shared/ may hold after a kill, given what it held before and what the uncrashed
        /// run left: by default everything it held, unchanged (data rule 1).
        var sharedAfterCrash: (_ before: [String: String], _ finished: [String: String], _ now: [String: String]) -> [String] = {
            before, _, now in DataInventory.losses(before, now)
        }
        /// Extra checks after the kill (`true`) or after the rerun (`false`).
        var extra: (ProofRoot, Bool) throws -> [String] = { _, _ in [] }
    }

    /// Every k up to this many calls; beyond it a seeded sample of `sampled` more.
    static let everyCallUpTo = 300
    static let sampled = 100

    /// The calls to crash at: all of 1…n, or the first `everyCallUpTo` and a seeded sample.
    static func crashPoints(_ n: Int, seed: UInt64) -> [Int] {
        guard n > everyCallUpTo else { return Array(1...max(1, n)) }
        var generator = SeededGenerator(seed: seed)
        var rest = Array((everyCallUpTo + 1)...n)
        rest.shuffle(using: &generator)
        return Array(1...everyCallUpTo) + rest.prefix(sampled).sorted()
    }

    /// The state the checks compare: shared/'s data, the live release (followed through
    /// `current`), the files the app's users see through `current` and in shared/, and every link
    /// in releases/.
    struct Snapshot {
        var shared: [String: String]
        var live: [String: String]
        var seen: [String: String]
        var seenInShared: [String: String]

        /// Links in releases/ whose text is absolute (every link the tool makes is relative).
        var absoluteLinks: [String]

        init(_ proof: ProofRoot) throws {
            let survey = try DataInventory.survey(
                trees: [proof.root + "/shared", proof.root + "/current"], seenFrom: [proof.root + "/current", proof.root + "/shared"],
                paths: ProofRoot.persistentPaths, linksUnder: proof.root + "/releases")
            shared = survey.trees[0].filter { !ProofRoot.isToolFile($0.key) }
            live = survey.trees[1]
            seen = survey.seen[0]
            seenInShared = survey.seen[1]
            absoluteLinks = survey.absoluteLinks
        }
    }

    /// Runs `scenario` crashed on entry to each of its file-changing calls in turn.
    func crashAtEveryCall(_ scenario: Scenario, seed: UInt64 = 1) throws {
        let proof = try ProofRoot("crash")
        try proof.writeApp()
        try scenario.setup(proof)
        try proof.saveTemplate()
        let before = try Snapshot(proof)
        // What was broken before the command (recover's starting point) is not the kill's doing.
        let brokenBefore = Set(proof.currentProblems(allowNone: true, allowInPlace: true))

        // The uncrashed run: how many calls, and where the command ends.
        let countFile = proof.directory.path + "/calls"
        let clean = try proof.run(scenario.command(proof), environment: scenario.environment.merging(["PERSIST_DEPLOY_COUNT_CALLS": countFile]) { $1 })
        #expect(scenario.rerunAccepts(clean), "\(scenario.name) without a crash: \(clean)")
        let calls = try #require(Int(Text.trimmed(try proof.fileSystem.readText(at: countFile))), "no call count written")
        #expect(calls > 0, "\(scenario.name) made no file-changing call: the hook does not count")
        let finished = try Snapshot(proof)

        var problems: [String] = []
        var knownGap: [String] = []
        var leftovers: [String] = []
        let points = Self.crashPoints(calls, seed: seed)
        for call in points {
            try proof.restoreTemplate()
            let crashed = try proof.tool.launch(scenario.command(proof), in: proof.directory.path,
                                                environment: scenario.environment.merging(["PERSIST_DEPLOY_CRASH_AT_CALL": String(call)]) { $1 }).wait()
            guard crashed.signalled else {
                problems.append("call \(call) of \(calls): not killed (\(crashed.outcome.exitCode)): the count changed")
                continue
            }
            let (afterKill, gap) = try checkAfterKill(proof, scenario, before: before, finished: finished, brokenBefore: brokenBefore)
            problems += afterKill.map { "killed at call \(call) of \(calls): \($0)" }
            knownGap += gap.map { "killed at call \(call) of \(calls): \($0)" }
            let rerun = try proof.run(scenario.command(proof), environment: scenario.environment)
            if !scenario.rerunAccepts(rerun) { problems.append("killed at call \(call), the rerun failed: \(rerun)") }
            let (converged, left) = try checkConverged(proof, scenario, before: before, finished: finished)
            problems += converged.map { "killed at call \(call) of \(calls), after the rerun: \($0)" }
            leftovers += left.map { "killed at call \(call) of \(calls), after the rerun: \($0)" }
        }
        #expect(problems.isEmpty, "\(scenario.name):\n\(problems.prefix(20).joined(separator: "\n"))")
        if let gap = scenario.knownGap {
            withKnownIssue(Comment(rawValue: gap), isIntermittent: true) {
                #expect(knownGap.isEmpty, "\(scenario.name):\n\(knownGap.prefix(10).joined(separator: "\n"))")
            }
        }
        // A temporary file of a write the kill interrupted is cleaned by the rerun (`Leftovers`).
        #expect(leftovers.isEmpty, "\(scenario.name):\n\(leftovers.prefix(10).joined(separator: "\n"))")
        let sample = calls > Self.everyCallUpTo ? " (every call up to \(Self.everyCallUpTo), then \(points.count - Self.everyCallUpTo) seeded samples)" : ""
        let gapNote = knownGap.isEmpty ? "" : "; without RENAME_EXCHANGE, \(Set(knownGap.map { $0.prefix { $0 != ":" } }).count) kills left `current` incomplete"
        ProofResults.record(
            suite: "crash", scenario: "\(scenario.name): SIGKILL on entry to each of its \(calls) file-changing system calls\(sample), then rerun",
            runs: points.count, outcome: (problems.isEmpty ? "pass" : "FAIL: \(problems[0])") + gapNote)
    }

    // MARK: the scenarios

    @Test func firstDeploy() throws {
        try crashAtEveryCall(Scenario(
            name: "first deploy", allowNoCurrent: true, setup: { _ in },
            command: { ["auto", "--root", $0.root, "--from", $0.app] },
            extra: { proof, afterKill in
                guard !afterKill else { return [] }
                return proof.fileSystem.exists(atPath: proof.root + "/shared/public/uploads/demo-1.jpg") ? [] : ["the demo upload was not seeded"]
            }))
    }

    @Test func subsequentDeploy() throws {
        try crashAtEveryCall(Scenario(
            name: "subsequent deploy",
            setup: { proof in
                #expect(try proof.deploy().exitCode == 0)
                try proof.writeUserData("a")
                // The new release ships a new default image, added to shared/ by this deploy.
                try proof.write("public/uploads/default.png", "new default", under: proof.app)
            },
            command: { ["auto", "--root", $0.root, "--from", $0.app] }))
    }

    /// Hooks, web-group grants and secret modes are operations too: a crash before, inside or
    /// after any of them leaves a sound root, and the rerun opens shared/ to the web user.
    @Test func subsequentDeployWithHooksAndAWebUser() throws {
        let webUser = SystemUser.ensure("pdweb").map { _ in "pdweb" }
        let options = (webUser.map { ["--web-user", $0] } ?? []) + ["--before-switch", "test -L .env", "--after-switch", "true"]
        try crashAtEveryCall(Scenario(
            name: "subsequent deploy with hooks\(webUser == nil ? "" : " and a first --web-user")",
            setup: { proof in
                #expect(try proof.deploy().exitCode == 0)
                try proof.writeUserData("a")
            },
            command: { ["auto", "--root", $0.root, "--from", $0.app] + options },
            extra: { proof, afterKill in
                guard let webUser, !afterKill else { return [] }
                let access = try SystemUser.run(
                    as: webUser, "touch \"$1/storage/logs/probe\" && rm \"$1/storage/logs/probe\" && cat \"$1/.env\" >/dev/null", [proof.root + "/current"])
                return access.exitCode == 0 ? [] : ["the web user cannot use shared/ after the rerun: \(access)"]
            }))
    }

    /// The site folder becomes `releases/<id>` and `current` a link in one RENAME_EXCHANGE, so
    /// `current` names the site at every instant.
    @Test func adoptionOfAnInPlaceSite() throws {
        try crashAtEveryCall(Scenario(
            name: "adoption of an in-place site", adoption: true, changesLiveRelease: true,
            setup: { proof in
                try proof.fileSystem.createDirectory(at: proof.root, permissions: 0o755)
                try proof.fileSystem.copyTree(from: proof.app, to: proof.root + "/current")
                try proof.writeUserData("inplace")
            },
            command: { ["auto", "--root", $0.root, "--from", $0.app, "--adopt"] }))
    }

    /// Where the file system cannot swap, the adoption takes two renames: a kill between them
    /// leaves no `current` for that moment (the site whole in releases/), which a rerun or
    /// `recover` points back at the adopted site.
    @Test func adoptionWhereTheFileSystemCannotSwap() throws {
        try crashAtEveryCall(Scenario(
            name: "adoption of an in-place site, two-step fallback (no RENAME_EXCHANGE)", adoption: true,
            knownGap: "without RENAME_EXCHANGE, a kill between the adoption's two renames leaves no `current` until the rerun or recover",
            changesLiveRelease: true,
            setup: { proof in
                try proof.fileSystem.createDirectory(at: proof.root, permissions: 0o755)
                try proof.fileSystem.copyTree(from: proof.app, to: proof.root + "/current")
                try proof.writeUserData("inplace")
            },
            command: { ["auto", "--root", $0.root, "--from", $0.app, "--adopt"] },
            environment: ["PERSIST_DEPLOY_REFUSE_EXCHANGE": "1"]))
    }

    @Test func rollback() throws {
        try crashAtEveryCall(Scenario(
            name: "rollback",
            setup: { proof in
                #expect(try proof.deploy().exitCode == 0)
                try proof.writeUserData("a")
                #expect(try proof.deploy().exitCode == 0)
                try proof.writeUserData("b")
            },
            command: { ["rollback", "--root", $0.root] },
            // After the last call the rollback is whole: a rerun is a second rollback, and there
            // is nothing before the first release (a rollback never moves forward).
            rerunAccepts: { $0.exitCode == 0 || $0.stderr.contains("no release before") },
            extra: { proof, afterKill in
                guard !afterKill else { return [] }
                let history = try proof.fileSystem.readText(at: proof.root + "/shared/.deployment-history")
                return history.contains("\"rolled-back\"") ? [] : ["the rollback is not in the history"]
            }))
    }

    @Test func recover() throws {
        try crashAtEveryCall(Scenario(
            name: "recover", changesLiveRelease: true,
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
            extra: { proof, afterKill in
                // The log written into the real folder is in the live release or in shared/.
                let places = ["/current/storage/logs/written-meanwhile.log", "/shared/storage/logs/written-meanwhile.log"]
                let found = places.filter { proof.fileSystem.exists(atPath: proof.root + $0) }
                return afterKill ? (found.isEmpty ? ["the log written into the real folder is gone"] : [])
                    : (found.count == 2 ? [] : ["the log written into the real folder did not reach shared/: \(found)"])
            }))
    }

    @Test func cleanupWithKeep() throws {
        try crashAtEveryCall(Scenario(
            name: "deploy with cleanup (--keep 1)",
            setup: { proof in
                for tag in ["a", "b", "c"] {
                    #expect(try proof.deploy().exitCode == 0)
                    try proof.writeUserData(tag)
                }
            },
            command: { ["auto", "--root", $0.root, "--from", $0.app, "--keep", "1"] },
            extra: { proof, afterKill in
                guard !afterKill else { return [] }
                let left = try proof.fileSystem.listDirectory(at: proof.root + "/releases")
                return left.contains { $0.hasPrefix(".removing-") } ? ["a half-removed release is left: \(left)"] : []
            }))
    }

    @Test func backup() throws {
        try crashAtEveryCall(Scenario(
            name: "backup",
            setup: { proof in
                #expect(try proof.deploy().exitCode == 0)
                try proof.writeUserData("a")
                // A previous snapshot, so unchanged files are hard-linked and an old one pruned.
                #expect(try proof.run(["backup", "--root", proof.root, "--keep", "1"]).exitCode == 0)
                try proof.writeUserData("b")
            },
            command: { ["backup", "--root", $0.root, "--keep", "1"] },
            extra: { proof, _ in
                // A snapshot that is listed is whole, after the kill as after the rerun.
                let verify = try proof.run(["backups", "--verify", "--root", proof.root])
                return verify.exitCode == 0 ? [] : ["backups --verify: \(verify)"]
            }))
    }

    @Test func restore() throws {
        var backupID = ""
        try crashAtEveryCall(Scenario(
            name: "restore",
            setup: { proof in
                #expect(try proof.deploy().exitCode == 0)
                try proof.writeUserData("a")
                let backup = try proof.run(["backup", "--root", proof.root, "--json"])
                backupID = ((try? JSONSerialization.jsonObject(with: Data(backup.stdout.utf8))) as? [String: Any])?["id"] as? String ?? ""
                try proof.writeUserData("b")
                try proof.fileSystem.removeTree(at: proof.root + "/shared/public/uploads/a-avatar.png")
            },
            command: { ["restore", backupID, "--root", $0.root, "--yes"] },
            sharedAfterCrash: { before, finished, now in
                // Each file holds the data of before or the restored data, never anything else.
                Set(before.keys).union(finished.keys).sorted().compactMap { path in
                    now[path] == before[path] || now[path] == finished[path] ? nil : "\(path): neither the old nor the restored data"
                }
            }))
    }
}

extension LocalFileSystem {
    func exists(atPath path: String) -> Bool { ((try? exists(path)) ?? false) }
}
