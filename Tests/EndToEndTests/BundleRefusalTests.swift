import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The refusals of the bundle's `deploy.sh` that keep data where the binary keeps it: a shared/
/// that is empty (a data disk not mounted) while the live release links into it, and a deploy
/// root nested inside another root's data, releases, backups or tool folder. Each is run as the
/// host runs it (bash), beside the binary where both apply.
@Suite struct BundleRefusalTests {
    private static let ids = ["2026-01-01_00-00-01", "2026-01-02_00-00-01"]

    @Test func anEmptySharedUnderALiveReleaseStopsBothBeforeAnythingChanges() throws {
        let parity = try ParityScenario("bundle-unmounted")
        try parity.scenario.writeLaravelApp()
        try parity.makeBundle()
        try parity.upload(Self.ids[0])
        try parity.deployBoth(Self.ids[0])
        try parity.liveWrites("before")
        try parity.scenario.write("public/css/app.css", "body{color:red}\n")
        try parity.upload(Self.ids[1])
        for root in [parity.binaryRoot, parity.bashRoot] {
            // The data disk is not mounted: an empty mount point where shared/ was.
            try parity.fileSystem.rename(root + "/shared", to: root + "/shared-disk", replacing: false)
            try parity.fileSystem.createDirectory(at: root + "/shared", permissions: 0o755)
        }

        let binary = parity.deployBinary(Self.ids[1])
        let bash = try parity.deployBash([Self.ids[1]])
        for (root, status, stderr) in [(parity.binaryRoot, binary.status, binary.stderr), (parity.bashRoot, bash.exitCode, bash.stderr)] {
            #expect(status == 1, "\(root): \(stderr)")
            #expect(stderr.contains("is missing, but the live release links") && stderr.contains("not mounted"), "\(stderr)")
            #expect(stderr.contains("Nothing was changed."), "\(stderr)")
            #expect(try parity.fileSystem.readSymlink(at: root + "/current") == "releases/" + Self.ids[0])
            #expect(try parity.fileSystem.listDirectory(at: root + "/shared") == [], "nothing seeded over the missing data")
            #expect(try parity.fileSystem.listDirectory(at: root + "/releases").sorted() == Self.ids)
        }
        // Mounted again, the deploy goes through and the data is what the site shows.
        for root in [parity.binaryRoot, parity.bashRoot] {
            try parity.fileSystem.removeTree(at: root + "/shared")
            try parity.fileSystem.rename(root + "/shared-disk", to: root + "/shared", replacing: false)
        }
        #expect(parity.deployBinary(Self.ids[1]).status == 0)
        #expect(try parity.deployBash([Self.ids[1]]).exitCode == 0)
        for root in [parity.binaryRoot, parity.bashRoot] {
            #expect(parity.scenario.read(root + "/current/public/uploads/before.jpg") == "uploaded before")
        }
    }

    /// Where a root could be nested in an outer one: folder, and the path under it.
    @Test(arguments: ["shared/inner", "shared/public/uploads/site", "releases/2026-01-01_00-00-01/inner", "backups/inner",
                      ".persist-deploy/inner", "current/public/uploads/site", "current/storage/site"])
    func aRootNestedInAnotherRootIsRefusedBeforeAnythingIsCreated(_ nested: String) throws {
        let scenario = try DeployScenario("bundle-nested")
        try scenario.writeLaravelApp()
        #expect(scenario.run(["auto", "--root", scenario.root, "--from", scenario.app]).status == 0)
        try parity(scenario: scenario)
        let remote = scenario.root + "/" + nested
        let bundle = scenario.directory.path + "/bundle"
        let made = scenario.run(["bundle", scenario.app, "--remote-root", remote, "--out", bundle])
        #expect(made.status == 0, "\(made.stderr)")
        let before = scenario.inventory(scenario.root)
        let outcome = try ToolRunner(executable: "/bin/bash").run([bundle + "/deploy.sh"], in: scenario.directory.path)
        #expect(outcome.exitCode == 1, "\(outcome)")
        #expect(outcome.stderr.contains("lies inside") && outcome.stderr.contains("of the deploy root \(scenario.root):"), "\(outcome)")
        #expect(outcome.stderr.contains("--remote-root \(scenario.root)") && outcome.stderr.contains("Nothing was changed."), "\(outcome)")
        #expect(scenario.inventory(scenario.root) == before, "nothing created inside the outer root")
    }

    /// The binary refuses the same roots (the script follows it).
    private func parity(scenario: DeployScenario) throws {
        let inner = scenario.root + "/shared/inner"
        let binary = scenario.run(["auto", "--root", inner, "--from", scenario.app])
        #expect(binary.status == 1 && binary.stderr.contains("lies inside"), "\(binary.stderr)")
    }
}
