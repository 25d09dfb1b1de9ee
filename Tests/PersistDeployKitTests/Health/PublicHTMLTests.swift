import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// `--public-html` link and sync modes on real temporary folders.
@Suite struct PublicHTMLTests {
    @Test func linkModeCreatesARelativeLinkWhenAbsent() throws {
        let fixture = try LayoutFixture(label: "html-link")
        defer { fixture.remove() }
        let served = PathName.join(fixture.temporary.path, "home/public_html")
        try PublicHTML.link(publicHTML: served, root: fixture.root, webRoot: "public", fileSystem: fixture.fileSystem)
        #expect(try fixture.fileSystem.readSymlink(at: served) == "../site/current/public")
        #expect(try fixture.fileSystem.readText(at: PathName.join(served, "css/app.css")) == "body{}\n")
        // Again: nothing to do.
        let again = try PublicHTML.link(publicHTML: served, root: fixture.root, webRoot: "public", fileSystem: fixture.fileSystem)
        #expect(again.contains("already links"))
    }

    @Test func linkModeReplacesAnEmptyFolderOrALink() throws {
        let fixture = try LayoutFixture(label: "html-empty")
        defer { fixture.remove() }
        let served = PathName.join(fixture.temporary.path, "public_html")
        try fixture.fileSystem.createDirectory(at: served, permissions: 0o755)
        try PublicHTML.link(publicHTML: served, root: fixture.root, webRoot: "public", fileSystem: fixture.fileSystem)
        #expect(try fixture.fileSystem.type(at: served) == .symlink)
        try fixture.fileSystem.removeTree(at: served)
        try fixture.fileSystem.createSymlink(at: served, target: "/somewhere/else")
        try PublicHTML.link(publicHTML: served, root: fixture.root, webRoot: "public", fileSystem: fixture.fileSystem)
        #expect(try fixture.fileSystem.readSymlink(at: served) == "site/current/public")
    }

    @Test func linkModeNeverReplacesAFolderWithFiles() throws {
        let fixture = try LayoutFixture(label: "html-full")
        defer { fixture.remove() }
        let served = PathName.join(fixture.temporary.path, "public_html")
        try fixture.fileSystem.createDirectory(at: served, permissions: 0o755)
        try fixture.fileSystem.writeText("mine\n", to: PathName.join(served, "index.html"))
        let error = #expect(throws: ToolError.self) {
            try PublicHTML.link(publicHTML: served, root: fixture.root, webRoot: "public", fileSystem: fixture.fileSystem)
        }
        #expect(error?.hint?.contains("--sync") == true)
        #expect(try fixture.fileSystem.readText(at: PathName.join(served, "index.html")) == "mine\n")
    }

    @Test func syncCopiesShippedFilesAndRemovesOnlyWhatTheOldReleaseShipped() throws {
        let fixture = try LayoutFixture(label: "html-sync")
        defer { fixture.remove() }
        let fs = fixture.fileSystem
        let served = PathName.join(fixture.temporary.path, "public_html")
        try fs.createDirectory(at: PathName.join(served, "css"), permissions: 0o755)
        try fs.writeText("old\n", to: PathName.join(served, "old.js"))
        try fs.writeText("keep me\n", to: PathName.join(served, "google123.html"))
        try fs.writeText("stale\n", to: PathName.join(served, "css/app.css"))
        try fs.writeText("js\n", to: PathName.join(fixture.liveRelease, "public/js/app.js"))

        let report = try PublicHTML.sync(
            publicHTML: served, root: fixture.root, record: fixture.record, release: fixture.liveRelease,
            shipped: ["css/app.css", "index.php", "js/app.js"], previouslyShipped: ["css/app.css", "old.js", "index.php"],
            allowLinks: false, fileSystem: fs)

        #expect(try fs.readText(at: PathName.join(served, "css/app.css")) == "body{}\n")
        #expect(try fs.readText(at: PathName.join(served, "js/app.js")) == "js\n")
        #expect(try !fs.exists(PathName.join(served, "old.js")))
        #expect(try fs.readText(at: PathName.join(served, "google123.html")) == "keep me\n")
        #expect(report.removed == ["old.js"])
        #expect(try !fs.exists(PathName.join(served, "uploads")))
        #expect(report.notes.contains { $0.contains("uploads") })
        let index = try fs.readText(at: PathName.join(served, "index.php"))
        #expect(index == "<?php require '\(fixture.root.current)/vendor/autoload.php';\n")
    }

    @Test func syncLinksPersistentFoldersWhereLinksAreAllowed() throws {
        let fixture = try LayoutFixture(label: "html-sync-links")
        defer { fixture.remove() }
        let served = PathName.join(fixture.temporary.path, "public_html")
        let report = try PublicHTML.sync(
            publicHTML: served, root: fixture.root, record: fixture.record, release: fixture.liveRelease,
            shipped: ["css/app.css"], previouslyShipped: [], allowLinks: true, fileSystem: fixture.fileSystem)
        #expect(report.linked.sorted() == ["storage", "uploads"])
        #expect(try fixture.fileSystem.readText(at: PathName.join(served, "uploads/photo.jpg")) == "photo\n")
        #expect(try fixture.fileSystem.readText(at: PathName.join(served, "storage/avatar.png")) == "avatar\n")
        #expect(try fixture.fileSystem.readSymlink(at: PathName.join(served, "uploads")) == "../site/shared/public/uploads")
    }

    @Test func laravelIndexLoadsTheAppFromCurrent() {
        let original = """
            <?php
            if (file_exists($maintenance = __DIR__.'/../storage/framework/maintenance.php')) { require $maintenance; }
            require __DIR__.'/../vendor/autoload.php';
            $app = require_once __DIR__.'/../bootstrap/app.php';
            """
        let text = PublicHTML.laravelIndex(original: original, current: "/home/it's/current")
        #expect(text.contains(#"require '/home/it\'s/current/vendor/autoload.php';"#))
        #expect(text.contains(#"require_once '/home/it\'s/current/bootstrap/app.php';"#))
        #expect(!text.contains("__DIR__"))
        #expect(PublicHTML.laravelIndex(original: nil, current: "/srv/current").contains("require '/srv/current/vendor/autoload.php';"))
    }
}
