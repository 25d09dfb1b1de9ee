import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// `--public-html`: what a shared-hosting account sees in its served folder across deploys, in
/// link mode, sync mode with links and sync mode where links are refused.
@Suite struct ServedFolderEndToEndTests {
    private func record(_ scenario: DeployScenario) throws -> PersistenceRecord? {
        try PersistenceRecord.load(from: DeployRoot(path: scenario.root), fileSystem: scenario.fileSystem)
    }

    @Test func linkModeRefusesAFolderWithFilesBeforeAnythingGoesLive() throws {
        let scenario = try DeployScenario("refuse-full")
        try scenario.writeLaravelApp()
        #expect(scenario.deploy().status == 0)
        let live = scenario.liveRelease
        let served = scenario.directory.path + "/public_html"
        try scenario.write("index.html", "host placeholder", under: served)
        scenario.clock = scenario.clock.addingTimeInterval(60)
        let result = scenario.deploy(extra: ["--public-html", served])
        #expect(result.status == 1)
        #expect(result.stderr.contains("'index.html'") && result.stderr.contains("--sync"), "\(result.stderr)")
        #expect(scenario.liveRelease == live, "current did not move")
        #expect(scenario.releaseIDs.count == 1, "no release was copied in: \(scenario.releaseIDs)")
        #expect(scenario.read(served + "/index.html") == "host placeholder")
    }

    @Test func syncLinksThePersistentFoldersWhereLinksWork() throws {
        let scenario = try DeployScenario("sync-links")
        try scenario.writeLaravelApp()
        let served = scenario.directory.path + "/public_html"
        let result = scenario.deploy(extra: ["--public-html", served, "--sync"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Probed links"), "\(result.stdout)")
        #expect(try scenario.fileSystem.readSymlink(at: served + "/uploads") == "../root/shared/public/uploads")
        #expect(try scenario.fileSystem.readSymlink(at: served + "/storage") == "../root/shared/storage/app/public")
        #expect(scenario.read(served + "/uploads/demo-1.jpg") == "demo image 1")
        // An upload made by the app through current/ is served at once.
        try scenario.write("public/uploads/user.jpg", "user photo", under: scenario.root + "/current")
        #expect(scenario.read(served + "/uploads/user.jpg") == "user photo")
        let saved = try #require(try record(scenario))
        #expect(saved.servedFolder == ServedFolder(path: served, mode: .sync, links: true))
        #expect(saved.servedData == nil)
    }

    /// Three deploys with uploads between them, on a host that refuses links in the served
    /// folder: every upload stays served, each deploy's code is served, nothing is lost; later
    /// deploys need no flags.
    @Test func syncWhereLinksAreRefusedKeepsTheFilesInTheServedFolder() throws {
        let scenario = try DeployScenario("sync-refused")
        try scenario.writeLaravelApp()
        let served = scenario.directory.path + "/public_html"
        let first = scenario.deploy(extra: ["--public-html", served, "--sync", "--served-links", "no"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try scenario.fileSystem.type(at: served + "/uploads") == .directory)
        #expect(try scenario.fileSystem.readSymlink(at: scenario.root + "/shared/public/uploads") == "../../../public_html/uploads")
        #expect(try scenario.fileSystem.type(at: served + "/storage") == .directory)
        #expect(scenario.read(served + "/uploads/demo-2.jpg") == "demo image 2", "the demo uploads were seeded into the served folder")
        var uploads: [String: String] = ["demo-1.jpg": "demo image 1", "demo-2.jpg": "demo image 2"]
        for round in 1...3 {
            let name = "upload-\(round).jpg"
            try scenario.write("public/uploads/\(name)", "photo \(round)", under: scenario.root + "/current")
            try scenario.write("storage/app/public/avatar-\(round).png", "avatar \(round)", under: scenario.root + "/current")
            uploads[name] = "photo \(round)"
            try scenario.write("public/css/app.css", "body{color:\(round)}\n")
            let next = scenario.deploy()
            #expect(next.status == 0, "deploy \(round + 1): \(next.stderr)")
            #expect(next.stdout.contains("sync mode, as the last deploy did"), "\(next.stdout)")
            #expect(scenario.inventory(served + "/uploads") == uploads, "deploy \(round + 1)")
            #expect(scenario.read(served + "/storage/avatar-\(round).png") == "avatar \(round)")
            #expect(scenario.read(served + "/css/app.css") == "body{color:\(round)}\n")
            #expect(scenario.read(scenario.root + "/current/public/uploads/\(name)") == "photo \(round)")
        }
        let saved = try #require(try record(scenario))
        #expect(saved.servedFolder == ServedFolder(path: served, mode: .sync, links: false))
        #expect(saved.servedData?.map(\.path) == ["public/uploads", "storage/app/public"])
        #expect(saved.dataLocation(of: "public/uploads/x.jpg", root: DeployRoot(path: scenario.root)) == served + "/uploads/x.jpg")
        let health = scenario.run(["health-check", "--root", scenario.root])
        #expect(health.status <= 1, "\(health.stdout)")
    }

    /// The usual path on a host that turns out to refuse links: link mode first, then `--sync
    /// --served-links no`. The link becomes a real folder and the uploads move into it.
    @Test func linkModeThenRefusedSyncMovesTheUploadsIntoTheServedFolder() throws {
        let scenario = try DeployScenario("link-then-refused")
        try scenario.writeLaravelApp()
        let served = scenario.directory.path + "/public_html"
        #expect(scenario.deploy(extra: ["--public-html", served]).status == 0)
        #expect(try scenario.fileSystem.type(at: served) == .symlink)
        try scenario.write("public/uploads/user.jpg", "user photo", under: scenario.root + "/current")
        let next = scenario.deploy(extra: ["--public-html", served, "--sync", "--served-links", "no"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try scenario.fileSystem.type(at: served) == .directory)
        #expect(scenario.inventory(served + "/uploads") == ["demo-1.jpg": "demo image 1", "demo-2.jpg": "demo image 2", "user.jpg": "user photo"])
        #expect(try !scenario.fileSystem.exists(scenario.root + "/shared/public/.uploads.to-served"))
    }

    @Test func aServedFolderThatAlreadyHoldsUploadsStaysTheirHome() throws {
        let scenario = try DeployScenario("sync-existing-uploads")
        try scenario.writeLaravelApp()
        let served = scenario.directory.path + "/public_html"
        try scenario.write("uploads/demo-1.jpg", "the user's own demo-1", under: served)
        try scenario.write("uploads/old.jpg", "old upload", under: served)
        let result = scenario.deploy(extra: ["--public-html", served, "--sync"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(scenario.read(served + "/uploads/demo-1.jpg") == "the user's own demo-1", "real data wins over demo content")
        #expect(scenario.read(served + "/uploads/old.jpg") == "old upload")
        #expect(try scenario.fileSystem.readSymlink(at: scenario.root + "/shared/public/uploads") == "../../../public_html/uploads")
    }

    @Test func aHostIndexHTMLIsNamedAndMovedAsideWhenAsked() throws {
        let scenario = try DeployScenario("index-shadow")
        try scenario.writeLaravelApp()
        let served = scenario.directory.path + "/public_html"
        try scenario.write("index.html", "Welcome to your new hosting account", under: served)
        let warned = scenario.deploy(extra: ["--public-html", served, "--sync"])
        #expect(warned.status == 0, "\(warned.stderr)")
        #expect(warned.stderr.contains("'\(served)/index.html'") && warned.stderr.contains("--move-index-aside"), "\(warned.stderr)")
        #expect(scenario.read(served + "/index.html") != nil)
        let moved = scenario.deploy(extra: ["--move-index-aside"])
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(try !scenario.fileSystem.exists(served + "/index.html"))
        let id = try #require(scenario.liveRelease)
        #expect(scenario.read(scenario.root + "/.persist-deploy/moved-aside/\(id)/index.html") == "Welcome to your new hosting account")
    }

    @Test func missingServedDataStopsTheDeploy() throws {
        let scenario = try DeployScenario("served-data-missing")
        try scenario.writeLaravelApp()
        let served = scenario.directory.path + "/public_html"
        #expect(scenario.deploy(extra: ["--public-html", served, "--sync", "--served-links", "no"]).status == 0)
        let live = scenario.liveRelease
        try scenario.fileSystem.rename(served + "/uploads", to: scenario.directory.path + "/elsewhere", replacing: false)
        let result = scenario.deploy()
        #expect(result.status == 1)
        #expect(result.stderr.contains("'\(served)/uploads' is missing"), "\(result.stderr)")
        #expect(scenario.liveRelease == live)
    }

    /// Plain PHP in sync mode: the code itself is copied into the served folder, so a rollback
    /// must copy the older release back in.
    @Test func rollbackCopiesTheOlderReleaseBackIntoASyncedFolder() throws {
        let scenario = try DeployScenario("sync-rollback")
        try scenario.write("index.php", "<?php echo 'v1';\n")
        try scenario.write("uploads/.gitkeep", "")
        let served = scenario.directory.path + "/public_html"
        #expect(scenario.deploy(extra: ["--public-html", served, "--sync"]).status == 0)
        try scenario.write("index.php", "<?php echo 'v2';\n")
        try scenario.write("new.php", "<?php echo 'new';\n")
        #expect(scenario.deploy().status == 0)
        #expect(scenario.read(served + "/index.php") == "<?php echo 'v2';\n")
        let back = scenario.run(["rollback", "--root", scenario.root])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(scenario.read(served + "/index.php") == "<?php echo 'v1';\n")
        #expect(try !scenario.fileSystem.exists(served + "/new.php"))
    }

    @Test func theServedFolderMayNotOverlapTheDeployRoot() throws {
        let scenario = try DeployScenario("overlap")
        try scenario.writeLaravelApp()
        let result = scenario.deploy(extra: ["--public-html", scenario.root + "/public_html", "--sync"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("overlaps the deploy root"))
        #expect(scenario.releaseIDs.isEmpty)
    }

    /// The riskiest change of the served folder, from link mode to sync where links are refused
    /// (the link becomes a folder and the uploads move into it), killed after each of its
    /// operations: no upload is ever lost, and running it again finishes the job.
    @Test func movingUploadsIntoTheServedFolderSurvivesACrashAtEveryStep() throws {
        let proof = try ProofRoot("served-crash")
        try proof.writeApp()
        let served = proof.directory.path + "/public_html"
        let first = try proof.deploy(["--public-html", served])
        try #require(first.exitCode == 0, "\(first)")
        try proof.writeUserData("before")
        try proof.saveTemplate()
        let command = ["auto", "--root", proof.root, "--from", proof.app, "--public-html", served, "--sync", "--served-links", "no"]
        let uploads = try DataInventory.seenThrough(proof.root + "/current/public", paths: ["uploads"])
        try #require(uploads.count == 3)
        /// Every upload file anywhere it may be during the move, by name.
        func wherever() throws -> Set<String> {
            var names = Set<String>()
            for base in [served, proof.root + "/shared/public", proof.root + "/current/public"] {
                for folder in ["uploads", ".uploads.to-served"] {
                    names.formUnion(try DataInventory.seenThrough(base, paths: [folder]).keys.map { PathName.components($0).dropFirst().joined(separator: "/") })
                }
            }
            return names
        }
        let expected = Set(uploads.keys.map { PathName.components($0).dropFirst().joined(separator: "/") })
        var problems: [String] = []
        var crashes = 0
        for step in 1...80 {
            try proof.restoreTemplate()
            try? proof.fileSystem.removeTree(at: served)
            try proof.fileSystem.createSymlink(at: served, target: "root/current/public")
            let crashed = try proof.tool.launch(command, in: proof.directory.path, environment: ["PERSIST_DEPLOY_CRASH_AFTER": String(step)]).wait()
            if !crashed.signalled {
                #expect(crashed.outcome.exitCode == 0, "\(crashed.outcome)")
                break
            }
            crashes += 1
            let missing = expected.subtracting(try wherever())
            if !missing.isEmpty { problems.append("after op \(step): lost \(missing.sorted())") }
            let rerun = try proof.run(command)
            if rerun.exitCode != 0 { problems.append("after op \(step), the rerun failed: \(rerun)") }
            let served = try DataInventory.seenThrough(served, paths: ["uploads"])
            if Set(served.keys.map { PathName.components($0).dropFirst().joined(separator: "/") }) != expected {
                problems.append("after op \(step) and a rerun, the served uploads are \(served.keys.sorted())")
            }
        }
        #expect(crashes > 5)
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
    }
}

/// Files kept in the served folder are data like any other: counted by `status`, saved by
/// `backup` and put back there by `restore`.
@Suite struct ServedDataBackupTests {
    @Test func statusBackupAndRestoreReachTheServedFolder() throws {
        let scenario = try DeployScenario("served-backup")
        try scenario.writeLaravelApp()
        let served = scenario.directory.path + "/public_html"
        #expect(scenario.deploy(extra: ["--public-html", served, "--sync", "--served-links", "no"]).status == 0)
        try scenario.write("uploads/user.jpg", "user photo", under: served)
        try scenario.write("storage/avatar.png", "avatar", under: served)

        let status = scenario.run(["status", "--root", scenario.root, "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let paths = report?["paths"] as? [[String: Any]] ?? []
        let uploads = paths.first { $0["path"] as? String == "public/uploads" }
        #expect(uploads?["files"] as? Int == 3, "\(paths)")
        // shared/public/uploads is a link to the served folder: counted where it leads.
        #expect(uploads?["location"] as? String == served + "/uploads", "\(paths)")

        let backup = scenario.run(["backup", "--root", scenario.root, "--json"])
        #expect(backup.status == 0, "\(backup.stderr)")
        let id = try #require((try JSONSerialization.jsonObject(with: Data(backup.stdout.utf8)) as? [String: Any])?["id"] as? String)
        let data = scenario.root + "/backups/" + id + "/data"
        // A linked persistent path is saved under its own name; served data inside another
        // persistent path (storage/app/public, a link inside shared/storage) under .served/.
        #expect(scenario.read(data + "/public/uploads/user.jpg") == "user photo")
        #expect(scenario.read(data + "/.served/storage/app/public/avatar.png") == "avatar")
        let verified = scenario.run(["backups", "--root", scenario.root, "--verify"])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")

        // Damage in the served folder, then restore: the files come back there, and shared/
        // still links to them.
        try scenario.fileSystem.writeText("corrupted", to: served + "/uploads/user.jpg")
        try scenario.fileSystem.removeTree(at: served + "/storage/avatar.png")
        let restore = scenario.run(["restore", id, "--root", scenario.root, "--yes"])
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        #expect(scenario.read(served + "/uploads/user.jpg") == "user photo")
        #expect(scenario.read(served + "/storage/avatar.png") == "avatar")
        #expect(try scenario.fileSystem.readSymlink(at: scenario.root + "/shared/public/uploads") == "../../../public_html/uploads")
        #expect(scenario.read(scenario.root + "/current/public/uploads/user.jpg") == "user photo")
        let health = scenario.run(["health-check", "--root", scenario.root])
        #expect(health.status <= 1, "\(health.stdout)")
    }
}
