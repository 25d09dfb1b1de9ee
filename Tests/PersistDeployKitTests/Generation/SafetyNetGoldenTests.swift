import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The five generated files for two setups, against golden files in `Golden/`.
@Suite struct SafetyNetGoldenTests {
    /// A Laravel shop on a VPS with a shared-hosting folder.
    static func laravel() -> (DeployRoot, PersistenceRecord, [HistoryRecord], String?) {
        let root = DeployRoot(path: "/srv/www/shop")
        let paths = [
            ClassifiedPath(path: ".env", kind: .file, class: .config, reason: "Laravel's per-server settings"),
            ClassifiedPath(path: "public/build", kind: .dir, class: .asset, reason: "Vite output ships with the code"),
            ClassifiedPath(path: "public/css", kind: .dir, class: .asset, reason: "css ships with the code"),
            ClassifiedPath(path: "public/storage", kind: .dir, class: .user, reason: "Laravel's public disk link",
                           linkTarget: "storage/app/public"),
            ClassifiedPath(path: "public/uploads", kind: .dir, class: .user, reason: "uploads | avatars are made by users"),
            ClassifiedPath(path: "storage", kind: .dir, class: .runtime, reason: "Laravel writes logs, cache and sessions here"),
        ]
        var record = PersistenceRecord(
            classification: Classification(detection: DetectionResult(framework: .laravel, webRoot: "public", evidence: []), paths: paths),
            root: root, updated: "2026-11-22T14:30:00Z")
        // Synced into a real public_html whose host refuses links: the uploads live there.
        record.servedFolder = ServedFolder(path: "/home/shop/public_html", mode: .sync, links: false)
        record.servedData = [ServedData(path: "public/uploads", location: "/home/shop/public_html/uploads")]
        let history = [
            HistoryRecord(release: "2026-11-21_09-00-00", time: "2026-11-21T09:00:00Z", outcome: .adopted, framework: .laravel,
                          paths: [PathRecord(path: "public/uploads", class: .user, action: .adopted),
                                  PathRecord(path: "storage", class: .runtime, action: .adopted)],
                          host: "web1", user: "deploy"),
            HistoryRecord(release: "2026-11-22_14-30-00", time: "2026-11-22T14:30:00Z", outcome: .activated, framework: .laravel,
                          paths: [PathRecord(path: ".env", class: .config, action: .linked),
                                  PathRecord(path: "public/uploads", class: .user, action: .linked),
                                  PathRecord(path: "storage", class: .runtime, action: .linked)],
                          host: "web1", user: "deploy"),
        ]
        return (root, record, history, "/home/shop/public_html")
    }

    /// A Next.js app in a folder with a space, whose shared/ lives on another disk.
    static func next() -> (DeployRoot, PersistenceRecord, [HistoryRecord], String?) {
        let root = DeployRoot(path: "/var/www/next app", shared: "/mnt/data/next-shared")
        let paths = [
            ClassifiedPath(path: "data/app.sqlite", kind: .file, class: .runtime, reason: "named in persist-deploy.json"),
            ClassifiedPath(path: "public/fonts", kind: .dir, class: .asset, reason: "fonts ship with the code"),
            ClassifiedPath(path: "public/images", kind: .dir, class: .asset, reason: "images ship with the code"),
            ClassifiedPath(path: "public/media", kind: .dir, class: .user, reason: "media is made by users"),
            ClassifiedPath(path: "public/qrcodes", kind: .dir, class: .runtime, reason: "qrcodes are made by the running app"),
        ]
        let record = PersistenceRecord(
            classification: Classification(detection: DetectionResult(framework: .next, webRoot: "public", evidence: []), paths: paths),
            root: root, updated: "2026-11-22T14:30:00Z")
        return (root, record, [], nil)
    }

    @Test(arguments: ["laravel", "next"])
    func generatedFilesMatchTheGoldenFiles(setup: String) throws {
        let (root, record, history, publicHTML) = setup == "laravel" ? Self.laravel() : Self.next()
        let files = try SafetyNet.render(root: root, record: record, history: history, publicHTML: publicHTML)
        #expect(files.map(\.name) == ["health-check.sh", "emergency-recovery.sh", "DEPLOYMENT-SUMMARY.md",
                                      "MANUAL-SETUP-GUIDE.md", "SHARED-HOSTING-SETUP.md"])
        for file in files {
            assertGolden(file.text, named: "\(setup)-\(file.name)")
            #expect(!file.text.contains("{{"), "\(file.name) has an unrendered placeholder")
        }
    }

    @Test(arguments: ["laravel", "next"])
    func writtenScriptsPassShellcheck(setup: String) throws {
        let (_, record, history, publicHTML) = setup == "laravel" ? Self.laravel() : Self.next()
        let temporary = try TemporaryDirectory("golden-lint")
        defer { temporary.remove() }
        let root = DeployRoot(path: PathName.join(temporary.path, "root"), shared: PathName.join(temporary.path, "elsewhere"))
        let written = try SafetyNet.write(root: root, record: record, history: history, publicHTML: publicHTML, fileSystem: LocalFileSystem())
        #expect(written.count == 5)
        let shellcheck = FileManager.default.isExecutableFile(atPath: "/usr/bin/shellcheck") ? "/usr/bin/shellcheck" : nil
        for script in written where script.hasSuffix(".sh") {
            #expect(try runProcess("/bin/bash", ["-n", script], in: temporary.path).status == 0)
            guard let shellcheck else {
                print("SKIPPED shellcheck: not installed (apt-get install -y shellcheck)")
                continue
            }
            let lint = try runProcess(shellcheck, [script], in: temporary.path)
            #expect(lint.status == 0, "\(lint.stdout)")
        }
    }
}
