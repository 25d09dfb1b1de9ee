import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Each generated guide's command blocks, pasted into bash as a fresh non-root account (the way
/// a shared-hosting user follows them), with `bash -e`: every block must run as written, and the
/// result must be what the guide promises.
@Suite(.serialized) struct GuidesRunAsWrittenTests {
    /// A Laravel-shaped app (demo uploads, storage, `.env.example`) as the account's
    /// `~/app.tar.gz` and `~/app/`.
    private func uploadApp(to account: GuestAccount) throws {
        let scenario = try DeployScenario("guide-app")
        try scenario.writeLaravelApp()
        let fileSystem = LocalFileSystem()
        try fileSystem.copyTree(from: scenario.app, to: account.home + "/app")
        let tar = try ToolRunner(executable: "/bin/tar").run(["-czf", account.home + "/app.tar.gz", "-C", scenario.app, "."], in: "/")
        try #require(tar.exitCode == 0, "\(tar)")
        try account.own(account.home + "/app")
        try account.own(account.home + "/app.tar.gz")
    }

    private func record(for account: GuestAccount, root: DeployRoot) throws -> PersistenceRecord {
        let classification = try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: account.home + "/app")
        return PersistenceRecord(classification: classification, root: root, updated: "2026-11-30T00:00:00Z")
    }

    private func guest(_ label: String) throws -> GuestAccount? {
        let (account, skipped) = try GuestAccount.make(label)
        if let skipped { print("skipped: \(skipped)") }
        return account
    }

    /// MANUAL-SETUP-GUIDE.md, followed twice by hand for a root that does not exist yet: the
    /// first time the demo uploads seed shared/, the second keeps what users uploaded, the
    /// rollback block goes back, the root is healthy throughout, and the binary can take over.
    @Test(arguments: ["binary", "bundle"])
    func theManualSetupGuideBuildsAHealthyRootByHand(_ audience: String) throws {
        guard let account = try guest("man") else { return }
        defer { account.remove() }
        try uploadApp(to: account)
        let root = DeployRoot(path: account.home + "/site")
        let guide: String
        if audience == "bundle" {
            let made = try account.bash("persist-deploy bundle ~/app --remote-root ~/site --out ~/site/persist-deploy-bundle")
            try #require(made.exitCode == 0, "\(made)")
            guide = try LocalFileSystem().readText(at: root.path + "/persist-deploy-bundle/MANUAL-SETUP-GUIDE.md")
            #expect(!guide.contains("persist-deploy "), "a bundle's guide never asks for the binary")
        } else {
            let files = try SafetyNet.render(root: root, record: try record(for: account, root: root), history: [], publicHTML: nil)
            guide = try #require(files.first { $0.name == "MANUAL-SETUP-GUIDE.md" }).text
        }
        // The web server's section is for admins with root (nginx, PHP-FPM, a release.tar.gz to name).
        let blocks = GuestAccount.shellBlocks(guide).filter { !$0.heading.hasPrefix("The web server") }
        let building = blocks.filter { !$0.heading.hasPrefix("Rolling back") }.map(\.text).joined()
        let rollback = try #require(blocks.first { $0.heading.hasPrefix("Rolling back") }).text
        #expect(blocks.count >= 6)

        let first = try account.bash(building)
        #expect(first.exitCode == 0, "first build by hand:\n\(first)")
        let fileSystem = LocalFileSystem()
        #expect(try fileSystem.readText(at: root.sharedPath("public/uploads/demo-1.jpg")) == "demo image 1", "the demo uploads seed shared/")
        let everything = try fileSystem.files(under: root.path)
        #expect(!everything.contains { $0.contains("release-copy") }, "\(everything)")
        #expect(try fileSystem.status(at: root.sharedPath(".env"), followSymlink: false)?.permissions == 0o600)

        // A user uploads; a second release is followed in by hand (a second later: ids are the time).
        let upload = try account.bash("echo 'user photo' > ~/site/current/public/uploads/user.jpg && sleep 1")
        #expect(upload.exitCode == 0, "\(upload)")
        let second = try account.bash(building)
        #expect(second.exitCode == 0, "second release by hand:\n\(second)")
        #expect(try fileSystem.readText(at: root.sharedPath("public/uploads/user.jpg")) == "user photo\n")
        let releases = try fileSystem.listDirectory(at: root.releases).filter(ReleaseID.isValid)
        #expect(releases.count == 2)
        let asides = try fileSystem.files(under: root.path + "/.persist-deploy/release-copies")
        #expect(asides.contains { $0.hasSuffix("public/uploads/demo-1.jpg") }, "the second release's demo copy is put aside, not deleted: \(asides)")

        let back = try account.bash(rollback + "bash ~/site/shared/health-check.sh\n")
        #expect(back.exitCode == 0, "rollback by hand:\n\(back)")
        #expect(try fileSystem.readSymlink(at: root.current) == "releases/" + releases.sorted()[0])

        // The record written by hand lets the tool (or deploy.sh) deploy the next release.
        // A release made by hand has no record of what it shipped, so the new one is compared with
        // it: the bootstrap/cache folder the guide made is not in the app, and goes aside.
        let takeOver = audience == "bundle"
            ? try account.bash("bash ~/site/persist-deploy-bundle/deploy.sh --leave-behind ~/app")
            : try account.bash("persist-deploy auto --root ~/site --from ~/app --leave-behind")
        #expect(takeOver.exitCode == 0, "\(takeOver)")
        #expect(try fileSystem.readText(at: root.sharedPath("public/uploads/user.jpg")) == "user photo\n")
    }

    /// SHARED-HOSTING-SETUP.md's link mode by hand: the host made an empty `~/public_html`.
    @Test func theSharedHostingGuidesLinkModeRunsAsWritten() throws {
        guard let account = try guest("lnk") else { return }
        defer { account.remove() }
        try uploadApp(to: account)
        let served = account.home + "/public_html"
        let deployed = try account.bash("mkdir ~/public_html && persist-deploy auto --root ~/site --from ~/app && "
            + "persist-deploy generate --root ~/site --public-html ~/public_html")
        try #require(deployed.exitCode == 0, "\(deployed)")
        let guide = try LocalFileSystem().readText(at: account.home + "/site/shared/SHARED-HOSTING-SETUP.md")
        let blocks = GuestAccount.shellBlocks(guide)
        let byHand = try #require(blocks.filter { $0.heading.hasPrefix("A.") }.last).text
        let linked = try account.bash(byHand)
        #expect(linked.exitCode == 0, "\(linked)")
        #expect(try LocalFileSystem().readSymlink(at: served) == "site/current/public")
        #expect(try LocalFileSystem().readText(at: served + "/uploads/demo-1.jpg") == "demo image 1")
        let check = try #require(blocks.first { $0.heading == "Traps after a switch" }?.text)
        let fresh = try account.bash(check)
        #expect(fresh.exitCode == 0, "\(fresh)")
        #expect(try LocalFileSystem().readText(at: account.home + "/site/persist-deploy-fresh-paths.php") == "<?php clearstatcache(true);\n")
        // Again on a folder that holds a file: rmdir refuses and nothing changes.
        let replaced = try account.bash("rm ~/public_html && mkdir ~/public_html && echo mine > ~/public_html/index.html")
        #expect(replaced.exitCode == 0)
        let refused = try account.bash(byHand)
        #expect(refused.exitCode != 0)
        #expect(try LocalFileSystem().readText(at: served + "/index.html") == "mine\n")
    }

    /// SHARED-HOSTING-SETUP.md's sync mode by hand, both ways of reaching the persistent folders:
    /// the copy, the links into shared/ or the folders kept in the served folder, the Laravel
    /// index.php, the checks.
    @Test(arguments: ["links", "kept"])
    func theSharedHostingGuidesSyncModeRunsAsWritten(_ way: String) throws {
        guard let account = try guest("syn") else { return }
        defer { account.remove() }
        try uploadApp(to: account)
        let served = account.home + "/public_html"
        let deployed = try account.bash("mkdir ~/public_html && echo keep > ~/public_html/google123.html && "
            + "persist-deploy auto --root ~/site --from ~/app && persist-deploy generate --root ~/site --public-html ~/public_html")
        try #require(deployed.exitCode == 0, "\(deployed)")
        let guide = try LocalFileSystem().readText(at: account.home + "/site/shared/SHARED-HOSTING-SETUP.md")
        let blocks = GuestAccount.shellBlocks(guide).filter { $0.heading.hasPrefix("B.") || $0.heading == "Checking" }
        // B: the tool's line, the copy, links, kept folders, index.php; then the checks.
        try #require(blocks.count == 6, "\(blocks.map(\.heading))")
        let chosen = [blocks[1], way == "links" ? blocks[2] : blocks[3], blocks[4], blocks[5]].map(\.text).joined()
        let run = try account.bash(chosen)
        #expect(run.exitCode == 0, "\(run)")
        let fileSystem = LocalFileSystem()
        #expect(try fileSystem.type(at: served) == .directory)
        #expect(try fileSystem.readText(at: served + "/css/app.css") == "body{}\n")
        #expect(try fileSystem.readText(at: served + "/google123.html") == "keep\n")
        #expect(try fileSystem.readText(at: served + "/uploads/demo-2.jpg") == "demo image 2")
        if way == "links" {
            #expect(try fileSystem.readSymlink(at: served + "/uploads") == "../site/shared/public/uploads")
        } else {
            #expect(try fileSystem.type(at: served + "/uploads") == .directory)
            #expect(try fileSystem.readSymlink(at: account.home + "/site/shared/public/uploads") == "../../../public_html/uploads")
        }
        let index = try fileSystem.readText(at: served + "/index.php")
        #expect(index.contains("readlink(") && !index.contains("__DIR__"), "\(index)")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/php") {
            let lint = try account.bash("php -l ~/public_html/index.php")
            #expect(lint.exitCode == 0, "\(lint)")
        }
        // The uploads made through the live release are where visitors read them.
        let upload = try account.bash("echo new > ~/site/current/public/uploads/new.jpg")
        #expect(upload.exitCode == 0)
        #expect(try fileSystem.readText(at: served + "/uploads/new.jpg") == "new\n")
    }

    /// A bundle's shared-hosting guide uses `deploy.sh`: its sync block deploys the uploaded
    /// release into a real served folder, and its rollback block goes back.
    @Test func theBundlesSharedHostingGuideUsesDeploySh() throws {
        guard let account = try guest("bun") else { return }
        defer { account.remove() }
        try uploadApp(to: account)
        let made = try account.bash("persist-deploy bundle ~/app --remote-root ~/site --public-html ~/public_html --out ~/site/persist-deploy-bundle")
        try #require(made.exitCode == 0, "\(made)")
        let fileSystem = LocalFileSystem()
        let guide = try fileSystem.readText(at: account.home + "/site/persist-deploy-bundle/SHARED-HOSTING-SETUP.md")
        let readme = try fileSystem.readText(at: account.home + "/site/persist-deploy-bundle/README.txt")
        for text in [guide, readme] {
            #expect(!text.contains("persist-deploy auto") && !text.contains("persist-deploy rollback") && text.contains("deploy.sh"))
        }
        let blocks = GuestAccount.shellBlocks(guide)
        let sync = try #require(blocks.first { $0.heading.hasPrefix("B.") }).text
        let rollback = try #require(blocks.first { $0.heading == "Rolling back" }).text
        for version in ["one", "two"] {
            let uploaded = try account.bash("""
                ID="$(bash ~/site/persist-deploy-bundle/deploy.sh --new-id)"; sleep 1
                mkdir -p ~/site/releases/"$ID" && cp -a ~/app/. ~/site/releases/"$ID"/
                echo 'body{\(version)}' > ~/site/releases/"$ID"/public/css/app.css
                """)
            #expect(uploaded.exitCode == 0, "\(uploaded)")
            let deployed = try account.bash(sync)
            #expect(deployed.exitCode == 0, "\(deployed)")
            #expect(try fileSystem.readText(at: account.home + "/public_html/css/app.css") == "body{\(version)}\n")
        }
        let back = try account.bash(rollback)
        #expect(back.exitCode == 0, "\(back)")
        #expect(try fileSystem.readText(at: account.home + "/public_html/css/app.css") == "body{one}\n")
        let health = try account.bash("bash ~/site/shared/health-check.sh")
        #expect(health.exitCode == 0, "\(health)")
    }
}
