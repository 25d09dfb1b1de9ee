import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Paths `persist-deploy.json` names that the release does not ship (the app writes them at run
/// time, and the drift guard's own advice names them so): each gets the kind its name says. An
/// empty folder named `.htaccess` takes an Apache site down; an empty config file reads as
/// "installed" to an installer.
@Suite struct DeclaredPathsTests {
    @Test func aDeclaredFileTheReleaseLacksIsAFileAndAConfigIsAwaited() throws {
        let scenario = try DeployScenario("declared-paths")
        try scenario.write("public/index.php", "<?php echo 'v1';\n")
        try scenario.write("persist-deploy.json", """
            {"classify": {"public/.htaccess": "runtime", "logs/debug.log": "runtime", "public/.well-known": "user",
                          "wp-content/cache-config.php": "config", ".env.local": "config"}}
            """)
        let classify = scenario.run(["classify", scenario.app, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(classify.stdout.utf8)) as? [String: Any]
        let kinds = Dictionary(uniqueKeysWithValues: ((object?["paths"] as? [[String: Any]]) ?? []).map { ($0["path"] as? String ?? "", $0["kind"] as? String ?? "") })
        #expect(kinds == ["public/.htaccess": "file", "logs/debug.log": "file", "public/.well-known": "dir",
                          "wp-content/cache-config.php": "file", ".env.local": "file"], "\(classify.stdout)")

        let deployed = scenario.deploy()
        #expect(deployed.status == 0, "\(deployed.stderr)")
        let shared = scenario.root + "/shared/"
        #expect(try scenario.fileSystem.type(at: shared + "public/.htaccess") == .file)
        #expect(try scenario.fileSystem.type(at: shared + "logs/debug.log") == .file)
        #expect(try scenario.fileSystem.type(at: shared + "public/.well-known") == .directory)
        #expect(try scenario.fileSystem.type(at: shared + "wp-content/cache-config.php") == nil, "never created empty")
        #expect(try scenario.fileSystem.type(at: shared + ".env.local") == nil, "never created empty")
        // The app writes them through current/, as it does at run time.
        for path in ["public/.htaccess", "wp-content/cache-config.php", ".env.local"] {
            try "written by the app\n".write(toFile: scenario.root + "/current/" + path, atomically: false, encoding: .utf8)
            #expect(scenario.read(shared + path) == "written by the app\n", "\(path)")
        }
        try scenario.write("public/index.php", "<?php echo 'v2';\n")
        #expect(scenario.deploy().status == 0)
        #expect(scenario.read(scenario.root + "/current/public/.htaccess") == "written by the app\n")
        let health = scenario.run(["health-check", "--root", scenario.root])
        #expect(health.status == 0, "\(health.stdout)")
    }
}
