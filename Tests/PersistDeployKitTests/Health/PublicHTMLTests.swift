import Foundation
import Glibc
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The pieces of `--public-html`: the Laravel `index.php`, the link probe, the sync's operations
/// and the executor's served-folder steps, on real temporary folders.
@Suite struct PublicHTMLTests {
    private func apply(_ operations: [DeployOperation], _ fixture: LayoutFixture) throws {
        try PlanExecutor(fileSystem: fixture.fileSystem, console: nil).apply(operations[...], root: fixture.root.path)
    }

    @Test func laravelIndexDefinesTheReleaseFromTheCurrentLinkOnEveryRequest() {
        let original = """
            <?php
            if (file_exists($maintenance = __DIR__.'/../storage/framework/maintenance.php')) { require $maintenance; }
            require __DIR__ . '/../vendor/autoload.php';
            $app = require_once __DIR__."/../bootstrap/app.php";
            """
        let text = PublicHTML.laravelIndex(original: original, root: DeployRoot(path: "/home/it's/site"))
        #expect(text.hasPrefix("<?php\n// Written by persist-deploy"))
        #expect(text.contains(#"define('PERSIST_DEPLOY_RELEASE', '/home/it\'s/site/'.readlink('/home/it\'s/site/current'));"#))
        #expect(text.contains("require PERSIST_DEPLOY_RELEASE.'/vendor/autoload.php';"))
        #expect(text.contains(#"require_once PERSIST_DEPLOY_RELEASE."/bootstrap/app.php";"#))
        #expect(!text.contains("__DIR__"))
        #expect(PublicHTML.laravelIndex(original: nil, root: DeployRoot(path: "/srv")).contains("require PERSIST_DEPLOY_RELEASE.'/vendor/autoload.php';"))
    }

    @Test func laravelIndexKeepsALeadingDeclareFirst() {
        let original = "<?php\n\ndeclare(strict_types=1);\n\nrequire __DIR__.'/../vendor/autoload.php';\n"
        let text = PublicHTML.laravelIndex(original: original, root: DeployRoot(path: "/srv/site"))
        #expect(text.hasPrefix("<?php\n\ndeclare(strict_types=1);\n// Written by persist-deploy"))
    }

    /// The written index.php is run by the PHP CLI against a real root: it must load the release
    /// `current` points at, before and after a switch.
    @Test func laravelIndexRunsAndFollowsASwitch() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/php") else {
            print("skipped: /usr/bin/php is not installed (apt-get install php-cli)")
            return
        }
        let temporary = try TemporaryDirectory("laravel-index \"$(x)\" it's")
        let fs = LocalFileSystem()
        let root = DeployRoot(path: temporary.path + "/site")
        for id in ["2026-01-01_00-00-00", "2026-01-02_00-00-00"] {
            try fs.createDirectory(at: root.release(id) + "/vendor", permissions: 0o755)
            try fs.createDirectory(at: root.release(id) + "/bootstrap", permissions: 0o755)
            try fs.writeText("<?php echo \"autoload \(id)\\n\";\n", to: root.release(id) + "/vendor/autoload.php")
            try fs.writeText("<?php return new class { function handle() { echo \"app \(id)\\n\"; } };\n", to: root.release(id) + "/bootstrap/app.php")
        }
        try fs.createSymlink(at: root.current, target: "releases/2026-01-01_00-00-00")
        let original = "<?php\nrequire __DIR__.'/../vendor/autoload.php';\n$app = require_once __DIR__.'/../bootstrap/app.php';\n$app->handle();\n"
        let index = temporary.path + "/public_html/index.php"
        try fs.createDirectory(at: temporary.path + "/public_html", permissions: 0o755)
        try fs.writeText(PublicHTML.laravelIndex(original: original, root: root), to: index)
        let first = try ToolRunner(executable: "/usr/bin/php").run([index], in: temporary.path)
        #expect(first.stdout == "autoload 2026-01-01_00-00-00\napp 2026-01-01_00-00-00\n", "\(first)")
        try fs.createSymlink(at: root.path + "/.current.tmp", target: "releases/2026-01-02_00-00-00")
        try fs.rename(root.path + "/.current.tmp", to: root.current, replacing: true)
        let second = try ToolRunner(executable: "/usr/bin/php").run([index], in: temporary.path)
        #expect(second.stdout == "autoload 2026-01-02_00-00-00\napp 2026-01-02_00-00-00\n", "\(second)")
    }

    @Test func probeMakesReadsAndRemovesALink() throws {
        let temporary = try TemporaryDirectory("probe")
        let fs = LocalFileSystem()
        let probe = PublicHTML.probeLinks(in: temporary.path + "/public_html", fileSystem: fs, processID: 7)
        #expect(probe.works)
        #expect(probe.said.contains("'\(temporary.path)'"), "the folder does not exist yet: its parent is probed")
        #expect(try fs.listDirectory(at: temporary.path).isEmpty)

        let faulty = FaultyFileSystem(wrapping: fs)
        faulty.fail(.createSymlink, errno: EPERM)
        let refused = PublicHTML.probeLinks(in: temporary.path, fileSystem: faulty, processID: 7)
        #expect(!refused.works)
        #expect(refused.said.contains("failed"))
        #expect(try fs.listDirectory(at: temporary.path).isEmpty)
    }

    @Test func syncCopiesShippedFilesAndRemovesOnlyWhatTheLastSyncCopied() throws {
        let fixture = try LayoutFixture(label: "html-sync")
        defer { fixture.remove() }
        let fs = fixture.fileSystem
        let served = PathName.join(fixture.temporary.path, "public_html")
        try fs.createDirectory(at: PathName.join(served, "css"), permissions: 0o755)
        try fs.writeText("old\n", to: PathName.join(served, "old.js"))
        try fs.writeText("keep me\n", to: PathName.join(served, "google123.html"))
        try fs.writeText("stale\n", to: PathName.join(served, "css/app.css"))
        try fs.createDirectory(at: PathName.join(fixture.liveRelease, "public/js"), permissions: 0o755)
        try fs.writeText("js\n", to: PathName.join(fixture.liveRelease, "public/js/app.js"))
        // What an earlier sync copied.
        try fs.createDirectory(at: fixture.root.syncState, permissions: 0o755)
        try fs.writeText("css/app.css\u{0}old.js\u{0}index.php\u{0}", to: fixture.root.syncedFiles(of: LayoutFixture.older))
        try fs.writeText(LayoutFixture.older + "\n", to: fixture.root.lastSynced)

        let folders = PublicHTML.persistentFolders(paths: fixture.record.paths, webRoot: "public")
        #expect(folders.map(\.name) == ["storage", "uploads"])
        let sync = try PublicHTML.syncOperations(
            served: served, root: fixture.root, releaseID: LayoutFixture.live, listedFrom: fixture.liveRelease, webRoot: "public",
            framework: .laravel, folders: folders, passedOver: PublicHTML.passedOver(paths: fixture.record.paths, webRoot: "public"),
            fileSystem: fs)
        try apply(sync.operations, fixture)

        #expect(try fs.readText(at: PathName.join(served, "css/app.css")) == "body{}\n")
        #expect(try fs.readText(at: PathName.join(served, "js/app.js")) == "js\n")
        #expect(try !fs.exists(PathName.join(served, "old.js")))
        #expect(try fs.readText(at: PathName.join(served, "google123.html")) == "keep me\n")
        #expect(try !fs.exists(PathName.join(served, "uploads")), "persistent folders are never copied")
        #expect(try fs.readText(at: PathName.join(served, "index.php")).contains("PERSIST_DEPLOY_RELEASE.'/vendor/autoload.php'"))
        let state = PublicHTML.syncedState(root: fixture.root, fileSystem: fs)
        let shipped = try fs.files(under: PathName.join(fixture.liveRelease, "public"))
            .filter { !$0.hasPrefix("storage") && !$0.hasPrefix("uploads") && $0 != "index.php" }
        #expect(shipped.contains("js/app.js"))
        #expect(state == PublicHTML.SyncedState(release: LayoutFixture.live, files: shipped))
    }

    @Test func replaceEmptyFolderWithLinkNeverRemovesAFile() throws {
        let fixture = try LayoutFixture(label: "html-empty")
        defer { fixture.remove() }
        let fs = fixture.fileSystem
        let served = PathName.join(fixture.temporary.path, "public_html")
        try fs.createDirectory(at: PathName.join(served, "empty/nested"), permissions: 0o755)
        try apply([.replaceEmptyFolderWithLink(path: served, target: "site/current/public")], fixture)
        #expect(try fs.readSymlink(at: served) == "site/current/public")
        #expect(try fs.readText(at: PathName.join(served, "css/app.css")) == "body{}\n")

        try fs.removeTree(at: served)
        try fs.createDirectory(at: served, permissions: 0o755)
        try fs.writeText("mine\n", to: PathName.join(served, "index.html"))
        #expect(throws: ToolError.self) {
            try apply([.replaceEmptyFolderWithLink(path: served, target: "site/current/public")], fixture)
        }
        #expect(try fs.readText(at: PathName.join(served, "index.html")) == "mine\n")
    }

    /// The shared copy moves into the served folder and becomes a link to it; what both hold is
    /// merged with nothing overwritten; a crash after the rename aside is finished by a rerun.
    @Test func moveDataToServedFolderMergesAndSurvivesARerun() throws {
        let fixture = try LayoutFixture(label: "html-move \"$(x)\"")
        defer { fixture.remove() }
        let fs = fixture.fileSystem
        let shared = fixture.root.sharedPath("public/uploads")
        let place = PathName.join(fixture.temporary.path, "public_html/uploads")
        try fs.createDirectory(at: place, permissions: 0o755)
        try fs.writeText("served photo\n", to: PathName.join(place, "photo.jpg"))
        try fs.writeText("only served\n", to: PathName.join(place, "b.jpg"))
        try fs.createDirectory(at: PathName.join(shared, "2026"), permissions: 0o755)
        try fs.writeText("nested\n", to: PathName.join(shared, "2026/c.jpg"))
        let text = PathName.relativeLink(at: shared, to: place)
        let step = DeployOperation.moveDataToServedFolder(shared: shared, served: place, linkText: text, suffix: ".from-shared-X")

        // A crash after the rename aside: the shared copy is missing, the aside folder holds it.
        let aside = PathName.join(PathName.parent(shared), ".uploads.to-served")
        try fs.rename(shared, to: aside, replacing: false)
        try apply([step], fixture)
        try apply([step], fixture)

        #expect(try fs.readSymlink(at: shared) == text)
        #expect(try !fs.exists(aside))
        #expect(try fs.readText(at: PathName.join(place, "photo.jpg")) == "served photo\n")
        #expect(try fs.readText(at: PathName.join(place, "photo.jpg.from-shared-X")) == "photo\n")
        #expect(try fs.readText(at: PathName.join(place, "b.jpg")) == "only served\n")
        #expect(try fs.readText(at: PathName.join(place, "2026/c.jpg")) == "nested\n")
        // The live release's link into shared/ reaches the files through the new link.
        #expect(try fs.readText(at: PathName.join(fixture.liveRelease, "public/uploads/b.jpg")) == "only served\n")
    }
}
