import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The fixtures shaped like Shaarli, Matomo, Koel and BookStack through deploys: what each app
/// writes where the real one does survives new code, and the code it keeps from the web or from
/// git (Shaarli's `assets/` and `tpl/`) goes live with the next release.
@Suite struct ClassificationRealShapesTests {
    static let lives: [WholeAppLife] = [
        WholeAppLife(
            fixture: "shaarli",
            writes: ["data/datastore.php", "data/config.json.php", "data/user.css", "pagecache/0a1b2c.cache", "cache/thumb/0a1b.jpg",
                     "tmp/linklist.rtpl.php"],
            // Before, assets/ was kept in shared/: a changed stylesheet never went live.
            code: "index.php", newAsset: "assets/default/scss/shaarli.scss"),
        WholeAppLife(
            fixture: "matomo", writes: ["misc/user/logo.png", "misc/user/favicon.png", "tmp/logs/matomo.log", "tmp/assets/asset_manager_core_js.js"],
            installs: ["config/config.ini.php"],
            // The tracker Matomo rebuilds in place with its plugins' code: no drift.
            dropped: ["matomo.js", "piwik.js"],
            code: "index.php", newAsset: "plugins/CoreHome/javascripts/new.js"),
        WholeAppLife(
            fixture: "koel",
            writes: ["database/database.sqlite", "database/koel.sqlite", "storage/app/public/images/cover.webp", "public/img/storage/legacy.jpg"],
            code: "public/index.php", newAsset: "public/css/new.css"),
        WholeAppLife(
            fixture: "bookstack",
            writes: ["themes/custom/functions.php", "themes/custom/books/show.blade.php", "public/uploads/images/gallery/a.png",
                     "storage/uploads/files/b.pdf"],
            code: "public/index.php", newAsset: "public/libs/new.js"),
    ]

    @Test(arguments: lives)
    func whatTheRealAppWritesSurvivesNewCode(life: WholeAppLife) throws {
        try FixtureDeployTests().whatTheRealAppWritesSurvivesNewCode(life: life)
    }

    @Test(arguments: lives.map(\.fixture))
    func lifeOfASite(fixture: String) throws {
        try FixtureDeployTests().lifeOfASite(fixture: fixture)
    }

    /// Shaarli's templates ship with each release, and a theme an admin adds to `tpl/` on the
    /// server stops the next deploy by name instead of vanishing with the old release.
    @Test func shaarlisTemplatesShipAndAThemeAddedOnTheServerIsNamed() throws {
        let scenario = try DeployScenario("shaarli-tpl")
        try scenario.fileSystem.copyTree(from: PathName.join(FixtureDeployTests.fixturesDirectory, "shaarli"), to: scenario.app)
        try #require(scenario.deploy().status == 0)
        try scenario.write("tpl/default/linklist.html", "<html>v2</html>\n")
        try #require(scenario.deploy().status == 0)
        #expect(scenario.read(scenario.root + "/current/tpl/default/linklist.html") == "<html>v2</html>\n")
        #expect((try scenario.fileSystem.type(at: scenario.root + "/current/tpl")) == .directory)

        try scenario.write("current/tpl/material/linklist.html", "a theme the admin unpacked", under: scenario.root)
        let stopped = scenario.deploy()
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("tpl/material"), "\(stopped.stderr)")
        #expect(scenario.read(scenario.root + "/current/tpl/material/linklist.html") == "a theme the admin unpacked")
    }

    /// A plugin installed from Matomo's Marketplace lands in `plugins/` beside the bundled ones
    /// (code each release updates): the next deploy stops and names it.
    @Test func aMatomoPluginFromTheMarketplaceIsNamed() throws {
        let scenario = try DeployScenario("matomo-plugin")
        try scenario.fileSystem.copyTree(from: PathName.join(FixtureDeployTests.fixturesDirectory, "matomo"), to: scenario.app)
        try #require(scenario.deploy().status == 0)
        try scenario.write("current/plugins/HeatmapSessionRecording/plugin.json", #"{"name": "HeatmapSessionRecording"}"#, under: scenario.root)
        let stopped = scenario.deploy()
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("plugins/HeatmapSessionRecording"), "\(stopped.stderr)")
    }
}
