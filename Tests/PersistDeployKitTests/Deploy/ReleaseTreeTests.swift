import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The whole-release manifest: its file format (bytes, read back exactly, refused when torn or
/// foreign), and the drift scan and grouping over an in-memory release.
@Suite struct ReleaseTreeTests {
    @Test func theFileReadsBackEveryNameAndEntryExactly() throws {
        var tree = ReleaseTree(disposable: ["bootstrap/cache", "a b"])
        let names = ["public", "public/index.php", "it's $(x) \"q\"", "line\nbreak", "-n", "caf\u{E9}", NameBytes.string([0x78, 0xE9, 0xFF]),
                     "spaces  in  name", "public/link"]
        for (index, name) in names.enumerated() {
            let type: EntryType = name == "public" ? .directory : name.hasSuffix("link") ? .symlink : .file
            tree.add(name, ReleaseTree.Entry(
                type: type, size: type == .directory ? 0 : Int64(index * 1000), modificationNanoseconds: type == .directory ? 0 : 1_796_073_378_000_000_007 + Int64(index),
                digest: index == 2 ? String(repeating: "ab", count: 32) : nil))
        }
        let parsed = try #require(ReleaseTree.parse(tree.bytes))
        #expect(parsed == tree)
        #expect(parsed[NameBytes.string([0x78, 0xE9, 0xFF])]?.size == 6000)
        #expect(parsed["line\nbreak"] != nil)
        #expect(parsed.disposable == ["bootstrap/cache", "a b"])
    }

    @Test(arguments: [
        "", "persist-deploy-tree 2\0", "persist-deploy-tree 1", "persist-deploy-tree 1\0f 1 2 - x\0",
        "persist-deploy-tree 1\0f 1 2.000000001 - x", "persist-deploy-tree 1\0q 1 2.000000001 - x\0",
        "persist-deploy-tree 1\0f x 2.000000001 - x\0", "persist-deploy-tree 1\0f 1 2.000000001 -\0",
    ])
    func aFileThatIsNotAManifestIsRefused(text: String) {
        #expect(ReleaseTree.parse(Array(text.utf8)) == nil)
    }

    /// The bytes bash reads (`read -d ''`) and the previous version wrote, field for field.
    @Test func theFileIsWrittenInItsDocumentedFormat() {
        var tree = ReleaseTree(disposable: ["var/cache"])
        tree.add("d", ReleaseTree.Entry(type: .directory, size: 0, modificationNanoseconds: 0))
        tree.add("d/f", ReleaseTree.Entry(type: .file, size: 12, modificationNanoseconds: 1_796_073_378_000_000_007))
        tree.add("d/l", ReleaseTree.Entry(type: .symlink, size: 0, modificationNanoseconds: 5_000_000_000, digest: nil))
        tree.add("d/s", ReleaseTree.Entry(type: .other, size: 3, modificationNanoseconds: 120, digest: "ab"))
        let expected = "persist-deploy-tree 1\0disposable var/cache\0d - - - d\0f 12 1796073378.000000007 - d/f\0"
            + "l 0 5.000000000 - d/l\0o 3 0.000000120 ab d/s\0"
        #expect(tree.bytes == Array(expected.utf8))
    }

    @Test func timesKeepEveryNanosecond() {
        var tree = ReleaseTree()
        tree.add("f", ReleaseTree.Entry(type: .file, size: 1, modificationNanoseconds: 1_796_073_378_538_323_920))
        #expect(ReleaseTree.parse(tree.bytes)?["f"]?.modificationNanoseconds == 1_796_073_378_538_323_920)
    }

    /// Files dated before 1970 (archives that keep odd times do) are written as stat(2) and
    /// `stat %Y` give them, whole seconds rounded down, and read back exactly.
    @Test(arguments: [Int64(-18_316_800_000_000_000), -1, -1_500_000_000, -999_999_999, 0])
    func timesBefore1970ReadBack(nanoseconds: Int64) throws {
        var tree = ReleaseTree()
        tree.add("f", ReleaseTree.Entry(type: .file, size: 1, modificationNanoseconds: nanoseconds))
        let text = String(decoding: tree.bytes, as: UTF8.self)
        let (seconds, fraction) = ReleaseTree.secondsAndFraction(nanoseconds)
        #expect(fraction >= 0 && fraction < 1_000_000_000 && seconds * 1_000_000_000 + fraction == nanoseconds)
        #expect(text.contains(" \(seconds).\(String(repeating: "0", count: 9 - String(fraction).count))\(fraction) "), "\(text)")
        #expect(try #require(ReleaseTree.parse(tree.bytes))["f"]?.modificationNanoseconds == nanoseconds)
    }

    /// A release in memory, its manifest recorded, then the app's writes.
    func scan(_ writes: (InMemoryFileSystem) throws -> Void, persistent: [String] = ["public/uploads"]) throws -> DriftReport {
        let fileSystem = try InMemoryFileSystem(files: [
            "/r/public/index.php": "<?php", "/r/public/img/a.png": "png", "/r/public/js/app.js": "js",
            "/r/lib/x.php": "<?php", "/r/db/app.sqlite": "db",
        ], symlinks: ["/r/public/uploads": "../../shared/public/uploads"])
        let scanner = DriftScanner(fileSystem: fileSystem, now: { 0 })
        let tree = try scanner.record("/r", disposable: ["var/cache"])
        try writes(fileSystem)
        let drift = try scanner.scan("/r", against: .manifest(tree), excluding: DriftExclusions(persistent))
        return DriftReport(drift, shipped: tree, persistent: persistent, webRoot: "public")
    }

    @Test func groupsAreWhatAPersonActsOn() throws {
        let report = try scan { fs in
            try fs.createDirectory(at: "/r/public/exports/2026", permissions: 0o755)
            try fs.writeText("a", to: "/r/public/exports/2026/a.csv")
            try fs.writeText("b", to: "/r/public/exports/b.csv")
            try fs.writeText("<urlset/>", to: "/r/public/sitemap.xml")
            try fs.writeText("png", to: "/r/public/img/b.png")
            try fs.writeText("rows", to: "/r/db/app.sqlite")
            try fs.writeText("js2", to: "/r/public/js/extra.js")
            try fs.createDirectory(at: "/r/var/cache", permissions: 0o755)
            try fs.writeText("cached", to: "/r/var/cache/x")
        }
        let groups = report.groups.map { "\($0.path) \($0.kind) \($0.change) \($0.files) \($0.suggestedClass)" }
        #expect(groups == [
            "db/app.sqlite file changed 1 runtime",
            "public/exports dir new 2 runtime",
            "public/img dir grown 1 user",
            "public/js/extra.js file new 1 runtime",
            "public/sitemap.xml file new 1 runtime",
            "var dir new 0 runtime",  // its only file is below the disposable var/cache; `var` is named for runtime data
        ])
        #expect(Set(report.newTops) == ["public/exports", "public/sitemap.xml", "public/img/b.png", "public/js/extra.js", "var"])
        #expect(report.changedFiles == ["db/app.sqlite"])
    }

    @Test func persistentAndDisposablePathsAreNotDrift() throws {
        let report = try scan({ fs in
            try fs.createDirectory(at: "/r/lib/cache", permissions: 0o755)
            try fs.writeText("x", to: "/r/lib/cache/y")
        }, persistent: ["public/uploads", "lib/cache"])
        #expect(report.isEmpty)
    }

    @Test func aSuggestedFolderNeverHoldsAPersistentPath() throws {
        let report = try scan({ fs in
            try fs.writeText("png", to: "/r/public/img/b.png")
        }, persistent: ["public/uploads", "public/img/avatars"])
        #expect(report.groups.map(\.path) == ["public/img/b.png"])
    }

    @Test func aReleaseWithoutAManifestIsComparedWithTheNewOne() throws {
        let fileSystem = try InMemoryFileSystem(files: [
            "/live/index.php": "<?php", "/live/exports/q1.csv": "q1", "/live/old.php": "<?php",
            "/new/index.php": "<?php v2",
        ])
        let drift = try DriftScanner(fileSystem: fileSystem).scan("/live", against: .otherRelease("/new"), excluding: DriftExclusions([]))
        let report = DriftReport(drift, shipped: nil, persistent: [], webRoot: ".")
        #expect(report.groups.map(\.path) == ["exports", "old.php"])
        #expect(drift.changed.isEmpty)
    }
}
