import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The drift guard's advice, followed the way an admin follows it, on the shapes real PHP CMSs
/// give their folders: the entry it prints must keep the data and let the next deploys through.
@Suite struct DriftAdviceShapesTests {
    /// A deployed app shipping `catalog/` with `files`; the app then uploads into it.
    func uploadedInto(_ label: String, shipping files: [String: String]) throws -> DeployScenario {
        let scenario = try DeployScenario(label)
        try scenario.write("index.php", "<?php echo 1;\n")
        for (name, text) in files { try scenario.write("catalog/" + name, text) }
        let first = scenario.deploy()
        try #require(first.status == 0, "\(first.stderr)")
        try scenario.write("catalog/upload1.jpg", "upload 1", under: scenario.root + "/current")
        return scenario
    }

    /// OpenCart and PrestaShop put an empty index.html in every folder against listing; folders
    /// carry an .htaccess against listing or git's placeholders (a deny-all one, or a .gitignore
    /// ignoring everything, makes the folder persistent from the first deploy). None of them is code: the advice
    /// keeps the folder, so the next upload does not stop the next deploy again.
    @Test(arguments: [
        ["index.html": ""], ["index.htm": ""], ["index.php": ""], [".htaccess": "Options -Indexes\n"],
        [".gitkeep": ""], [".gitignore": "*.tmp\n"], [".keep": ""], ["index.html": "", ".htaccess": "Options -Indexes\n"],
    ])
    func aFolderShippingOnlyPlaceholdersIsAdvisedWhole(_ placeholders: [String: String]) throws {
        let scenario = try uploadedInto("advice-placeholder", shipping: placeholders.merging(["logo.png": "logo"]) { a, _ in a })
        let stopped = scenario.deploy()
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains(#""classify": {"catalog": "user"}"#), "\(stopped.stderr)")

        try scenario.write("persist-deploy.json", #"{"classify": {"catalog": "user"}}"#)
        let kept = scenario.deploy()
        try #require(kept.status == 0, "\(kept.stderr)")
        try scenario.write("catalog/upload2.jpg", "upload 2", under: scenario.root + "/current")
        let next = scenario.deploy()
        #expect(next.status == 0, "the next upload does not stop the next deploy: \(next.stderr)")
        #expect(scenario.read(scenario.root + "/current/catalog/upload1.jpg") == "upload 1")
        #expect(scenario.read(scenario.root + "/current/catalog/upload2.jpg") == "upload 2")
        #expect(scenario.read(scenario.root + "/current/catalog/logo.png") == "logo")
    }

    /// The generated health check groups the same way (its cron warning names the folder).
    @Test func theHealthCheckScriptNamesTheFolderToo() throws {
        let scenario = try uploadedInto("advice-placeholder-script", shipping: ["logo.png": "logo", "index.html": ""])
        let health = try ToolRunner(executable: "/bin/bash").run([scenario.root + "/shared/health-check.sh"], in: scenario.directory.path)
        #expect(health.stdout.contains("WARN drift catalog: shipped folder with 1 new file"), "\(health.stdout)")
    }

    /// A folder shipping code, a stylesheet or a real index page keeps per-file advice: keeping
    /// the folder would pin that code over every later release.
    @Test(arguments: [["index.php": "<?php echo 'list';\n"], ["app.css": "body{}\n"], ["index.html": "<h1>Catalog</h1>\n"]])
    func aFolderShippingCodeIsAdvisedPerFile(_ code: [String: String]) throws {
        let scenario = try uploadedInto("advice-code", shipping: code.merging(["logo.png": "logo", ".gitkeep": ""]) { a, _ in a })
        let stopped = scenario.deploy()
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains(#""classify": {"catalog/upload1.jpg": "runtime"}"#), "\(stopped.stderr)")
    }

    /// The per-file entry the advice gives, widened later to its folder by the admin: shared/
    /// holds the file where the folder's copy keeps it, the live release a link to it inside a
    /// real folder. The deploy adopts the folder's other files and takes the link for the file.
    @Test func wideningAFileEntryToItsFolderDeploys() throws {
        let scenario = try uploadedInto("advice-widen", shipping: ["logo.png": "logo", "demo.png": "demo", "index.html": ""])
        let current = scenario.root + "/current/catalog/"
        try scenario.write("persist-deploy.json", #"{"classify": {"catalog/upload1.jpg": "user"}}"#)
        let second = scenario.deploy()
        try #require(second.status == 0, "\(second.stderr)")

        try scenario.write("catalog/upload2.jpg", "upload 2", under: scenario.root + "/current")
        try scenario.fileSystem.removeTree(at: current + "demo.png")  // the admin deleted a demo image
        try scenario.write("persist-deploy.json", #"{"classify": {"catalog": "user"}}"#)
        try scenario.write("index.php", "<?php echo 3;\n")
        let widened = scenario.deploy()
        #expect(widened.status == 0, "\(widened.stderr)")
        #expect(widened.stdout.contains("adopted   catalog"), "\(widened.stdout)")
        #expect(!widened.stderr.contains("replaced the link"), "nothing replaced a link: \(widened.stderr)")

        let shared = scenario.root + "/shared/catalog"
        for _ in 0..<2 {
            #expect(try scenario.fileSystem.type(at: scenario.root + "/current/catalog") == .symlink)
            #expect(scenario.inventory(shared) == ["index.html": "", "logo.png": "logo", "upload1.jpg": "upload 1", "upload2.jpg": "upload 2"],
                    "every file once, as a file; the deleted demo image stays deleted")
            #expect(scenario.read(current + "upload1.jpg") == "upload 1" && scenario.read(current + "upload2.jpg") == "upload 2")
            let record = scenario.read(scenario.root + "/shared/.persistence-config") ?? ""
            #expect(!record.contains("catalog/upload1.jpg"), "the narrower entry is covered by the folder: \(record)")
            let again = scenario.deploy()
            #expect(again.status == 0, "\(again.stderr)")
        }
    }

    /// `rename(uploads, uploads.bak); mkdir(uploads)` through current/ moves the tool's link: the
    /// report names a link into shared/, offers no entry (it would make a file in shared/), and
    /// either way out keeps every upload; the merged real folder is said.
    @Test(arguments: [true, false])
    func aLinkRenamedAsideIsReportedAsALink(leaveBehind: Bool) throws {
        let scenario = try DeployScenario("advice-link-aside")
        try scenario.write("index.php", "<?php\n")
        try scenario.write("uploads/.gitkeep", "")
        let first = scenario.deploy()
        try #require(first.status == 0, "\(first.stderr)")
        let live = try #require(scenario.liveRelease)
        let current = scenario.root + "/current/"
        try scenario.write("uploads/old.jpg", "old", under: current)
        try scenario.fileSystem.rename(current + "uploads", to: current + "uploads.bak", replacing: false)
        try scenario.write("uploads/new.jpg", "new", under: current)

        let stopped = scenario.deploy()
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("1 new link that releases/"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("uploads.bak  (new link to shared/uploads"), "\(stopped.stderr)")
        #expect(!stopped.stderr.contains("\"classify\"") && !stopped.stderr.contains("new file"), "\(stopped.stderr)")
        #expect(try !scenario.fileSystem.exists(scenario.root + "/shared/uploads.bak"))

        if !leaveBehind {
            let hint = try #require(stopped.stderr.split(separator: "\n").first { $0.contains("rm -- ") })
            let command = String(hint[hint.range(of: "rm -- ")!.lowerBound...].prefix { $0 != ")" })
            #expect(try ToolRunner.bash(command, []).exitCode == 0, "\(command)")
        }
        let deployed = scenario.deploy(extra: leaveBehind ? ["--leave-behind"] : [])
        #expect(deployed.status == 0, "\(deployed.stderr)")
        #expect(deployed.stderr.contains("releases/\(live)/uploads was a real folder where the link"), "\(deployed.stderr)")
        #expect(scenario.inventory(scenario.root + "/shared/uploads") == [".gitkeep": "", "old.jpg": "old", "new.jpg": "new"])
        #expect(try !scenario.fileSystem.exists(scenario.root + "/shared/uploads.bak"), "no file made where the app saw a folder")
        #expect(try scenario.fileSystem.type(at: scenario.root + "/releases/\(live)/uploads.bak") == nil, "dropped, not kept dangling")
        #expect(scenario.inventory(scenario.root + "/.persist-deploy/left-behind").isEmpty)
    }

    /// A link the app made to a path of its own is reported as a link, never as an entry.
    @Test func aLinkTheAppMadeIsNeverAnEntry() throws {
        let scenario = try DeployScenario("advice-app-link")
        try scenario.write("index.php", "<?php\n")
        try #require(scenario.deploy().status == 0)
        try scenario.fileSystem.createSymlink(at: scenario.root + "/current/latest.php", target: "index.php")
        let stopped = scenario.deploy()
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("latest.php  (new link to 'index.php'"), "\(stopped.stderr)")
        #expect(!stopped.stderr.contains("\"classify\""), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("make it part of the release you build"), "\(stopped.stderr)")
    }
}
