import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

@Suite struct DeployEndToEndTests {
    @Test func firstDeploySeedsDemoContentAndLinksRelatively() throws {
        let scenario = try DeployScenario("first")
        try scenario.writeLaravelApp()
        let result = scenario.deploy()
        #expect(result.status == 0, "\(result.stderr)")
        let live = try #require(scenario.liveRelease)
        let release = scenario.root + "/releases/" + live
        let fs = scenario.fileSystem
        #expect(try fs.readSymlink(at: scenario.root + "/current") == "releases/\(live)")
        #expect(try fs.readSymlink(at: release + "/public/uploads") == "../../../shared/public/uploads")
        #expect(try fs.readSymlink(at: release + "/storage") == "../../shared/storage")
        #expect(try fs.readSymlink(at: release + "/.env") == "../../shared/.env")
        #expect(try fs.readSymlink(at: release + "/public/storage") == "../storage/app/public")
        #expect(try fs.type(at: release + "/public/css") == .directory)
        #expect(scenario.read(scenario.root + "/shared/public/uploads/demo-1.jpg") == "demo image 1")
        #expect(scenario.read(scenario.root + "/shared/.env") == "APP_KEY=\n")
        #expect(try fs.status(at: scenario.root + "/shared/.env", followSymlink: false)?.permissions == 0o600)
        #expect(try fs.isDirectory(scenario.root + "/shared/storage/framework/sessions"))
        #expect(try fs.status(at: release + "/bootstrap/cache", followSymlink: false)?.permissions == 0o775)
    }

    @Test func userFilesAndEnvSurviveLaterDeploys() throws {
        let scenario = try DeployScenario("later")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy().status == 0)
        // The running app writes through current/.
        try scenario.write("public/uploads/avatar.png", "user avatar", under: scenario.root + "/current")
        try scenario.write("storage/logs/laravel.log", "log line", under: scenario.root + "/current")
        // Written in place, as an app or editor does, which follows the link.
        try "APP_KEY=secret\n".write(toFile: scenario.root + "/current/.env", atomically: false, encoding: .utf8)
        // A user deleted a demo file; the next release ships a new default image.
        try scenario.fileSystem.removeTree(at: scenario.root + "/shared/public/uploads/demo-2.jpg")
        try scenario.write("public/uploads/default.png", "new default")
        let before = scenario.inventory(scenario.root + "/shared")

        for _ in 0..<3 {
            let result = scenario.deploy()
            #expect(result.status == 0, "\(result.stderr)")
        }
        let shared = scenario.root + "/shared"
        #expect(scenario.read(shared + "/public/uploads/avatar.png") == "user avatar")
        #expect(scenario.read(shared + "/storage/logs/laravel.log") == "log line")
        #expect(scenario.read(shared + "/.env") == "APP_KEY=secret\n")
        #expect(scenario.read(shared + "/public/uploads/default.png") == "new default")
        #expect(!(try scenario.fileSystem.exists(shared + "/public/uploads/demo-2.jpg")), "a file users deleted stays deleted")
        let after = scenario.inventory(shared)
        for (file, content) in before where !DeployRoot.toolFilesInShared.contains(file) {
            #expect(after[file] == content, "\(file) changed or vanished")
        }
        #expect(scenario.read(scenario.root + "/current/public/uploads/avatar.png") == "user avatar")
    }

    @Test func linksStillResolveAfterTheRootIsMoved() throws {
        let scenario = try DeployScenario("move")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy().status == 0)
        let moved = scenario.directory.path + "/moved-root"
        try scenario.fileSystem.rename(scenario.root, to: moved, replacing: false)
        #expect(scenario.read(moved + "/current/public/uploads/demo-1.jpg") == "demo image 1")
        #expect(scenario.read(moved + "/current/.env") == "APP_KEY=\n")
        #expect(try scenario.fileSystem.isDirectory(moved + "/current/public/storage", followSymlink: true))
    }

    @Test func cleanupKeepsNewestAndNeverFollowsLinksIntoShared() throws {
        let scenario = try DeployScenario("cleanup")
        try scenario.writeLaravelApp()
        for _ in 0..<5 {
            #expect(scenario.deploy(extra: ["--keep", "2"]).status == 0)
            try scenario.write("public/uploads/\(UUID().uuidString).jpg", "upload", under: scenario.root + "/current")
        }
        #expect(scenario.releaseIDs.count == 2)
        #expect(scenario.inventory(scenario.root + "/shared/public/uploads").count == 7)
        #expect(scenario.read(scenario.root + "/shared/public/uploads/demo-1.jpg") == "demo image 1")
    }

    @Test func anIDRemovedByCleanupIsNeverUsedAgain() throws {
        let scenario = try DeployScenario("reuse")
        try scenario.writeLaravelApp()
        let second = scenario.clock
        var live: [String] = []
        for _ in 0..<4 {
            scenario.clock = second  // every deploy lands in the same second
            let result = scenario.deploy(extra: ["--keep", "1"])
            #expect(result.status == 0, "\(result.stderr)")
            live.append(try #require(scenario.liveRelease))
        }
        #expect(!scenario.releaseIDs.contains(live[0]), "cleanup removed the first")
        #expect(Set(live).count == 4, "\(live)")
        #expect(live == live.sorted(by: ReleaseID.isOlder), "ids sort by age: \(live)")
    }

    @Test func rollbackGoesToThePreviousFinishedRelease() throws {
        let scenario = try DeployScenario("rollback")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy().status == 0)
        let first = try #require(scenario.liveRelease)
        #expect(scenario.deploy().status == 0)
        let second = try #require(scenario.liveRelease)
        #expect(first != second)
        let result = scenario.run(["rollback", "--root", scenario.root])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(scenario.liveRelease == first)
        #expect(scenario.run(["rollback", "--root", scenario.root, "--to", second]).status == 0)
        #expect(scenario.liveRelease == second)
    }

    @Test func rollbackRefusesAReleaseThatNeverFinished() throws {
        let scenario = try DeployScenario("unfinished")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy().status == 0)
        #expect(scenario.deploy(extra: ["--no-activate"]).status == 0)
        let prepared = try #require(scenario.releaseIDs.sorted().last)
        let result = scenario.run(["rollback", "--root", scenario.root, "--to", prepared])
        #expect(result.status == 1)
        #expect(result.stderr.contains("never finished"))
    }

    @Test func adoptsAnInPlaceSite() throws {
        let scenario = try DeployScenario("adopt")
        try scenario.writeLaravelApp()
        // The site was deployed in place: current is a real copy holding users' files.
        try scenario.fileSystem.createDirectory(at: scenario.root, permissions: 0o755)
        try scenario.fileSystem.copyTree(from: scenario.app, to: scenario.root + "/current")
        try scenario.fileSystem.removeTree(at: scenario.root + "/current/public/storage")
        try scenario.write("public/uploads/customer.pdf", "customer upload", under: scenario.root + "/current")
        try scenario.write(".env", "APP_KEY=live\n", under: scenario.root + "/current")

        let result = scenario.deploy()
        #expect(result.status == 0, "\(result.stderr)")
        let shared = scenario.root + "/shared"
        #expect(scenario.read(shared + "/public/uploads/customer.pdf") == "customer upload")
        #expect(scenario.read(shared + "/.env") == "APP_KEY=live\n")
        #expect(try scenario.fileSystem.type(at: scenario.root + "/current") == .symlink)
        let ids = scenario.releaseIDs.sorted()
        #expect(ids.count == 2, "the old tree became a release")
        #expect(scenario.liveRelease == ids.last, "the adopted site is older than the new release")
        #expect(scenario.read(scenario.root + "/current/public/uploads/customer.pdf") == "customer upload")
    }

    @Test func finishesAnAdoptionACrashInterrupted() throws {
        let scenario = try DeployScenario("adopt-crash")
        try scenario.writeLaravelApp()
        // The state a crash leaves between renaming the in-place site into releases/ and
        // pointing current at it: no current, the site under releases/, the marker naming it.
        let adopted = "2026-01-01_00-00-00"
        try scenario.fileSystem.createDirectory(at: scenario.root + "/releases", permissions: 0o755)
        try scenario.fileSystem.copyTree(from: scenario.app, to: scenario.root + "/releases/" + adopted)
        try scenario.write("public/uploads/customer.pdf", "customer upload", under: scenario.root + "/releases/" + adopted)
        try scenario.write(".persist-deploy/adopting", adopted + "\n", under: scenario.root)

        let result = scenario.deploy()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(scenario.read(scenario.root + "/shared/public/uploads/customer.pdf") == "customer upload")
        #expect(scenario.read(scenario.root + "/current/public/uploads/customer.pdf") == "customer upload")
        let history = try #require(scenario.read(scenario.root + "/shared/.deployment-history"))
        #expect(history.contains("\"outcome\":\"adopted\""))
        #expect(!(try scenario.fileSystem.exists(scenario.root + "/.persist-deploy/adopting")))
        // It counts as a finished release now (a rollback target), not an unfinished leftover.
        let listing = scenario.run(["releases", "--root", scenario.root, "--json"])
        #expect(listing.stdout.contains("{\"id\":\"\(adopted)\",\"live\":false,\"status\":\"finished\"}"), "\(listing.stdout)")
    }

    @Test func forcedFirstAddsOnlyWhatIsMissing() throws {
        let scenario = try DeployScenario("forced")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy().status == 0)
        try scenario.fileSystem.writeText("edited by user", to: scenario.root + "/shared/public/uploads/demo-1.jpg")
        try scenario.fileSystem.removeTree(at: scenario.root + "/shared/public/uploads/demo-2.jpg")
        #expect(scenario.deploy("first").status == 0)
        #expect(scenario.read(scenario.root + "/shared/public/uploads/demo-1.jpg") == "edited by user")
        #expect(scenario.read(scenario.root + "/shared/public/uploads/demo-2.jpg") == "demo image 2")
    }

    @Test func driftGuardStopsBeforeChangingAnything() throws {
        let scenario = try DeployScenario("drift")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy().status == 0)
        let live = scenario.liveRelease
        try scenario.write("public/css/generated-by-app.css", "runtime", under: scenario.root + "/current")
        let releasesBefore = scenario.releaseIDs
        let result = scenario.deploy()
        #expect(result.status == 1)
        #expect(result.stderr.contains("public/css"))
        #expect(result.stderr.contains("1 file"))
        #expect(result.stderr.contains("persist-deploy.json"))
        #expect(scenario.liveRelease == live)
        #expect(scenario.releaseIDs == releasesBefore)
    }

    @Test func aSecondDeployStopsNamingTheLockHolder() throws {
        let scenario = try DeployScenario("lock")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy().status == 0)
        var context = Context.live()
        context.processID = 4242
        let lock = try DeployLock.acquire(root: DeployRoot(path: scenario.root), command: "auto", waitSeconds: 0, context: context)
        let result = scenario.deploy()
        #expect(result.status == 1)
        #expect(result.stderr.contains("pid 4242"))
        lock.release()
        #expect(scenario.deploy().status == 0)
    }

    @Test func failedVerifyPutsThePreviousReleaseBack() throws {
        let scenario = try DeployScenario("verify")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy().status == 0)
        let good = scenario.liveRelease
        let result = scenario.deploy(extra: ["--verify", "exit 3"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("exit 3"))
        #expect(scenario.liveRelease == good)
        let bad = try #require(scenario.releaseIDs.sorted().last)
        #expect(scenario.run(["rollback", "--root", scenario.root, "--to", bad]).status == 1)
    }

    @Test func theSeedCompatibleFormDeploysAnUploadedRelease() throws {
        let scenario = try DeployScenario("seed-form")
        try scenario.writeLaravelApp()
        let release = scenario.root + "/releases/2026-11-22_14-30-00"
        try scenario.fileSystem.createDirectory(at: scenario.root + "/releases", permissions: 0o755)
        try scenario.fileSystem.copyTree(from: scenario.app, to: release)
        let result = scenario.run(["deploy", release, scenario.root + "/shared", "first"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(scenario.liveRelease == "2026-11-22_14-30-00")
        #expect(scenario.read(scenario.root + "/shared/public/uploads/demo-1.jpg") == "demo image 1")
    }

    @Test func withoutASourceTheNewestReleaseNotYetLiveIsDeployed() throws {
        let scenario = try DeployScenario("newest")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy().status == 0)
        let live = try #require(scenario.liveRelease)
        let uploaded = "2099-01-01_00-00-00"
        try scenario.fileSystem.copyTree(from: scenario.app, to: scenario.root + "/releases/" + uploaded)
        let result = scenario.run(["auto", "--root", scenario.root])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(scenario.liveRelease == uploaded)
        // With nothing new uploaded, the next run says so and changes nothing.
        let again = scenario.run(["auto", "--root", scenario.root])
        #expect(again.status == 1)
        #expect(again.stderr.contains("no new release"))
        #expect(scenario.liveRelease == uploaded && live != uploaded)
    }

    @Test func planPrintsTheOperationsAndChangesNothing() throws {
        let scenario = try DeployScenario("plan")
        try scenario.writeLaravelApp()
        let result = scenario.run(["plan", "--root", scenario.root, "--from", scenario.app, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let operations = try #require(json["operations"] as? [[String: Any]])
        #expect(operations.contains { $0["op"] as? String == "switchCurrent" })
        #expect(json["activated"] as? Bool == false)
        #expect(!(try scenario.fileSystem.exists(scenario.root + "/current")))
        #expect(!(try scenario.fileSystem.exists(scenario.root + "/shared")))
    }

    @Test func deploysFromATarball() throws {
        let scenario = try DeployScenario("tarball")
        try scenario.writeLaravelApp()
        let archive = scenario.directory.path + "/release.tar.gz"
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = ["-czf", archive, "-C", scenario.app, "."]
        try tar.run()
        tar.waitUntilExit()
        let result = scenario.run(["auto", "--root", scenario.root, "--from", archive])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(scenario.read(scenario.root + "/current/public/uploads/demo-1.jpg") == "demo image 1")
        #expect(!(scenario.releaseIDs.contains { $0.hasPrefix(".staging") }))
    }
}
