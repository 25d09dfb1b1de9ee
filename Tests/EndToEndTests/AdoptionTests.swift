import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Adopting a site deployed in place (`current` a real folder): asked for, one step for `current`,
/// and every state an interruption can leave repaired by `recover` or the rerun.
@Suite struct AdoptionTests {
    /// A root whose `current` is a real copy of the app holding users' files.
    func inPlaceSite(_ label: String) throws -> ProofRoot {
        let proof = try ProofRoot(label)
        try proof.writeApp()
        try proof.fileSystem.createDirectory(at: proof.root, permissions: 0o755)
        try proof.fileSystem.copyTree(from: proof.app, to: proof.root + "/current")
        try proof.writeUserData("inplace")
        return proof
    }

    @Test func withoutAdoptNothingIsTouchedAndThePlanSaysSo() throws {
        let proof = try inPlaceSite("adopt-refused")
        let before = try DataInventory.take(proof.root)
        let refused = try proof.deploy(["--json"])
        #expect(refused.exitCode == 1, "\(refused)")
        #expect(refused.stderr.contains("a site deployed in place") && refused.stderr.contains("--adopt"), "\(refused)")
        #expect(refused.stdout.contains("\"error\":"), "\(refused)")
        #expect(try DataInventory.take(proof.root) == before, "a refused adoption changed the root (even the lock must not be made)")

        let plan = try proof.run(["plan", "--root", proof.root, "--from", proof.app])
        #expect(plan.exitCode == 0, "\(plan)")
        #expect(plan.stdout.contains("adopt in-place site current as releases/"), "\(plan)")
        #expect(plan.stderr.contains("needs --adopt"), "\(plan)")
        #expect(try DataInventory.take(proof.root) == before)
    }

    @Test func aYesAtATerminalAdoptsAndANoRefuses() throws {
        for (answer, adopted) in [("no", false), ("yes", true)] {
            let proof = try inPlaceSite("adopt-ask")
            var options = DeployOptions()
            options.prompter = Prompter(isTerminal: true) { _ in answer }
            var request = DeployRequest()
            request.source = .directory(path: proof.app)
            let console = Console(stdout: { _ in }, stderr: { _ in })
            let result = Result { () throws(ToolError) in
                try Deployer(context: Context.live(), console: console, root: DeployRoot(path: proof.root)).run(request, options: options, commandName: "auto")
            }
            #expect(((try? result.get()) != nil) == adopted, "answer \(answer)")
            #expect(try proof.fileSystem.type(at: proof.root + "/current") == (adopted ? .symlink : .directory), "answer \(answer)")
        }
    }

    /// The site's own `.env` is the admin's file: adoption takes only others' access away, as
    /// every later deploy does; 0600 would lock out a PHP that reads it through the group.
    @Test func anAdoptedSecretKeepsItsOwnerAndGroupAccess() throws {
        let proof = try inPlaceSite("adopt-secret-mode")
        try proof.fileSystem.setPermissions(at: proof.root + "/current/.env", to: 0o644)
        let outcome = try proof.deploy(["--adopt"])
        #expect(outcome.exitCode == 0, "\(outcome)")
        #expect(try proof.fileSystem.status(at: proof.root + "/shared/.env", followSymlink: false)?.permissions == 0o640)
        #expect(try proof.fileSystem.readText(at: proof.root + "/shared/.env") == "APP_KEY=secret-inplace\n")
    }

    @Test func theSwapMakesTheSiteFolderItselfTheAdoptedRelease() throws {
        let proof = try inPlaceSite("adopt-swap")
        let folder = try #require(try proof.fileSystem.status(at: proof.root + "/current", followSymlink: false))
        let seen = try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths)
        let outcome = try proof.deploy(["--adopt", "--verbose"])
        #expect(outcome.exitCode == 0, "\(outcome)")
        #expect(!outcome.stderr.contains("RENAME_EXCHANGE"), "ext4 swaps; no fallback warning expected: \(outcome)")
        let history = DeploymentHistory.recent(DeployRoot(path: proof.root), fileSystem: proof.fileSystem, limit: 1000)
        let adopted = try #require(history.first { $0.outcome == .adopted }).release
        // The same directory (not a copy) now sits at releases/<adopted>.
        let moved = try #require(try proof.fileSystem.status(at: proof.root + "/releases/" + adopted, followSymlink: false))
        #expect(moved.inode == folder.inode && moved.device == folder.device)
        #expect(DataInventory.losses(seen, try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths)).isEmpty)
        #expect(try proof.healthProblems().isEmpty)
        #expect(!proof.fileSystem.exists(atPath: proof.root + "/.persist-deploy/adopting"))
    }

    @Test func whereTheFileSystemCannotSwapTheMarkerStepsAreUsedAndSaid() throws {
        let proof = try inPlaceSite("adopt-fallback")
        let seen = try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths)
        let outcome = try proof.deploy(["--adopt"], environment: ["PERSIST_DEPLOY_REFUSE_EXCHANGE": "1"])
        #expect(outcome.exitCode == 0, "\(outcome)")
        #expect(outcome.stderr.contains("cannot swap two names in one step (RENAME_EXCHANGE)"), "\(outcome)")
        #expect(DataInventory.losses(seen, try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths)).isEmpty)
        #expect(try proof.healthProblems().isEmpty)
    }

    /// The state a stop between making the link and the swap leaves: the site still live in
    /// place, and `releases/ID` a link whose text only resolves once it sits at `current`.
    @Test func aStopBeforeTheSwapLeavesTheSiteLiveAndTheRerunCleansUp() throws {
        let proof = try inPlaceSite("adopt-preswap")
        let id = "2026-01-01_00-00-00"
        try proof.fileSystem.createDirectory(at: proof.root + "/releases", permissions: 0o755)
        try proof.fileSystem.createSymlink(at: proof.root + "/releases/" + id, target: "releases/" + id)
        try proof.write(".persist-deploy/adopting", id + "\n", under: proof.root)
        let seen = try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths)

        let recover = try proof.run(["recover", "--root", proof.root])
        #expect(recover.stderr.contains("a site deployed in place, which is live as it is"), "\(recover)")
        #expect(try proof.fileSystem.type(at: proof.root + "/current") == .directory)

        let rerun = try proof.deploy(["--adopt"])
        #expect(rerun.exitCode == 0, "\(rerun)")
        let left = try proof.fileSystem.listDirectory(at: proof.root + "/releases")
        #expect(try left.allSatisfy { try proof.fileSystem.type(at: proof.root + "/releases/" + $0) == .directory }, "\(left)")
        #expect(DataInventory.losses(seen, try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths)).isEmpty)
        #expect(try proof.healthProblems().isEmpty)
    }

    /// The state a stop inside the two-step adoption leaves: no `current`, the site under
    /// releases/, the marker naming it, and the new (unprepared) release published beside it.
    @Test func recoverPutsBackTheAdoptedSiteNotTheNewestFolder() throws {
        let proof = try ProofRoot("adopt-window")
        try proof.writeApp()
        let site = "2026-01-01_00-00-00"
        let unprepared = "2026-01-01_00-00-01"
        try proof.fileSystem.createDirectory(at: proof.root + "/releases", permissions: 0o755)
        try proof.fileSystem.copyTree(from: proof.app, to: proof.root + "/releases/" + site)
        try proof.write("public/uploads/customer.pdf", "customer upload", under: proof.root + "/releases/" + site)
        try proof.fileSystem.copyTree(from: proof.app, to: proof.root + "/releases/" + unprepared)
        try proof.write(".persist-deploy/adopting", site + "\n", under: proof.root)

        let recover = try proof.run(["recover", "--root", proof.root])
        #expect(try proof.fileSystem.readSymlink(at: proof.root + "/current") == "releases/" + site, "\(recover)")
        #expect(proof.fileSystem.exists(atPath: proof.root + "/current/public/uploads/customer.pdf"))

        let rerun = try proof.deploy()
        #expect(rerun.exitCode == 0, "\(rerun)")
        let history = DeploymentHistory.recent(DeployRoot(path: proof.root), fileSystem: proof.fileSystem, limit: 1000)
        #expect(history.map(\.outcome) == [.adopted, .activated], "\(history)")
        #expect(history.first?.release == site)
        #expect(try proof.fileSystem.readText(at: proof.root + "/current/public/uploads/customer.pdf") == "customer upload")
    }
}

/// `recover` and `emergency-recovery.sh` point a missing `current` at the release the history
/// says was live last: never an unfinished upload or a release marked bad, however new.
@Suite struct RecoveryTargetTests {
    @Test func recoverSkipsUnfinishedAndBadReleases() throws {
        let proof = try ProofRoot("recover-target")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        #expect(try proof.deploy().exitCode == 0)
        let good = try #require(proof.liveRelease)
        // A deploy whose --verify failed: marked bad, current put back.
        #expect(try proof.deploy(["--verify", "exit 3"]).exitCode == 1)
        #expect(proof.liveRelease == good)
        // An upload never deployed, newer than everything.
        try proof.fileSystem.copyTree(from: proof.app, to: proof.root + "/releases/2099-01-01_00-00-00")
        try proof.saveTemplate()

        for how in ["native", "script"] {
            try proof.restoreTemplate()
            try proof.fileSystem.removeTree(at: proof.root + "/current")
            let outcome = how == "native"
                ? try proof.run(["recover", "--root", proof.root])
                : try ToolRunner.bash(#"bash "$1/shared/emergency-recovery.sh""#, [proof.root])
            #expect(try proof.fileSystem.readSymlink(at: proof.root + "/current") == "releases/" + good, "\(how): \(outcome)")
        }
    }

    @Test func withNoReleaseRecordedAsLiveNothingIsPointedAt() throws {
        let proof = try ProofRoot("recover-none")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        try proof.fileSystem.removeTree(at: proof.root + "/shared/.deployment-history")
        try proof.fileSystem.removeTree(at: proof.root + "/current")
        let outcome = try proof.run(["recover", "--root", proof.root])
        #expect(outcome.exitCode == 1, "\(outcome)")
        #expect(outcome.stderr.contains("recorded as having gone live") && outcome.stderr.contains("ln -sfn releases/ID current"), "\(outcome)")
        #expect(!proof.fileSystem.exists(atPath: proof.root + "/current"))
        let script = try ToolRunner.bash(#"bash "$1/shared/emergency-recovery.sh""#, [proof.root])
        #expect(script.exitCode == 1 && script.stderr.contains("recorded as having gone live"), "\(script)")
    }
}
