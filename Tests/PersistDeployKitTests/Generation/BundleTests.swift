import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The upload bundle: what it holds, that its scripts lint, and that a bundle copied to a fresh
/// folder deploys a real app with bash alone, keeping everything the app wrote.
@Suite struct BundleTests {
    private let fileSystem = LocalFileSystem()

    @discardableResult
    private func bundle(for app: String, remoteRoot: String, publicHTML: String? = nil, into directory: String) throws -> [String] {
        let classification = try Classifier(fileSystem: fileSystem).classify(appDirectory: app)
        let files = try UploadBundle.render(
            classification: classification, remoteRoot: remoteRoot, publicHTML: publicHTML, keep: 5, now: Date(timeIntervalSince1970: 1_790_000_000))
        return try UploadBundle.write(files, to: directory, fileSystem: fileSystem)
    }

    /// Copies `fixture` into `root/releases/<id>`, as an upload would.
    private func upload(_ fixture: String, to root: String, as id: String) throws {
        try fileSystem.createDirectory(at: root + "/releases", permissions: 0o755)
        try fileSystem.copyTree(from: Fixtures.path(fixture), to: root + "/releases/" + id)
    }

    private func bash(_ arguments: [String], in directory: String) throws -> ProcessResult {
        try runProcess("/bin/bash", arguments, in: directory)
    }

    @Test func holdsTheScriptsTheGuidesAndAReadmeWithTheQuotedRoot() throws {
        let temporary = try TemporaryDirectory("bundle-files")
        defer { temporary.remove() }
        let written = try bundle(for: Fixtures.path("laravel-codecanyon"), remoteRoot: "/home/o'brien/my site",
                                 publicHTML: "/home/o'brien/public_html", into: temporary.path + "/out")
        #expect(written.map(PathName.basename) == UploadBundle.fileNames)
        let readme = try fileSystem.readText(at: temporary.path + "/out/README.txt")
        #expect(readme.contains(#"bash '/home/o'\''brien/my site/persist-deploy-bundle/deploy.sh' 2026-09-21_"#))
        #expect(readme.contains(#"bash '/home/o'\''brien/my site/shared/health-check.sh'"#))
        #expect(readme.contains("public/user-uploads  (user)"))
        let steps = readme.split(separator: "\n").filter { $0.first?.isNumber == true && $0.dropFirst().hasPrefix(". ") }
        #expect(steps.count == 5, "\(readme)")
        let guide = try fileSystem.readText(at: temporary.path + "/out/MANUAL-SETUP-GUIDE.md")
        #expect(guide.contains(#"'/home/o'\''brien/my site/shared'"#))
    }

    @Test(arguments: ["laravel-codecanyon", "next-app", "plain-php", "wordpress", "tricky"])
    func deployScriptPassesBashAndShellcheck(_ fixture: String) throws {
        let temporary = try TemporaryDirectory("bundle-lint")
        defer { temporary.remove() }
        try bundle(for: Fixtures.path(fixture), remoteRoot: "/srv/$(touch pwned) `x` it's", publicHTML: "/srv/public_html", into: temporary.path)
        let script = temporary.path + "/deploy.sh"
        #expect(try bash(["-n", script], in: temporary.path).status == 0)
        let help = try bash([script, "--help"], in: temporary.path)
        #expect(help.status == 0 && help.stdout.contains("/srv/$(touch pwned) `x` it's/releases/<id>/"), "\(help.stdout)")
        #expect(try !fileSystem.listDirectory(at: temporary.path).contains("pwned"))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/shellcheck") else {
            print("SKIPPED shellcheck: not installed")
            return
        }
        let lint = try runProcess("/usr/bin/shellcheck", [script], in: temporary.path)
        #expect(lint.status == 0, "\(lint.stdout)")
    }

    @Test func refusesARelativeRemoteRoot() throws {
        let classification = try Classifier(fileSystem: fileSystem).classify(appDirectory: Fixtures.path("next-app"))
        #expect(throws: ToolError.self) {
            try UploadBundle.render(classification: classification, remoteRoot: "~/site", publicHTML: nil, keep: 5, now: Date())
        }
        #expect(throws: ToolError.self) {
            try UploadBundle.render(classification: classification, remoteRoot: "/site", publicHTML: "public_html", keep: 5, now: Date())
        }
    }

    /// The issue's acceptance run: a bundle for the CodeCanyon-style Laravel app, copied into a
    /// fresh folder, deploys three releases with `bash deploy.sh`, keeps every file the app wrote
    /// between them, passes its own health check and recovers a deleted link.
    @Test func codecanyonBundleDeploysThreeReleasesAndRecovers() throws {
        let temporary = try TemporaryDirectory("bundle-codecanyon")
        defer { temporary.remove() }
        let root = temporary.path + "/home/site"
        let made = temporary.path + "/made-here"
        try bundle(for: Fixtures.path("laravel-codecanyon"), remoteRoot: root, into: made)
        let uploaded = root + "/persist-deploy-bundle"
        try fileSystem.createDirectory(at: root, permissions: 0o755)
        try fileSystem.copyTree(from: made, to: uploaded)

        let ids = ["2026-03-01_10-00-00", "2026-03-02_10-00-00", "2026-03-03_10-00-00"]
        var written: [String: String] = [:]
        for (number, id) in ids.enumerated() {
            try upload("laravel-codecanyon", to: root, as: id)
            let deploy = try bash([uploaded + "/deploy.sh", id], in: temporary.path)
            #expect(deploy.status == 0, "deploy \(id): \(deploy.stdout)\(deploy.stderr)")
            #expect(try fileSystem.readSymlink(at: root + "/current") == "releases/" + id)
            // What the running app writes before the next deploy, through the live release.
            for place in ["public/user-uploads", "public/qrcodes", "public/invoices", "storage/app/public", "storage/logs"] {
                let relative = "\(place)/written-\(number).bin"
                try fileSystem.writeText("\(id) \(place)", to: root + "/current/" + relative)
                written[relative] = "\(id) \(place)"
            }
        }
        for (relative, text) in written {
            #expect(try fileSystem.readText(at: root + "/shared/" + relative) == text, "\(relative)")
        }
        #expect(try fileSystem.readText(at: root + "/shared/public/user-uploads/demo-avatar.jpg").isEmpty == false)
        let history = DeploymentHistory.load(DeployRoot(path: root), fileSystem: fileSystem)
        #expect(history.map(\.release) == ids && history.allSatisfy { $0.outcome == .activated })

        let health = try bash([root + "/shared/health-check.sh"], in: temporary.path)
        #expect(health.status == 0, "\(health.stdout)")
        #expect(health.stdout.contains(", 0 warnings, 0 failed") || health.stdout.contains("0 failed"), "\(health.stdout)")

        try fileSystem.removeTree(at: root + "/current/public/user-uploads")
        #expect(try bash([root + "/shared/health-check.sh"], in: temporary.path).status == 2)
        let recovery = try bash([root + "/shared/emergency-recovery.sh"], in: temporary.path)
        #expect(recovery.status == 0, "\(recovery.stdout)\(recovery.stderr)")
        #expect(try fileSystem.readSymlink(at: root + "/current/public/user-uploads") == "../../../shared/public/user-uploads")
        #expect(try bash([root + "/shared/health-check.sh"], in: temporary.path).status == 0)

        // The binary reads what the script wrote: the next deploy can be the binary's.
        let state = try DeployState.read(DeployRoot(path: root), fileSystem: fileSystem)
        #expect(state.liveID == ids[2] && state.finishedIDs == ids)
        #expect(ReleaseManifest.load(ids[2], root: DeployRoot(path: root), fileSystem: fileSystem)?.shipped["public/user-uploads"]
            == ["demo-avatar.jpg", "demo-product.png"])
    }

    /// Where the host does not look the way the bundle expects, deploy.sh stops and says so
    /// before changing anything.
    @Test func stopsWithoutChangingAnythingWhenTheHostDoesNotMatch() throws {
        let temporary = try TemporaryDirectory("bundle-mismatch")
        defer { temporary.remove() }
        let root = temporary.path + "/site"
        try bundle(for: Fixtures.path("laravel-codecanyon"), remoteRoot: root, into: temporary.path + "/bundle")
        try upload("laravel-codecanyon", to: root, as: "2026-03-01_10-00-00")
        try fileSystem.createDirectory(at: root + "/shared/public", permissions: 0o755)
        try fileSystem.writeText("not a folder", to: root + "/shared/public/user-uploads")
        // Everything but the lock's own folder (the lock is taken before the checks).
        func snapshot() throws -> [String] { try fileSystem.files(under: root).filter { !$0.hasPrefix(".persist-deploy/") } }
        let before = try snapshot()

        let deploy = try bash([temporary.path + "/bundle/deploy.sh", "2026-03-01_10-00-00"], in: temporary.path)
        #expect(deploy.status == 1)
        #expect(deploy.stderr.contains("shared/public/user-uploads is a file, but 'public/user-uploads' is classified as a folder"), "\(deploy.stderr)")
        #expect(deploy.stderr.contains("Nothing was changed."))
        #expect(try snapshot() == before)

        // A web-root folder the bundle was not made for.
        try fileSystem.removeTree(at: root + "/shared")
        try fileSystem.createDirectory(at: root + "/releases/2026-03-01_10-00-00/public/banners", permissions: 0o755)
        let unknown = try bash([temporary.path + "/bundle/deploy.sh", "2026-03-01_10-00-00"], in: temporary.path)
        #expect(unknown.status == 1 && unknown.stderr.contains("'public/banners', which this bundle was not made for"), "\(unknown.stderr)")
        #expect(try fileSystem.type(at: root + "/current") == nil && fileSystem.type(at: root + "/shared") == nil)
    }

    /// The lock: a live holder stops the deploy with its name; a holder whose process is gone
    /// on this host is taken over.
    @Test func aHeldLockStopsAndAStaleOneIsTakenOver() throws {
        let temporary = try TemporaryDirectory("bundle-lock")
        defer { temporary.remove() }
        let root = temporary.path + "/site"
        try bundle(for: Fixtures.path("next-app"), remoteRoot: root, into: temporary.path + "/bundle")
        try upload("next-app", to: root, as: "2026-03-01_10-00-00")
        let host = try bash(["-c", "uname -n"], in: temporary.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try fileSystem.createDirectory(at: root + "/.persist-deploy/lock.d", permissions: 0o755)
        try fileSystem.writeText("pid 1 on \(host), user someone, running 'deploy.sh' since 2026-03-01T10:00:00Z\n",
                                 to: root + "/.persist-deploy/lock.d/holder")
        let held = try bash([temporary.path + "/bundle/deploy.sh", "2026-03-01_10-00-00"], in: temporary.path)
        #expect(held.status == 1 && held.stderr.contains("another deploy holds the lock") && held.stderr.contains("pid 1 on \(host)"), "\(held.stderr)")
        #expect(try fileSystem.type(at: root + "/current") == nil)

        // pid 2^22+1 is above the kernel's pid limit: that process cannot exist.
        try fileSystem.writeText("pid 4194305 on \(host), user someone, running 'deploy.sh' since 2026-03-01T10:00:00Z\n",
                                 to: root + "/.persist-deploy/lock.d/holder")
        let stale = try bash([temporary.path + "/bundle/deploy.sh", "2026-03-01_10-00-00"], in: temporary.path)
        #expect(stale.status == 0, "\(stale.stdout)\(stale.stderr)")
        #expect(stale.stdout.contains("Taking over a stale lock"))
        #expect(try fileSystem.type(at: root + "/.persist-deploy/lock.d") == nil)

        // Where flock(1) exists the script also respects the binary's own lock, and leaves the
        // holder's words in it.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") else { return }
        let binaryLock = try DeployLock.acquire(root: DeployRoot(path: root), command: "auto", waitSeconds: 0, context: Context.live())
        defer { binaryLock.release() }
        let blocked = try bash([temporary.path + "/bundle/deploy.sh", "2026-03-01_10-00-00"], in: temporary.path)
        #expect(blocked.status == 1 && blocked.stderr.contains("persist-deploy holds the lock") && blocked.stderr.contains("running 'auto'"),
                "\(blocked.stderr)")
        #expect(try fileSystem.readText(at: root + "/.persist-deploy/lock").contains("running 'auto'"))
    }

    /// `--public-html`: linked when the folder is absent; with `--sync` a real folder gets each
    /// release's web root copied in, losing only files the previous release shipped.
    @Test func servesPublicHTMLByLinkOrBySync() throws {
        let temporary = try TemporaryDirectory("bundle-public-html")
        defer { temporary.remove() }
        let root = temporary.path + "/site"
        let linked = temporary.path + "/linked_html"
        try bundle(for: Fixtures.path("laravel-codecanyon"), remoteRoot: root, publicHTML: linked, into: temporary.path + "/link-bundle")
        try upload("laravel-codecanyon", to: root, as: "2026-03-01_10-00-00")
        let link = try bash([temporary.path + "/link-bundle/deploy.sh", "2026-03-01_10-00-00"], in: temporary.path)
        #expect(link.status == 0, "\(link.stderr)")
        #expect(try fileSystem.readSymlink(at: linked) == "site/current/public")
        #expect(try fileSystem.readText(at: linked + "/css/app.css").isEmpty == false)

        let served = temporary.path + "/public_html"
        try fileSystem.createDirectory(at: served, permissions: 0o755)
        try fileSystem.writeText("the owner's own file", to: served + "/google-verify.html")
        try bundle(for: Fixtures.path("laravel-codecanyon"), remoteRoot: root, publicHTML: served, into: temporary.path + "/sync-bundle")
        let refused = try bash([temporary.path + "/sync-bundle/deploy.sh", "2026-03-01_10-00-00"], in: temporary.path)
        #expect(refused.status == 1 && refused.stderr.contains("--sync"), "\(refused.stderr)")
        let first = try bash([temporary.path + "/sync-bundle/deploy.sh", "--sync", "2026-03-01_10-00-00"], in: temporary.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try fileSystem.files(under: served).contains("flags/gb.svg"))
        let index = try fileSystem.readText(at: served + "/index.php")
        #expect(index.contains("'\(root)/current/bootstrap/app.php'"), "\(index)")

        try upload("laravel-codecanyon", to: root, as: "2026-03-02_10-00-00")
        try fileSystem.removeTree(at: root + "/releases/2026-03-02_10-00-00/public/flags/gb.svg")
        let second = try bash([temporary.path + "/sync-bundle/deploy.sh", "--sync", "2026-03-02_10-00-00"], in: temporary.path)
        #expect(second.status == 0, "\(second.stderr)")
        let files = try fileSystem.files(under: served)
        #expect(!files.contains("flags/gb.svg") && files.contains("flags/us.svg") && files.contains("google-verify.html"), "\(files)")
        #expect(!files.contains { $0.hasPrefix("user-uploads") }, "user data is never copied into the served folder")
    }
}
