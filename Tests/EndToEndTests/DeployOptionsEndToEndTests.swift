import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The deploy options around the plan: `--backup`, `--public-html` (link and sync), and
/// `--shared` on another file system (seeding by copy).
@Suite struct DeployOptionsEndToEndTests {
    @Test func backupSnapshotsSharedBeforeTheDeploy() throws {
        let scenario = try DeployScenario("backup-first")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy().status == 0)
        try scenario.write("public/uploads/avatar.png", "user avatar", under: scenario.root + "/current")
        let result = scenario.deploy(extra: ["--backup"])
        #expect(result.status == 0, "\(result.stderr)")
        let backups = try scenario.fileSystem.listDirectory(at: scenario.root + "/backups").filter { !$0.hasPrefix(".") }
        #expect(backups.count == 1)
        let saved = scenario.root + "/backups/" + backups[0] + "/data/public/uploads/avatar.png"
        #expect(scenario.read(saved) == "user avatar")
    }

    @Test func seedsAcrossFileSystemsByCopying() throws {
        let scenario = try DeployScenario("exdev")
        try scenario.writeLaravelApp()
        // /dev/shm is a tmpfs: a rename from the temporary folder into it fails with EXDEV.
        let shared = "/dev/shm/persist-deploy-exdev-\(UUID().uuidString)"
        defer { try? scenario.fileSystem.removeTree(at: shared) }
        let tmpDevice = try #require(try scenario.fileSystem.status(at: scenario.directory.path, followSymlink: true)).device
        let shmDevice = try #require(try scenario.fileSystem.status(at: "/dev/shm", followSymlink: true)).device
        try #require(tmpDevice != shmDevice, "needs /dev/shm on another file system")

        let result = scenario.deploy(extra: ["--shared", shared])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(scenario.read(shared + "/public/uploads/demo-1.jpg") == "demo image 1")
        let live = try #require(scenario.liveRelease)
        let release = scenario.root + "/releases/" + live
        #expect(try scenario.fileSystem.type(at: release + "/public/uploads") == .symlink)
        #expect(scenario.read(release + "/public/uploads/demo-2.jpg") == "demo image 2")
        // No half-copied temporary is left beside the seeded folder.
        #expect(try scenario.fileSystem.listDirectory(at: shared + "/public").allSatisfy { !$0.hasPrefix(".") })
    }

    @Test func publicHTMLLinksToTheLiveWebRoot() throws {
        let scenario = try DeployScenario("public-html")
        try scenario.writeLaravelApp()
        let served = scenario.directory.path + "/public_html"
        let result = scenario.deploy(extra: ["--public-html", served])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try scenario.fileSystem.type(at: served) == .symlink)
        #expect(scenario.read(served + "/css/app.css") == "body{}\n")
        #expect(scenario.read(served + "/uploads/demo-1.jpg") == "demo image 1")
    }

    @Test func publicHTMLSyncKeepsARealFolderAndItsOwnFiles() throws {
        let scenario = try DeployScenario("sync")
        try scenario.writeLaravelApp()
        let served = scenario.directory.path + "/public_html"
        try scenario.write("cgi-bin/host-script.pl", "host file", under: served)
        #expect(scenario.deploy(extra: ["--public-html", served, "--sync"]).status == 0)
        #expect(try scenario.fileSystem.type(at: served) == .directory)
        #expect(scenario.read(served + "/css/app.css") == "body{}\n")
        #expect(scenario.read(served + "/cgi-bin/host-script.pl") == "host file")

        // The next release stops shipping js/app.js: only that file goes.
        try scenario.fileSystem.removeTree(at: scenario.app + "/public/js")
        let result = scenario.deploy(extra: ["--public-html", served, "--sync"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!(try scenario.fileSystem.exists(served + "/js/app.js")))
        #expect(scenario.read(served + "/cgi-bin/host-script.pl") == "host file")
    }

    @Test func syncWithoutPublicHTMLIsBadUsage() throws {
        let scenario = try DeployScenario("sync-usage")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy(extra: ["--sync"]).status == 64)
    }
}
