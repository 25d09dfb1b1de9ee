import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// What `docs/recipes/deployer` and `docs/recipes/capistrano` promise, run on the layouts those
/// tools make: they create `releases/<name>` themselves (Deployer `1`, `2`…, Capistrano
/// `YYYYMMDDHHMMSS`), call `persist-deploy auto --release DIR --no-activate`, then switch
/// `current` themselves (Capistrano with an absolute link, Deployer with `ln --relative` where
/// it can, else an absolute one) and remove old releases with `rm -rf`.
@Suite struct DeployToolRecipeTests {
    /// One of the two tools' way of naming releases and switching `current`.
    struct Tool: Sendable, CustomStringConvertible {
        var description: String
        var names: [String]
        var absoluteCurrent: Bool
    }

    static let tools = [
        Tool(description: "Deployer, absolute current", names: ["1", "2", "3"], absoluteCurrent: true),
        Tool(description: "Deployer, relative current", names: ["1", "2", "3"], absoluteCurrent: false),
        Tool(description: "Capistrano", names: ["20261122143000", "20261123090000", "20261124101500"], absoluteCurrent: true),
    ]

    /// The tool's part of a deploy: the code into releases/<name>, the recipe's persist-deploy
    /// call, then the tool's own switch of `current` (a temporary link renamed over it).
    static func toolDeploys(_ name: String, _ tool: Tool, in scenario: DeployScenario) throws -> (status: Int32, stdout: String, stderr: String) {
        let release = scenario.root + "/releases/" + name
        try scenario.fileSystem.createDirectory(at: scenario.root + "/releases", permissions: 0o755)
        try scenario.fileSystem.copyTree(from: scenario.app, to: release)
        let result = scenario.run(["auto", "--root", scenario.root, "--release", release, "--no-activate", "--wait", "300"])
        guard result.status == 0 else { return result }
        let temporary = scenario.root + "/current.tmp"
        try scenario.fileSystem.createSymlink(at: temporary, target: tool.absoluteCurrent ? release : "releases/" + name)
        try scenario.fileSystem.rename(temporary, to: scenario.root + "/current", replacing: true)
        return result
    }

    @Test(arguments: tools)
    func userDataSurvivesTheToolsDeploysAndCleanup(tool: Tool) throws {
        let scenario = try DeployScenario("recipe")
        try scenario.writeLaravelApp()
        let first = try Self.toolDeploys(tool.names[0], tool, in: scenario)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(scenario.run(["health-check", "--root", scenario.root]).status == 0)
        try scenario.write("public/uploads/customer.jpg", "a customer's photo", under: scenario.root + "/shared")
        try scenario.write(".env", "APP_KEY=secret\n", under: scenario.root + "/shared")

        try scenario.write("public/css/app.css", "body{color:red}\n")
        let second = try Self.toolDeploys(tool.names[1], tool, in: scenario)
        #expect(second.status == 0, "\(second.stderr)")
        let live = scenario.root + "/current"
        #expect(scenario.read(live + "/public/uploads/customer.jpg") == "a customer's photo")
        #expect(scenario.read(live + "/.env") == "APP_KEY=secret\n")
        #expect(scenario.read(live + "/public/css/app.css") == "body{color:red}\n")
        #expect(try scenario.fileSystem.readSymlink(at: scenario.root + "/releases/\(tool.names[1])/public/uploads") == "../../../shared/public/uploads")
        let health = scenario.run(["health-check", "--root", scenario.root])
        #expect(health.status == 0, "\(health.stdout)\(health.stderr)")

        // The tools' cleanup: rm -rf of the oldest release never reaches shared/.
        try scenario.fileSystem.removeTree(at: scenario.root + "/releases/" + tool.names[0])
        let third = try Self.toolDeploys(tool.names[2], tool, in: scenario)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(scenario.read(live + "/public/uploads/customer.jpg") == "a customer's photo")
        #expect(scenario.run(["health-check", "--root", scenario.root]).status == 0)
        let status = scenario.run(["status", "--root", scenario.root, "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("\"release\":\"\(tool.names[2])\""), "\(status.stdout)")
    }

    /// The tools' own rollback (`dep rollback`, `cap deploy:rollback`) only moves `current`:
    /// the previous release's links still lead to the same shared/.
    @Test(arguments: tools)
    func theToolsOwnRollbackKeepsTheData(tool: Tool) throws {
        let scenario = try DeployScenario("recipe-rollback")
        try scenario.writeLaravelApp()
        #expect(try Self.toolDeploys(tool.names[0], tool, in: scenario).status == 0)
        #expect(try Self.toolDeploys(tool.names[1], tool, in: scenario).status == 0)
        try scenario.write("public/uploads/after.jpg", "made after the second deploy", under: scenario.root + "/shared")
        let temporary = scenario.root + "/current.tmp"
        let previous = scenario.root + "/releases/" + tool.names[0]
        try scenario.fileSystem.createSymlink(at: temporary, target: tool.absoluteCurrent ? previous : "releases/" + tool.names[0])
        try scenario.fileSystem.rename(temporary, to: scenario.root + "/current", replacing: true)
        #expect(scenario.read(scenario.root + "/current/public/uploads/after.jpg") == "made after the second deploy")
        #expect(scenario.run(["health-check", "--root", scenario.root]).status == 0)
    }

    /// A folder the running app writes that is not persistent stops the next deploy before the
    /// tool switches (the recipes run persist-deploy before `deploy:symlink` / `deploy:publishing`
    /// so that a failure leaves `current` where it was).
    @Test(arguments: tools)
    func theDriftGuardStopsTheToolsDeploy(tool: Tool) throws {
        let scenario = try DeployScenario("recipe-drift")
        try scenario.writeLaravelApp()
        try scenario.write("public/images/logo.png", "logo")
        #expect(try Self.toolDeploys(tool.names[0], tool, in: scenario).status == 0)
        try scenario.write("public/images/qr-123.png", "made by the app", under: scenario.root + "/current")
        let second = try Self.toolDeploys(tool.names[1], tool, in: scenario)
        #expect(second.status == 1)
        #expect(second.stderr.contains("public/images"), "\(second.stderr)")
        #expect(scenario.liveRelease == tool.names[0])
    }

    /// The recipes link right where the tools would link their shared lists, so migrations and
    /// cache steps that come after see `.env` and `storage/` of shared/ before the switch.
    @Test(arguments: tools)
    func theReleaseReadsSharedDataBeforeTheToolSwitches(tool: Tool) throws {
        let scenario = try DeployScenario("recipe-early")
        try scenario.writeLaravelApp()
        #expect(try Self.toolDeploys(tool.names[0], tool, in: scenario).status == 0)
        try scenario.write(".env", "APP_KEY=secret\n", under: scenario.root + "/shared")
        let release = scenario.root + "/releases/" + tool.names[1]
        try scenario.fileSystem.copyTree(from: scenario.app, to: release)
        #expect(scenario.run(["auto", "--root", scenario.root, "--release", release, "--no-activate"]).status == 0)
        #expect(scenario.read(release + "/.env") == "APP_KEY=secret\n")
        #expect(try scenario.fileSystem.isDirectory(release + "/storage/logs", followSymlink: true))
        #expect(scenario.liveRelease == tool.names[0])
    }

    /// The release's web-root files are recorded when persist-deploy runs: a build step that
    /// writes into an asset folder after it makes the next deploy stop (the recipes say to build
    /// before the link).
    @Test(arguments: tools)
    func assetsBuiltAfterTheLinkStopTheNextDeploy(tool: Tool) throws {
        let scenario = try DeployScenario("recipe-late-build")
        try scenario.writeLaravelApp()
        #expect(try Self.toolDeploys(tool.names[0], tool, in: scenario).status == 0)
        try scenario.write("public/js/app-123.js", "built after the link", under: scenario.root + "/releases/" + tool.names[0])
        let second = try Self.toolDeploys(tool.names[1], tool, in: scenario)
        #expect(second.status == 1)
        #expect(second.stderr.contains("public/js"), "\(second.stderr)")
    }

    /// `persist-deploy rollback` goes by its own history, where these releases are only
    /// "prepared" (the tool switched them): it refuses and changes nothing; the tools' own
    /// rollback is the one to use.
    @Test(arguments: tools)
    func persistDeployRollbackLeavesTheToolsReleasesAlone(tool: Tool) throws {
        let scenario = try DeployScenario("recipe-own-rollback")
        try scenario.writeLaravelApp()
        #expect(try Self.toolDeploys(tool.names[0], tool, in: scenario).status == 0)
        #expect(try Self.toolDeploys(tool.names[1], tool, in: scenario).status == 0)
        let rollback = scenario.run(["rollback", "--root", scenario.root])
        #expect(rollback.status == 1)
        #expect(scenario.liveRelease == tool.names[1])
    }
}
