import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Symfony apps as Kimai ships them: run-time folders under `var/` the app or its admin writes,
/// and the `.env` family (a `.env.dist` template, optional overrides, `composer dump-env prod`).
@Suite struct SymfonyShapesTests {
    static func writeApp(_ scenario: DeployScenario, version: String) throws {
        try scenario.write("composer.json", #"{"require": {"symfony/framework-bundle": "^7.0"}}"#)
        try scenario.write("bin/console", "#!/usr/bin/env php\n")
        try scenario.write("public/index.php", "<?php echo '\(version)';\n")
        try scenario.write("var/cache/.gitkeep", "")
        try scenario.write(".gitignore", "/var/cache/*\n/var/log/*\n/vendor/\n.env\n/.env.local\n/.env.local.php\n")
        try scenario.write(".env.dist", "APP_ENV=prod\nDATABASE_URL=mysql://u:p@db/app\n")
        try scenario.write("src/Kernel.php", "<?php // \(version)\n")
    }

    /// Each kind of folder a Symfony app writes under `var/`: the deploy stops, and the entry it
    /// suggests, pasted into persist-deploy.json, deploys and keeps the data, while `var/cache`
    /// stays out of shared/.
    @Test(arguments: [
        ["var/invoices/company.html.twig": "{{ invoice }}"],
        ["var/plugins/CustomCSSBundle/CustomCSSBundle.php": "<?php // plugin"],
        ["var/data/invoices/2026-001.pdf": "%PDF-1.7", "var/data/kimai.sqlite.notes": "notes"],
        ["var/export/timesheet.html.twig": "{{ rows }}"],
    ])
    func theSuggestedEntryForAVarFolderDeploys(writes: [String: String]) throws {
        let scenario = try DeployScenario("symfony-var")
        try Self.writeApp(scenario, version: "v1")
        #expect(scenario.deploy().status == 0)
        for (path, text) in writes { try scenario.write(path, text, under: scenario.root + "/current") }

        try Self.writeApp(scenario, version: "v2")
        let stopped = scenario.deploy()
        #expect(stopped.status == 1, "\(stopped.stderr)")
        let config = try #require(WholeReleaseGuardTests.suggestedConfig(stopped.stderr), "\(stopped.stderr)")
        try scenario.write("persist-deploy.json", config)
        let kept = scenario.deploy()
        #expect(kept.status == 0, "\(config)\n\(kept.stderr)")
        for (path, text) in writes {
            #expect(scenario.read(scenario.root + "/current/" + path) == text, "\(path)")
        }
        #expect(scenario.read(scenario.root + "/current/public/index.php") == "<?php echo 'v2';\n")
        #expect((try? scenario.fileSystem.type(at: scenario.root + "/shared/var/cache")) == nil, "var/cache is per release")
        #expect(scenario.run(["health-check", "--root", scenario.root]).status == 0)
    }

    /// `.env` starts as a copy of `.env.dist`; `.env.local` and `.env.local.php` are not created
    /// empty, so the `.env.local.php` a later CI build ships (`composer dump-env prod`) is what
    /// the app reads; the health check passes while they are absent.
    @Test func aShippedEnvLocalPHPIsNotHiddenByAnEmptyOne() throws {
        let scenario = try DeployScenario("symfony-env")
        try Self.writeApp(scenario, version: "v1")
        let first = scenario.deploy()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(scenario.read(scenario.root + "/shared/.env") == "APP_ENV=prod\nDATABASE_URL=mysql://u:p@db/app\n")
        for optional in [".env.local", ".env.local.php"] {
            #expect((try? scenario.fileSystem.type(at: scenario.root + "/shared/" + optional)) == nil, "\(optional) not created")
            #expect(!first.stderr.contains(optional), "no warning about an absent optional override: \(first.stderr)")
        }
        let health = scenario.run(["health-check", "--root", scenario.root])
        #expect(health.status == 0, "\(health.stdout)")
        let script = try ToolRunner.bash(#"bash "$1/shared/health-check.sh""#, [scenario.root])
        #expect(script.exitCode == 0, "\(script)")

        try Self.writeApp(scenario, version: "v2")
        let dumped = "<?php\nreturn ['APP_ENV' => 'prod'];\n"
        try scenario.write(".env.local.php", dumped)
        let second = scenario.deploy()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(scenario.read(scenario.root + "/current/.env.local.php") == dumped)
        #expect(scenario.run(["health-check", "--root", scenario.root]).status == 0)
    }

    /// A root where an older deploy created `shared/.env.local.php` empty: the release's own copy
    /// is not used (shared/ wins, and only a person knows whether the blank is wanted), and the
    /// deploy says so, naming both.
    @Test func anEmptySharedConfigHidingAShippedOneIsWarnedAbout() throws {
        let scenario = try DeployScenario("symfony-empty")
        try Self.writeApp(scenario, version: "v1")
        #expect(scenario.deploy().status == 0)
        try scenario.write(".env.local.php", "", under: scenario.root + "/shared")
        try Self.writeApp(scenario, version: "v2")
        try scenario.write(".env.local.php", "<?php\nreturn [];\n")
        let deployed = scenario.deploy()
        #expect(deployed.status == 0, "\(deployed.stderr)")
        #expect(deployed.stderr.contains("The release ships '.env.local.php' (17 bytes), but '\(scenario.root)/shared/.env.local.php' is empty"),
                "\(deployed.stderr)")
        #expect(scenario.read(scenario.root + "/shared/.env.local.php") == "", "a file in shared/ is never overwritten")
    }
}
