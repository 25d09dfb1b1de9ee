import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Where real apps write at run time that the first presets missed, each through the built tool:
/// a PHP app that never reads `.env`, DokuWiki's configuration manager renaming its settings file
/// aside, and an extension manager installing Composer packages on the server.
@Suite struct RealAppWritesTests {
    func scenario(_ fixture: String) throws -> DeployScenario {
        let scenario = try DeployScenario(fixture)
        try scenario.fileSystem.copyTree(from: PathName.join(FixtureDeployTests.fixturesDirectory, fixture), to: scenario.app)
        return scenario
    }

    /// Both health checks' hygiene lines about `.env`, as (exit status, found).
    func envHygiene(_ scenario: DeployScenario) throws -> (native: (Int32, Bool), script: (Int32, Bool)) {
        let native = scenario.run(["health-check", "--root", scenario.root, "--json"])
        let script = try ToolRunner.bash(#""$1/shared/health-check.sh" --json"#, [scenario.root])
        func found(_ json: String) -> Bool { json.contains("is inside the web root: the web server may serve it") }
        return ((native.status, found(native.stdout)), (script.exitCode, found(script.stdout)))
    }

    /// A PHP app served from its root with no `.env` or `.env.example` (Kirby, Grav's older
    /// releases) gets no `.env`, so neither health check warns for ever about one it never had.
    @Test func aPHPAppThatReadsNoEnvGetsNoneAndAHealthyCheck() throws {
        let scenario = try scenario("kirby")
        let deploy = scenario.deploy()
        try #require(deploy.status == 0, "\(deploy.stderr)")
        #expect(try scenario.fileSystem.type(at: scenario.root + "/shared/.env") == nil)
        #expect(try scenario.fileSystem.type(at: scenario.root + "/current/.env") == nil)
        let health = try envHygiene(scenario)
        #expect(health.native == (0, false), "\(health)")
        #expect(health.script == (0, false), "\(health)")
    }

    /// A root whose record lists `.env` (an earlier version made it) keeps it: the data rule
    /// never drops a persistent path. While it is empty there is no secret to serve, so no
    /// warning; once someone fills it, both checks warn that it sits in the web root.
    @Test func anEnvAnEarlierDeployMadeStaysAndIsQuietOnlyWhileEmpty() throws {
        let scenario = try scenario("kirby")
        // The release of the day shipped an empty .env: it is made persistent, as the old rule did.
        try scenario.write(".env", "")
        try #require(scenario.deploy().status == 0)
        #expect(try scenario.fileSystem.status(at: scenario.root + "/shared/.env", followSymlink: false)?.size == 0)
        try scenario.fileSystem.removeTree(at: scenario.app + "/.env")
        try scenario.write("index.php", "<?php // v2\n")
        let later = scenario.deploy()
        try #require(later.status == 0, "\(later.stderr)")
        #expect(try scenario.fileSystem.readSymlink(at: scenario.root + "/current/.env") == "../../shared/.env")
        var health = try envHygiene(scenario)
        #expect(health.native == (0, false), "\(health)")
        #expect(health.script == (0, false), "\(health)")

        try "SECRET=1\n".write(toFile: scenario.root + "/current/.env", atomically: false, encoding: .utf8)
        health = try envHygiene(scenario)
        #expect(health.native == (1, true), "\(health)")
        #expect(health.script == (1, true), "\(health)")
        #expect(scenario.read(scenario.root + "/shared/.env") == "SECRET=1\n")
    }

    /// DokuWiki's configuration manager renames conf/local.php (the link) to local.php.bak.php
    /// and writes a new conf/local.php in its place. The deploy stops naming that file, and its
    /// advice keeps both copies: the new settings go live in shared/, the old ones beside them.
    @Test func dokuWikisConfigManagerRenameIsResolvedByTheAdviceWithoutLoss() throws {
        let scenario = try scenario("dokuwiki")
        try #require(scenario.deploy().status == 0)
        let current = scenario.root + "/current/conf/"
        let shared = scenario.root + "/shared/conf/"
        try "<?php $conf['title'] = 'old';\n".write(toFile: current + "local.php", atomically: false, encoding: .utf8)
        try scenario.fileSystem.rename(current + "local.php", to: current + "local.php.bak.php", replacing: true)
        try "<?php $conf['title'] = 'new';\n".write(toFile: current + "local.php", atomically: false, encoding: .utf8)
        try "ACL acl\n".write(toFile: current + "acronyms.local.conf", atomically: false, encoding: .utf8)

        let stopped = scenario.deploy()
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("conf/local.php' is a real file where the link"), "\(stopped.stderr)")
        #expect(!stopped.stderr.contains("local.php.bak.php\": \""), "the renamed link is not data to classify: \(stopped.stderr)")
        let live = try #require(scenario.liveRelease)
        let mv = try ToolRunner.bash(#"cd "$1" && mv --backup=numbered -- "releases/$2/conf/local.php" shared/conf/local.php"#, [scenario.root, live])
        try #require(mv.exitCode == 0, "\(mv)")
        #expect(stopped.stderr.contains("mv --backup=numbered -- '\(scenario.root)/releases/\(live)/conf/local.php' '\(shared)local.php'"),
                "\(stopped.stderr)")

        let later = scenario.deploy()
        try #require(later.status == 0, "\(later.stderr)")
        #expect(scenario.read(current + "local.php") == "<?php $conf['title'] = 'new';\n")
        #expect(scenario.read(shared + "local.php.~1~") == "<?php $conf['title'] = 'old';\n")
        #expect(scenario.read(shared + "acronyms.local.conf") == "ACL acl\n")
        #expect(try scenario.fileSystem.type(at: current + "local.php") == .symlink)
        #expect(scenario.run(["health-check", "--root", scenario.root]).status != 2)
    }

    /// An extension installed from Flarum's admin panel is a Composer package: the advice is
    /// to build it into the release, never to keep vendor/ or composer.json in shared/.
    @Test func packagesInstalledOnTheServerAreAdvisedIntoTheBuildNotShared() throws {
        let scenario = try scenario("flarum")
        try #require(scenario.deploy().status == 0)
        let current = scenario.root + "/current/"
        try scenario.write("vendor/fof/upload/extend.php", "<?php\n", under: current)
        try scenario.write("composer.json", #"{"require": {"flarum/core": "^1.8", "fof/upload": "^1.5"}}"#, under: current)
        try scenario.write("composer.lock", "{}\n", under: current)
        try scenario.write("public/robots.txt", "User-agent: *\n", under: current)

        let stopped = scenario.deploy()
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("Packages are code and must not be kept in shared/"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("'composer.json', 'composer.lock' and 'vendor/fof'"), "\(stopped.stderr)")
        #expect(!stopped.stderr.contains("\"vendor"), "\(stopped.stderr)")
        #expect(!stopped.stderr.contains("\"composer."), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("\"public/robots.txt\": \"runtime\""), "other drift still gets its entry: \(stopped.stderr)")
    }

    /// October CMS's backend editor saves pages into themes/: they survive new code, and a file
    /// the new release adds to the theme still goes live.
    @Test func octobersThemeEditsSurviveADeploy() throws {
        let scenario = try scenario("laravel-root-served")
        try #require(scenario.deploy().status == 0)
        let page = "themes/demo/pages/about.htm"
        try scenario.write(page, "title = \"About\"\n==\n<p>edited in the backend</p>\n", under: scenario.root + "/current")
        try scenario.write("themes/demo/partials/footer.htm", "<footer>v2</footer>\n")
        let later = scenario.deploy()
        try #require(later.status == 0, "\(later.stderr)")
        #expect(scenario.read(scenario.root + "/current/" + page)?.contains("edited in the backend") == true)
        #expect(scenario.read(scenario.root + "/current/themes/demo/partials/footer.htm") == "<footer>v2</footer>\n")
    }
}
