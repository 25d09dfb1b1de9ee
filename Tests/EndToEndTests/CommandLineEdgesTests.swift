import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The rough edges a person meets first: what a dry run claims, a root that does not exist, a
/// failed first deploy, a wait for the lock, a folder renamed by case, and the guarded rollback
/// that CI recipes use.
@Suite struct CommandLineEdgesTests {
    @Test func aDryRunMakesEachFolderOnceAndClaimsNothing() throws {
        let scenario = try DeployScenario("edges-plan")
        try scenario.writeLaravelApp()
        try scenario.write("public/qrcodes/.gitkeep", "")
        try scenario.write("public/invoices/.gitkeep", "")
        let plan = scenario.run(["auto", "--root", scenario.root, "--from", scenario.app, "--dry-run"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let mkdirs = plan.stdout.split(separator: "\n").compactMap { line in line.range(of: ". mkdir ").map { String(line[$0.upperBound...]) } }
        #expect(!mkdirs.isEmpty)
        #expect(mkdirs.count == Set(mkdirs).count, "a folder made twice: \(mkdirs)")
        #expect(mkdirs.filter { $0 == "shared/public" }.count == 1, "\(plan.stdout)")
        #expect(!plan.stderr.contains(" was "), "a dry run claims a change: \(plan.stderr)")
        #expect(plan.stderr.contains("starts as a copy of .env.example"), "\(plan.stderr)")
        #expect(try !scenario.fileSystem.exists(scenario.root))

        // The real deploy applies that same list, and ends where the longer list ended.
        let deploy = scenario.deploy()
        #expect(deploy.status == 0, "\(deploy.stderr)")
        #expect(scenario.run(["health-check", "--root", scenario.root]).status == 0)
    }

    @Test func aMissingRootIsCreatedOnlyWithANoticeAndOnlyWithARelease() throws {
        let scenario = try DeployScenario("edges-root")
        try scenario.writeLaravelApp()
        // Nothing to deploy into a new root: refused before anything is made.
        let nothing = scenario.run(["auto", "--root", scenario.root])
        #expect(nothing.status == 1)
        #expect(nothing.stderr.contains("'\(scenario.root)' does not exist"), "\(nothing.stderr)")
        #expect(try !scenario.fileSystem.exists(scenario.root))
        let typo = scenario.run(["auto", "--root", scenario.root, "--from", scenario.app + "-typo"])
        #expect(typo.status == 1)
        #expect(try !scenario.fileSystem.exists(scenario.root))

        let first = scenario.run(["auto", "--root", scenario.root, "--from", scenario.app, "--quiet"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("The deploy root '\(scenario.root)' does not exist; creating it."), "\(first.stderr)")
        let second = scenario.deploy()
        #expect(!second.stderr.contains("creating it"))
    }

    /// A first deploy that fails leaves no lock file, nor the empty folders it made, in the root it
    /// created: the next attempt starts clean and a stale-looking lock never confuses anyone.
    @Test func aFailedFirstDeployLeavesNoLockInTheRootItCreated() throws {
        let scenario = try DeployScenario("edges-failed-first")
        try scenario.writeLaravelApp()
        try scenario.write("persist-deploy.json", #"{"classify": {"public/uploads": "precious"}}"#)
        let failed = scenario.deploy()
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains("persist-deploy.json"))
        #expect(try !scenario.fileSystem.exists(scenario.root + "/.persist-deploy/lock"))
        #expect(try !scenario.fileSystem.exists(scenario.root), "\((try? scenario.fileSystem.files(under: scenario.root)) ?? [])")

        // In a root that existed before, the lock file stays (its inode is the lock).
        try scenario.fileSystem.removeTree(at: scenario.app + "/persist-deploy.json")
        #expect(scenario.deploy().status == 0)
        try scenario.write("persist-deploy.json", #"{"classify": {"public/uploads": "precious"}}"#)
        #expect(scenario.deploy().status == 1)
        #expect(try scenario.fileSystem.exists(scenario.root + "/.persist-deploy/lock"))
    }

    @Test func waitingForTheLockIsSaid() throws {
        let scenario = try DeployScenario("edges-wait")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy().status == 0)
        var context = Context.live()
        context.processID = 4242
        let holder = try DeployLock.acquire(root: DeployRoot(path: scenario.root), command: "auto", waitSeconds: 0, context: context)
        defer { holder.release() }
        let waiting = try ToolRunner().run(
            ["auto", "--root", scenario.root, "--from", scenario.app, "--wait", "1"], in: scenario.directory.path)
        #expect(waiting.exitCode == 1, "\(waiting)")
        #expect(waiting.stderr.contains("Waiting up to 1 s for the lock on '\(scenario.root)', held by pid 4242"), "\(waiting.stderr)")
        let noWait = try ToolRunner().run(["auto", "--root", scenario.root, "--from", scenario.app], in: scenario.directory.path)
        #expect(noWait.exitCode == 1)
        #expect(!noWait.stderr.contains("Waiting"), "without --wait it does not wait")
    }

    /// On Linux `Uploads` and `uploads` are two folders: after the app renames one to the other
    /// the users' files stay in the old one. The deploy names both and the copy that joins them.
    @Test func aPersistentFolderRenamedByCaseIsNamed() throws {
        let scenario = try DeployScenario("edges-case")
        try scenario.writeLaravelApp()
        try scenario.fileSystem.rename(scenario.app + "/public/uploads", to: scenario.app + "/public/Uploads", replacing: false)
        #expect(scenario.deploy().status == 0)
        try scenario.write("public/Uploads/customer.jpg", "a customer's photo", under: scenario.root + "/shared")
        try scenario.fileSystem.rename(scenario.app + "/public/Uploads", to: scenario.app + "/public/uploads", replacing: false)
        let renamed = scenario.deploy()
        #expect(renamed.status == 0, "\(renamed.stderr)")
        #expect(renamed.stderr.contains("warning: 'public/uploads' is new in shared/, but '\(scenario.root)/shared/public/Uploads' differs from it only by case"),
                "\(renamed.stderr)")
        #expect(renamed.stderr.contains("cp -an -- '\(scenario.root)/shared/public/Uploads/.' '\(scenario.root)/shared/public/uploads/'"))
        #expect(scenario.read(scenario.root + "/shared/public/Uploads/customer.jpg") == "a customer's photo")
        // A folder of another name is no such case.
        #expect(!scenario.deploy().stderr.contains("only by case"))
    }

    /// `rollback --if-current ID` undoes a deploy only while it is still live: a CI step after a
    /// `--verify` that already went back, or after someone else's deploy, changes nothing.
    @Test func rollbackIfCurrentRollsBackOnlyThatRelease() throws {
        let scenario = try DeployScenario("edges-if-current")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy().status == 0)
        let a = try #require(scenario.liveRelease)
        try scenario.write("public/css/app.css", "body{color:red}\n")
        #expect(scenario.deploy().status == 0)
        let b = try #require(scenario.liveRelease)

        let notLive = scenario.run(["rollback", "--root", scenario.root, "--if-current", a, "--json"])
        #expect(notLive.status == 0, "\(notLive.stderr)")
        #expect(notLive.stdout.contains("\"rolledBack\":false"), "\(notLive.stdout)")
        #expect(notLive.stderr.contains("Nothing rolled back: current points at releases/\(b), not at releases/\(a)"))
        #expect(scenario.liveRelease == b)

        let live = scenario.run(["rollback", "--root", scenario.root, "--if-current", b, "--json"])
        #expect(live.status == 0, "\(live.stderr)")
        #expect(live.stdout.contains("\"rolledBack\":true"), "\(live.stdout)")
        #expect(scenario.liveRelease == a)

        let again = scenario.run(["rollback", "--root", scenario.root, "--if-current", b])
        #expect(again.status == 0)
        #expect(scenario.liveRelease == a, "a second guarded rollback must not go further back")
    }
}
