import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Data rule 4 over the whole release: each kind of write a running app makes outside the
/// persistent paths, through a full life. After the second deploy the written bytes are either in
/// `current/` (once the suggested entry is in persist-deploy.json), or the deploy stopped with
/// `current` unchanged and the data in place, or (with `--leave-behind`) they are in
/// `.persist-deploy/left-behind/`.
@Suite struct WholeReleaseGuardTests {
    /// One kind of write: where the app writes (relative to the release) and what, and the entry
    /// the guard must suggest for it.
    struct Kind: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var writes: [String: String]
        /// The `classify` entry expected in the hint, as written there.
        var entry: String
        /// Writes into a shipped file (changed in place) rather than new paths.
        var changesShippedFile = false
    }

    static let kinds = [
        Kind(testDescription: "a file at the top of the web root", writes: ["public/sitemap.xml": "<urlset/>"],
             entry: #""public/sitemap.xml": "runtime""#),
        Kind(testDescription: "an installer's config next to index.php", writes: ["public/config.inc.php": "<?php $db='x';"],
             entry: #""public/config.inc.php": "config""#),
        Kind(testDescription: "a new folder in the web root", writes: ["public/feeds/2026/rss.xml": "<rss/>", "public/feeds/atom.xml": "<feed/>"],
             entry: #""public/feeds": "user""#),
        Kind(testDescription: "a new folder outside the web root", writes: ["private-files/a/b.bin": "secret bytes"],
             entry: #""private-files": "user""#),
        Kind(testDescription: "files under a shipped code folder outside the web root", writes: ["lib/generated-routes.php": "<?php return [];"],
             entry: #""lib/generated-routes.php": "runtime""#),
        Kind(testDescription: "new files in a shipped folder of images", writes: ["public/gallery/p-42.jpg": "jpeg 42", "public/gallery/thumbs/p-42.jpg": "thumb"],
             entry: #""public/gallery": "user""#),
        Kind(testDescription: "a data file shipped with the code, changed in place (a SQLite database is persistent by default, issue 12)", writes: ["database/app.state": "SQLite format 3 rows"],
             entry: #""database/app.state": "runtime""#, changesShippedFile: true),
        Kind(testDescription: "a plugin file updated from an admin panel", writes: ["public/plugins/seo/seo.php": "<?php // v2 from the admin panel"],
             entry: #""public/plugins/seo/seo.php": "runtime""#, changesShippedFile: true),
    ]

    /// A plain PHP app whose folders no rule makes persistent.
    static func writeApp(_ scenario: DeployScenario, version: String) throws {
        try scenario.write("public/index.php", "<?php echo '\(version)';\n")
        try scenario.write("public/css/app.css", "body{}\n")
        try scenario.write("public/gallery/p-1.jpg", "jpeg 1")
        try scenario.write("public/plugins/seo/seo.php", "<?php // v1\n")
        try scenario.write("lib/router.php", "<?php\n")
        try scenario.write("database/app.state", "SQLite format 3\n")
        try scenario.write("database/schema.sql", "create table t(x);\n")
    }

    /// The `classify` line of the guard's hint, as a persist-deploy.json file.
    static func suggestedConfig(_ stderr: String) -> String? {
        guard let line = stderr.split(separator: "\n").first(where: { $0.contains("\"classify\": {") }) else { return nil }
        return "{ " + line.trimmingCharacters(in: .whitespaces) + " }\n"
    }

    @Test(arguments: kinds)
    func theDeployStopsThenTheSuggestionKeepsTheData(kind: Kind) throws {
        let scenario = try DeployScenario("guard")
        try Self.writeApp(scenario, version: "v1")
        #expect(scenario.deploy().status == 0)
        let first = try #require(scenario.liveRelease)
        for (path, text) in kind.writes { try scenario.write(path, text, under: scenario.root + "/current") }

        // A later release: new code and a new asset.
        try Self.writeApp(scenario, version: "v2")
        try scenario.write("public/css/new.css", "p{}\n")
        let stopped = scenario.deploy()
        #expect(stopped.status == 1, "\(stopped.stderr)")
        #expect(scenario.liveRelease == first)
        #expect(stopped.stderr.contains(kind.entry), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("Nothing was changed"))
        for (path, text) in kind.writes {
            #expect(scenario.read(scenario.root + "/current/" + path) == text, "\(path) after the stop")
        }
        #expect(scenario.releaseIDs == [first], "the refused release stays out of releases/")

        // The suggestion, verbatim, as the app's persist-deploy.json.
        let config = try #require(Self.suggestedConfig(stopped.stderr))
        try scenario.write("persist-deploy.json", config)
        let kept = scenario.deploy()
        #expect(kept.status == 0, "\(config)\n\(kept.stderr)")
        #expect(scenario.liveRelease != first)
        for (path, text) in kind.writes {
            #expect(scenario.read(scenario.root + "/current/" + path) == text, "\(path) after the deploy that keeps it")
        }
        #expect(scenario.read(scenario.root + "/current/public/index.php") == "<?php echo 'v2';\n")
        #expect(scenario.read(scenario.root + "/current/public/css/new.css") == "p{}\n")
        let health = scenario.run(["health-check", "--root", scenario.root])
        #expect(health.status == 0, "\(health.stdout)")

        // The app keeps writing there (in place, through the link, as PHP's file_put_contents
        // does); later deploys go through.
        for (path, text) in kind.writes {
            let file = scenario.root + "/current/" + path
            try scenario.fileSystem.createDirectory(at: PathName.parent(file), permissions: 0o755)
            try (text + " again").write(toFile: file, atomically: false, encoding: .utf8)
        }
        try Self.writeApp(scenario, version: "v3")
        let later = scenario.deploy()
        #expect(later.status == 0, "\(later.stderr)")
        for (path, text) in kind.writes {
            #expect(scenario.read(scenario.root + "/current/" + path) == text + " again")
        }
        #expect(scenario.read(scenario.root + "/current/public/index.php") == "<?php echo 'v3';\n")
    }

    /// An app that updated its own code (WordPress's core auto-update rewrites dozens of files):
    /// the stop sums the code up in one line and suggests no entry that would pin it, while
    /// data the app wrote beside it still gets its entry.
    @Test func anAppThatUpdatedItsOwnCodeIsToldToShipTheUpdateNotToPinIt() throws {
        let scenario = try DeployScenario("self-update")
        try Self.writeApp(scenario, version: "v1")
        let core = (1...8).map { "lib/core/module-\($0).php" } + ["lib/core/global-styles-and-settings.php"]
        for path in core { try scenario.write(path, "<?php // 6.8.0\n") }
        #expect(scenario.deploy().status == 0)
        for path in core { try scenario.write(path, "<?php // 6.8.1, auto-updated\n", under: scenario.root + "/current") }
        try scenario.write("public/sitemap.xml", "<urlset/>", under: scenario.root + "/current")

        try Self.writeApp(scenario, version: "v2")
        let stopped = scenario.deploy()
        #expect(stopped.status == 1, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("9 shipped code files changed in place (e.g. lib/core/global-styles-and-settings.php"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("put that change into the code you deploy"))
        let config = try #require(Self.suggestedConfig(stopped.stderr))
        #expect(config == #"{ "classify": {"public/sitemap.xml": "runtime"} }"# + "\n", "no entry pins code: \(config)")
        #expect(!stopped.stderr.contains("lib/core/module-1.php  ("), "one line for the update, not one per file")

        // The advice followed: the update shipped in the release, the stale copies left behind.
        for path in core { try scenario.write(path, "<?php // 6.8.1, auto-updated\n") }
        try scenario.write("persist-deploy.json", config)
        let deployed = scenario.deploy(extra: ["--leave-behind"])
        #expect(deployed.status == 0, "\(deployed.stderr)")
        #expect(scenario.read(scenario.root + "/current/lib/core/module-1.php") == "<?php // 6.8.1, auto-updated\n")
        #expect(scenario.read(scenario.root + "/current/public/sitemap.xml") == "<urlset/>")
    }

    /// A theme editor changing one file: code, but few; its entry is still offered, with the
    /// warning that keeping it pins that copy.
    @Test func oneEditedCodeFileKeepsItsEntryAndTheWarning() throws {
        let scenario = try DeployScenario("one-edit")
        try Self.writeApp(scenario, version: "v1")
        #expect(scenario.deploy().status == 0)
        try scenario.write("lib/router.php", "<?php // edited in the admin\n", under: scenario.root + "/current")
        try Self.writeApp(scenario, version: "v2")
        let stopped = scenario.deploy()
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("it is code: keeping it keeps this copy over every new version"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains(#""lib/router.php": "runtime""#))
        #expect(!stopped.stderr.contains("updated its own code"))
    }

    @Test(arguments: kinds)
    func leaveBehindMovesTheDataAsideAndDeploys(kind: Kind) throws {
        let scenario = try DeployScenario("leave")
        try Self.writeApp(scenario, version: "v1")
        #expect(scenario.deploy().status == 0)
        let first = try #require(scenario.liveRelease)
        for (path, text) in kind.writes { try scenario.write(path, text, under: scenario.root + "/current") }
        try Self.writeApp(scenario, version: "v2")
        let deployed = scenario.deploy(extra: ["--leave-behind"])
        #expect(deployed.status == 0, "\(deployed.stderr)")
        #expect(deployed.stderr.contains("--leave-behind"))
        #expect(scenario.liveRelease != first)
        let aside = scenario.root + "/.persist-deploy/left-behind/" + first
        for (path, text) in kind.writes {
            #expect(scenario.read(aside + "/" + path) == text, "\(path) in left-behind/")
            if !kind.changesShippedFile {
                #expect(try !scenario.fileSystem.exists(scenario.root + "/current/" + path), "\(path) is not in the new release")
            }
        }
        #expect(scenario.read(scenario.root + "/current/public/index.php") == "<?php echo 'v2';\n")
    }

    /// An app that writes a persistent file through a temporary file and a rename replaces the
    /// link with a real file: the same bytes are a duplicate (the link comes back), different
    /// bytes stop the deploy, since only one copy can be at that path.
    @Test func aLinkReplacedByTheAppIsNeverResolvedSilently() throws {
        let scenario = try DeployScenario("replaced-link")
        try Self.writeApp(scenario, version: "v1")
        try scenario.write("public/settings.json", "{}")
        try scenario.write("persist-deploy.json", #"{"classify": {"public/settings.json": "config"}}"#)
        #expect(scenario.deploy().status == 0)
        let link = scenario.root + "/current/public/settings.json"
        #expect(try scenario.fileSystem.type(at: link) == .symlink)
        try scenario.write("public/settings.json", "{}", under: scenario.root + "/current")
        #expect(try scenario.fileSystem.type(at: link) == .file, "the rename replaced the link")
        let same = scenario.deploy()
        #expect(same.status == 0, "\(same.stderr)")
        #expect(scenario.read(link) == "{}")

        try scenario.write("public/settings.json", #"{"theme": "dark"}"#, under: scenario.root + "/current")
        let live = try #require(scenario.liveRelease)
        let stopped = scenario.deploy()
        #expect(stopped.status == 1, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("replaced the link"))
        #expect(scenario.liveRelease == live)
        #expect(scenario.read(link) == #"{"theme": "dark"}"#)
        #expect(scenario.read(scenario.root + "/shared/public/settings.json") == "{}")
    }

    /// Kind 5: a cron job or worker still pinned to an old release path writes into it; cleanup
    /// moves what it wrote to left-behind/ before removing the release.
    @Test func cleanupMovesWritesIntoAnOldReleaseAside() throws {
        let scenario = try DeployScenario("old-release")
        try Self.writeApp(scenario, version: "v1")
        #expect(scenario.deploy().status == 0)
        let first = try #require(scenario.liveRelease)
        try Self.writeApp(scenario, version: "v2")
        #expect(scenario.deploy().status == 0)
        try scenario.write("public/cron-report.csv", "rows from a pinned cron job", under: scenario.root + "/releases/" + first)
        try scenario.write("database/app.state", "changed by a worker", under: scenario.root + "/releases/" + first)
        try Self.writeApp(scenario, version: "v3")
        let third = scenario.deploy(extra: ["--keep", "2", "--json"])
        #expect(third.status == 0, "\(third.stderr)")
        #expect(!scenario.releaseIDs.contains(first))
        let aside = scenario.root + "/.persist-deploy/left-behind/" + first
        #expect(scenario.read(aside + "/public/cron-report.csv") == "rows from a pinned cron job")
        #expect(scenario.read(aside + "/database/app.state") == "changed by a worker")
        #expect(third.stdout.contains("left-behind"), "the JSON warnings name it: \(third.stdout)")
        #expect(try !scenario.fileSystem.exists(scenario.root + "/.persist-deploy/manifests/\(first).tree"))
    }

    /// Kind 6: a site deployed by hand (current/ a real folder) holds a folder no rule makes
    /// persistent and the new release lacks: it is the app's data, so adopting stops for it.
    @Test func adoptingAnInPlaceSiteStopsForWhatOnlyItHolds() throws {
        let scenario = try DeployScenario("adopt-guard")
        try Self.writeApp(scenario, version: "v1")
        try scenario.fileSystem.createDirectory(at: scenario.root, permissions: 0o755)
        try scenario.fileSystem.copyTree(from: scenario.app, to: scenario.root + "/current")
        try scenario.write("public/exports/2026-q1.csv", "q1 numbers", under: scenario.root + "/current")
        try Self.writeApp(scenario, version: "v2")
        let stopped = scenario.deploy(extra: ["--adopt"])
        #expect(stopped.status == 1, "\(stopped.stderr)")
        #expect(stopped.stderr.contains(#""public/exports": "runtime""#), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("only releases/"))
        #expect(try scenario.fileSystem.type(at: scenario.root + "/current") == .directory, "nothing was adopted")
        #expect(scenario.read(scenario.root + "/current/public/exports/2026-q1.csv") == "q1 numbers")

        try scenario.write("persist-deploy.json", try #require(Self.suggestedConfig(stopped.stderr)))
        let adopted = scenario.deploy(extra: ["--adopt"])
        #expect(adopted.status == 0, "\(adopted.stderr)")
        #expect(scenario.read(scenario.root + "/current/public/exports/2026-q1.csv") == "q1 numbers")
        #expect(scenario.read(scenario.root + "/shared/public/exports/2026-q1.csv") == "q1 numbers")
        #expect(scenario.read(scenario.root + "/current/public/index.php") == "<?php echo 'v2';\n")
    }

    /// A folder made persistent later takes the files the new release ships there that shared/
    /// lacks, as the merge does for a path that was persistent already.
    @Test func adoptingAFolderMadePersistentLaterAddsTheReleasesNewFiles() throws {
        let scenario = try DeployScenario("adopt-merge")
        try Self.writeApp(scenario, version: "v1")
        #expect(scenario.deploy().status == 0)
        try scenario.write("public/gallery/customer.jpg", "a customer's photo", under: scenario.root + "/current")
        try scenario.write("persist-deploy.json", #"{"classify": {"public/gallery": "user"}}"#)
        try scenario.write("public/gallery/p-2.jpg", "new demo image of v2")
        let deployed = scenario.deploy()
        #expect(deployed.status == 0, "\(deployed.stderr)")
        #expect(scenario.read(scenario.root + "/shared/public/gallery/customer.jpg") == "a customer's photo")
        #expect(scenario.read(scenario.root + "/shared/public/gallery/p-2.jpg") == "new demo image of v2")
        #expect(scenario.read(scenario.root + "/shared/public/gallery/p-1.jpg") == "jpeg 1")
    }

    /// Paths declared disposable never stop a deploy: what the app writes there goes with its
    /// release.
    @Test func disposablePathsDoNotStopTheDeploy() throws {
        let scenario = try DeployScenario("disposable")
        try Self.writeApp(scenario, version: "v1")
        try scenario.write("var/cache/.gitkeep", "")
        try scenario.write("persist-deploy.json", #"{"classify": {"var/cache": "disposable"}}"#)
        #expect(scenario.deploy().status == 0)
        try scenario.write("var/cache/compiled/routes.php", "<?php return [];", under: scenario.root + "/current")
        try Self.writeApp(scenario, version: "v2")
        let second = scenario.deploy()
        #expect(second.status == 0, "\(second.stderr)")
        let health = scenario.run(["health-check", "--root", scenario.root])
        #expect(health.status == 0, "\(health.stdout)")
    }

    /// `--leave-behind` goes with a switch: with `--no-activate` nothing would leave the live
    /// release, so it is a usage error.
    @Test func leaveBehindWithoutTheSwitchIsBadUsage() throws {
        let scenario = try DeployScenario("leave-usage")
        try Self.writeApp(scenario, version: "v1")
        #expect(scenario.deploy(extra: ["--leave-behind", "--no-activate"]).status == 64)
    }
}
