import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// shared/ gone from under a live site (a data disk not mounted, the folder moved or emptied):
/// a deploy must not put the site live on the release's demo content, and the health check must
/// say where the data went missing, not "deploy first".
@Suite struct MissingSharedDataTests {
    /// A live site with user data, then shared/ swapped for an empty folder, as an unmounted disk
    /// leaves its mount point.
    func unmounted(_ label: String) throws -> (ProofRoot, String) {
        let proof = try ProofRoot(label)
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        try proof.writeUserData("a")
        #expect(try proof.deploy().exitCode == 0)
        let live = try #require(proof.liveRelease)
        try proof.fileSystem.rename(proof.root + "/shared", to: proof.root + "/shared.unmounted", replacing: false)
        try proof.fileSystem.createDirectory(at: proof.root + "/shared", permissions: 0o755)
        return (proof, live)
    }

    @Test func aDeployOnAnEmptySharedFolderStopsAndChangesNothing() throws {
        let (proof, live) = try unmounted("shared-unmounted")
        let releases = try proof.fileSystem.listDirectory(at: proof.root + "/releases")
        let outcome = try proof.deploy()
        #expect(outcome.exitCode == 1, "\(outcome)")
        #expect(outcome.stderr.contains("is missing, but the live release links") && outcome.stderr.contains("not mounted"), "\(outcome)")
        #expect(outcome.stderr.contains("Nothing was changed"), "\(outcome)")
        #expect(proof.liveRelease == live)
        #expect(try proof.fileSystem.listDirectory(at: proof.root + "/releases") == releases, "no release made or removed")
        #expect(try proof.fileSystem.listDirectory(at: proof.root + "/shared").isEmpty, "nothing seeded into the empty mount point")

        // Once the disk is back, the deploy goes through and the data is the users' own.
        try proof.fileSystem.removeTree(at: proof.root + "/shared")
        try proof.fileSystem.rename(proof.root + "/shared.unmounted", to: proof.root + "/shared", replacing: false)
        let seen = try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths)
        #expect(try proof.deploy().exitCode == 0)
        #expect(DataInventory.losses(seen, try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths)).isEmpty)
    }

    @Test func oneMissingPathStopsTheDeployToo() throws {
        let proof = try ProofRoot("shared-path-missing")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        try proof.writeUserData("a")
        try proof.fileSystem.removeTree(at: proof.root + "/shared/public/uploads")
        let outcome = try proof.deploy()
        #expect(outcome.exitCode == 1, "\(outcome)")
        #expect(outcome.stderr.contains("public/uploads") && outcome.stderr.contains("mkdir -p --"), "\(outcome)")
        #expect(!proof.fileSystem.exists(atPath: proof.root + "/shared/public/uploads"), "not re-seeded from the release")
    }

    @Test func theHealthCheckSaysTheDataIsMissingNotDeployFirst() throws {
        let (proof, _) = try unmounted("shared-unmounted-health")
        let native = try proof.run(["health-check", "--root", proof.root])
        #expect(native.exitCode == 2, "\(native)")
        #expect(native.stdout.contains("looks unmounted") && !native.stdout.contains("deploy first"), "\(native)")
        // The script carries the root's paths; the copy that went with the disk checks them.
        let script = try ToolRunner.bash(#"bash "$1/shared.unmounted/health-check.sh""#, [proof.root])
        #expect(script.exitCode == 2, "\(script)")
    }
}

/// A monitor reads health-check's exit code alone: a root it cannot check is not healthy.
@Suite struct HealthCheckOfAMissingRootTests {
    @Test func aMissingRootExitsTwoNotWarningsOnly() throws {
        let proof = try ProofRoot("health-missing-root")
        let outcome = try proof.run(["health-check", "--root", proof.root + "/nowhere"])
        #expect(outcome.exitCode == 2, "\(outcome)")
        #expect(outcome.stderr.contains("does not exist"), "\(outcome)")
    }
}

/// Config files an app's installer writes (DokuWiki's conf/*.php, phpBB's config.php) are absent
/// until it runs, and some never come (DokuWiki without ACL writes no acl.auth.php): that absence
/// is no lost data, so recover and emergency-recovery.sh have nothing to say about it, and a
/// rollback goes through.
@Suite struct AwaitedConfigFilesTests {
    @Test func recoverAndRollbackAcceptConfigFilesNotWrittenYet() throws {
        let proof = try ProofRoot("awaited-config")
        try proof.fileSystem.copyTree(from: PathName.join(FixtureDeployTests.fixturesDirectory, "dokuwiki"), to: proof.app)
        #expect(try proof.deploy().exitCode == 0)
        #expect(try proof.deploy().exitCode == 0)
        #expect(!proof.fileSystem.exists(atPath: proof.root + "/shared/conf/acl.auth.php"), "the fixture's installer never ran")

        let native = try proof.run(["recover", "--root", proof.root])
        #expect(native.exitCode == 0 && !native.stderr.contains("missing"), "\(native)")
        let script = try ToolRunner.bash(#"bash "$1/shared/emergency-recovery.sh""#, [proof.root])
        #expect(script.exitCode == 0 && !script.stderr.contains("missing"), "\(script)")

        let rollback = try proof.run(["rollback", "--root", proof.root])
        #expect(rollback.exitCode == 0, "\(rollback)")
        #expect(!proof.fileSystem.exists(atPath: proof.root + "/shared/conf/acl.auth.php"), "never created empty")
    }
}
