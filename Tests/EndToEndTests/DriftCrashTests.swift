import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Data rule 4 after a crash at any moment: a deploy that records the whole-release manifest and
/// moves what the app wrote aside (`--leave-behind`), and a cleanup that moves what the app wrote
/// into an old release to left-behind/, are each SIGKILLed after every operation in turn; the
/// written bytes are always somewhere the user can find them, and a rerun converges.
@Suite struct DriftCrashTests {
    static let writes = [
        "public/sitemap.xml": "<urlset/>",
        "public/exports/2026/march.csv": "march",
        "reports/weekly.txt": "week 48",
    ]

    /// Where each written file is now: `current/`, the release it was written into, or left-behind/.
    func missing(_ proof: ProofRoot, release: String) -> [String] {
        Self.writes.keys.sorted().compactMap { path in
            let places = [
                proof.root + "/current/" + path, proof.root + "/releases/" + release + "/" + path,
                proof.root + "/releases/.removing-" + release + "/" + path,
                proof.root + "/.persist-deploy/left-behind/" + release + "/" + path,
            ]
            return places.contains { (try? String(contentsOfFile: $0, encoding: .utf8)) == Self.writes[path] } ? nil : path
        }
    }

    func crashEveryStep(_ name: String, setup: (ProofRoot) throws -> String, command: (ProofRoot) -> [String]) throws {
        let proof = try ProofRoot("drift-crash")
        try proof.writeApp()
        let written = try setup(proof)
        try proof.saveTemplate()
        let sharedBefore = try proof.sharedData()
        var problems: [String] = []
        var crashes = 0
        for step in 1...200 {
            try proof.restoreTemplate()
            let crashed = try proof.tool.launch(command(proof), in: proof.directory.path,
                                                environment: ["PERSIST_DEPLOY_CRASH_AFTER": String(step)]).wait()
            if !crashed.signalled {
                #expect(crashed.outcome.exitCode == 0, "\(name) without a crash: \(crashed.outcome)")
                break
            }
            crashes += 1
            problems += missing(proof, release: written).map { "after op \(step): \($0) is nowhere" }
            problems += proof.currentProblems(allowNone: false).map { "after op \(step): \($0)" }
            let rerun = try proof.run(command(proof))
            if rerun.exitCode != 0 { problems.append("after op \(step), the rerun failed: \(rerun)") }
            problems += missing(proof, release: written).map { "after op \(step) and a rerun: \($0) is nowhere" }
            problems += DataInventory.losses(sharedBefore, try proof.sharedData()).map { "after op \(step) and a rerun: shared/\($0)" }
            if (try? proof.fileSystem.exists(proof.root + "/releases/.removing-" + written)) == true {
                problems.append("after op \(step) and a rerun: releases/.removing-\(written) is still there")
            }
        }
        #expect(crashes > 0, "\(name) never crashed")
        #expect(problems.isEmpty, "\(name):\n\(problems.prefix(20).joined(separator: "\n"))")
        ProofResults.record(
            suite: "crash", scenario: "\(name): SIGKILL after each operation, then rerun; every file the app wrote is in current/, its release or left-behind/",
            runs: crashes, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }

    @Test func leaveBehindSurvivesACrashAtEveryStep() throws {
        try crashEveryStep("a deploy with --leave-behind") { proof in
            #expect(try proof.deploy().exitCode == 0)
            for (path, text) in Self.writes { try proof.write(path, text, under: proof.root + "/current") }
            try proof.write("public/index.php", "<?php echo 'v2';\n", under: proof.app)
            return try #require(proof.liveRelease)
        } command: { proof in
            ["auto", "--root", proof.root, "--from", proof.app, "--leave-behind"]
        }
    }

    @Test func cleanupSurvivesACrashAtEveryStep() throws {
        try crashEveryStep("a cleanup of a release the app wrote into") { proof in
            #expect(try proof.deploy().exitCode == 0)
            let first = try #require(proof.liveRelease)
            #expect(try proof.deploy().exitCode == 0)
            for (path, text) in Self.writes { try proof.write(path, text, under: proof.root + "/releases/" + first) }
            return first
        } command: { proof in
            ["auto", "--root", proof.root, "--from", proof.app, "--keep", "1"]
        }
    }
}
