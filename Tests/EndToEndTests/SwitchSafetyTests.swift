import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// "Exit 1 means nothing went live": every check and every fallible write runs before the switch,
/// and what fails after it puts the previous release back or says the new one is live.
@Suite struct SwitchSafetyTests {
    /// Makes `path` immutable (`chattr +i`); nil when it worked, else why not (the test skips).
    static func freeze(_ path: String) throws -> String? {
        let outcome = try ToolRunner.bash(#"chattr +i -- "$1""#, [path])
        return outcome.exitCode == 0 ? nil : "chattr +i is not available here: \(outcome.stderr)"
    }

    static func thaw(_ path: String) {
        _ = try? ToolRunner.bash(#"chattr -i -- "$1""#, [path])
    }

    static func json(_ outcome: ToolRunner.Outcome) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    func releases(_ proof: ProofRoot) throws -> [String] {
        try proof.fileSystem.listDirectory(at: proof.root + "/releases")
    }

    @Test func anImmutableSharedFolderStopsTheDeployBeforeTheSwitch() throws {
        let proof = try ProofRoot("immutable-shared")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let live = proof.liveRelease
        let before = try releases(proof)
        if let reason = try Self.freeze(proof.root + "/shared") {
            ProofResults.record(suite: "faults", scenario: "immutable shared/", runs: 0, outcome: "skipped: \(reason)")
            return
        }
        defer { Self.thaw(proof.root + "/shared") }
        let outcome = try proof.deploy(["--json"])
        #expect(outcome.exitCode == 1, "\(outcome)")
        let error = Self.json(outcome)
        #expect(error["error"] is String && error["activated"] as? Bool == false && error["live"] == nil, "\(outcome)")
        #expect(proof.liveRelease == live)
        #expect(try releases(proof) == before, "the refused release is removed at once")
        ProofResults.record(suite: "faults", scenario: "immutable shared/: exit 1 before the switch, nothing live changed", runs: 1,
                            outcome: outcome.exitCode == 1 && proof.liveRelease == live ? "pass" : "FAIL: \(outcome)")
    }

    @Test func aHistoryThatCannotBeWrittenPutsThePreviousReleaseBack() throws {
        let proof = try ProofRoot("immutable-history")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let live = try #require(proof.liveRelease)
        let history = proof.root + "/shared/.deployment-history"
        if let reason = try Self.freeze(history) {
            ProofResults.record(suite: "faults", scenario: "immutable history", runs: 0, outcome: "skipped: \(reason)")
            return
        }
        defer { Self.thaw(history) }
        let outcome = try proof.deploy(["--json"])
        #expect(outcome.exitCode == 1, "\(outcome)")
        let error = Self.json(outcome)
        #expect(error["activated"] as? Bool == false && error["live"] as? String == live, "\(outcome)")
        #expect(outcome.stderr.contains("current was put back to releases/\(live)"), "\(outcome)")
        #expect(proof.liveRelease == live)
        #expect(try proof.healthProblems().isEmpty)

        let rollback = try proof.run(["rollback", "--root", proof.root, "--to", live, "--json"])
        #expect(rollback.exitCode == 0 && Self.json(rollback)["alreadyLive"] as? Bool == true, "already live: \(rollback)")
        ProofResults.record(suite: "faults", scenario: "history not writable after the switch: previous release put back, said in --json",
                            runs: 1, outcome: proof.liveRelease == live && outcome.exitCode == 1 ? "pass" : "FAIL: \(outcome)")
    }

    @Test func aFirstDeployThatCannotRecordSaysTheNewReleaseIsLive() throws {
        let proof = try ProofRoot("immutable-first")
        try proof.writeApp()
        try proof.write("shared/.deployment-history", "", under: proof.root)
        if let reason = try Self.freeze(proof.root + "/shared/.deployment-history") {
            ProofResults.record(suite: "faults", scenario: "immutable history, first deploy", runs: 0, outcome: "skipped: \(reason)")
            return
        }
        defer { Self.thaw(proof.root + "/shared/.deployment-history") }
        let outcome = try proof.deploy(["--json"])
        #expect(outcome.exitCode == 1, "\(outcome)")
        let error = Self.json(outcome)
        let live = try #require(proof.liveRelease)
        #expect(error["activated"] as? Bool == true && error["live"] as? String == live, "\(outcome)")
        #expect(outcome.stderr.contains("releases/\(live) is live"), "\(outcome)")
    }

    @Test func aRollbackThatCannotBeRecordedSwitchesBack() throws {
        let proof = try ProofRoot("immutable-rollback")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        #expect(try proof.deploy().exitCode == 0)
        let live = try #require(proof.liveRelease)
        let history = proof.root + "/shared/.deployment-history"
        if let reason = try Self.freeze(history) {
            ProofResults.record(suite: "faults", scenario: "immutable history, rollback", runs: 0, outcome: "skipped: \(reason)")
            return
        }
        defer { Self.thaw(history) }
        let outcome = try proof.run(["rollback", "--root", proof.root, "--json"])
        #expect(outcome.exitCode == 1, "\(outcome)")
        let error = Self.json(outcome)
        #expect(error["activated"] as? Bool == false && error["live"] as? String == live, "\(outcome)")
        #expect(proof.liveRelease == live)
    }

    @Test func aReleaseHealthCheckWouldFailNeverGoesLive() throws {
        let proof = try ProofRoot("precheck-health")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let live = proof.liveRelease
        let before = try releases(proof)
        let uploads = proof.root + "/shared/public/uploads"
        if let reason = try Self.freeze(uploads) {
            ProofResults.record(suite: "faults", scenario: "shared folder not writable", runs: 0, outcome: "skipped: \(reason)")
            return
        }
        defer { Self.thaw(uploads) }
        let outcome = try proof.deploy()
        #expect(outcome.exitCode == 1, "\(outcome)")
        #expect(outcome.stderr.contains("would fail the health check") && outcome.stderr.contains("shared public/uploads is not writable"), "\(outcome)")
        #expect(proof.liveRelease == live)
        #expect(try releases(proof) == before)
    }

    @Test func aBrokenUploadOfAnotherKindIsRefused() throws {
        let proof = try ProofRoot("precheck-framework")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let live = proof.liveRelease
        let before = try releases(proof)
        // Half an upload: no artisan, no composer.json, no index.php.
        let broken = proof.directory.path + "/broken"
        try proof.write("public/css/app.css", "body{}\n", under: broken)
        try proof.write("storage/logs/.gitignore", "*\n", under: broken)
        let outcome = try proof.run(["auto", "--root", proof.root, "--from", broken])
        #expect(outcome.exitCode == 1, "\(outcome)")
        #expect(outcome.stderr.contains("the live one is a laravel app") && outcome.stderr.contains("looks like a broken upload"), "\(outcome)")
        #expect(outcome.stderr.contains("--allow-framework-change"))
        #expect(proof.liveRelease == live)
        #expect(try releases(proof) == before)
        let allowed = try proof.run(["plan", "--root", proof.root, "--from", broken, "--allow-framework-change"])
        #expect(allowed.exitCode == 0, "\(allowed)")
    }

    @Test func anAssetFolderShippedAsALinkIsRefused() throws {
        let proof = try ProofRoot("precheck-asset-link")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let live = proof.liveRelease
        try proof.fileSystem.removeTree(at: proof.app + "/public/css")
        try proof.write("node_modules/theme/css/app.css", "body{}\n", under: proof.app)
        try proof.fileSystem.createSymlink(at: proof.app + "/public/css", target: "../node_modules/theme/css")
        // A link the release ships into its own tree is left as shipped (issue 12); named an
        // asset folder, it must be a real one.
        try proof.write("persist-deploy.json", #"{"classify": {"public/css": "asset"}}"#, under: proof.app)
        let outcome = try proof.deploy()
        #expect(outcome.exitCode == 1, "\(outcome)")
        #expect(outcome.stderr.contains("'public/css' is a link to '../node_modules/theme/css'"), "\(outcome)")
        #expect(proof.liveRelease == live)
    }

    @Test func aPersistentPathTurnedAssetNeedsReclassifyAndKeepsItsData() throws {
        let proof = try ProofRoot("reclassify")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        try proof.writeUserData("a")
        let live = proof.liveRelease
        try proof.write("persist-deploy.json", #"{"classify": {"public/uploads": "asset"}}"#, under: proof.app)
        let refused = try proof.deploy()
        #expect(refused.exitCode == 1, "\(refused)")
        #expect(refused.stderr.contains("'public/uploads' (was user, data in '\(proof.root)/shared/public/uploads')"), "\(refused)")
        #expect(refused.stderr.contains("--reclassify"))
        #expect(proof.liveRelease == live)

        let data = try proof.sharedData()
        let allowed = try proof.deploy(["--reclassify", "--json"])
        #expect(allowed.exitCode == 0, "\(allowed)")
        #expect(allowed.stdout.contains("is now an asset (--reclassify)"), "\(allowed)")
        #expect(DataInventory.losses(data, try proof.sharedData()).isEmpty, "shared/ data is never deleted")
        #expect(try proof.fileSystem.type(at: proof.root + "/current/public/uploads") == .directory)
    }
}
