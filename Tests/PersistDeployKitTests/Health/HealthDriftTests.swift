import Foundation
import PersistDeployKit
import Testing

/// The drift check of `health-check` and `health-check.sh`: what the running app wrote into the
/// live release outside shared/ is a warning, grouped as the next deploy would group it, with the
/// same results from the binary and the script.
@Suite struct HealthDriftTests {
    /// One way the app writes into the live release, and the warnings it must give
    /// (`path: words of the message`).
    enum Write: String, CaseIterable, CustomTestStringConvertible {
        case fileAtTheWebRoot, newFolder, newFolderWithHostileNames, filesInADataFolder, shippedFileChanged
        case changedWithinTheRacyWindow, insideAPersistentPath, insideADisposablePath, folderBecameAFile

        var testDescription: String { rawValue }

        func apply(to fixture: LayoutFixture) throws {
            let fs = fixture.fileSystem
            let live = fixture.liveRelease
            switch self {
            case .fileAtTheWebRoot:
                try fs.writeText("<urlset/>\n", to: PathName.join(live, "public/sitemap.xml"))
            case .newFolder:
                try fs.createDirectory(at: PathName.join(live, "public/exports/2026"), permissions: 0o755)
                try fs.writeText("a,b\n", to: PathName.join(live, "public/exports/2026/march.csv"))
                try fs.writeText("c,d\n", to: PathName.join(live, "public/exports/april.csv"))
            case .newFolderWithHostileNames:
                let folder = PathName.join(live, "-x $(touch pwned) it's\n\"q\"")
                try fs.createDirectory(at: folder, permissions: 0o755)
                try fs.writeText("1\n", to: PathName.join(folder, "`touch pwned2` a b.txt"))
            case .filesInADataFolder:
                try fs.createDirectory(at: PathName.join(live, "public/img/products"), permissions: 0o755)
                try fs.writeText("jpeg\n", to: PathName.join(live, "public/img/products/42.jpg"))
                try fs.writeText("jpeg\n", to: PathName.join(live, "public/img/43.jpg"))
            case .shippedFileChanged:
                try fs.writeText("<?php // edited by a plugin updater\n", to: PathName.join(live, "public/index.php"))
            case .changedWithinTheRacyWindow:
                // Same size and time as recorded: only the digest tells.
                let path = PathName.join(live, "public/css/app.css")
                let before = try #require(try fs.status(at: path, followSymlink: false))
                try fs.writeText("body{!}\n".prefix(Int(before.size)).description, to: path)
                try setTime(path, nanoseconds: before.modificationNanoseconds)
            case .insideAPersistentPath:
                try fs.writeText("new upload\n", to: PathName.join(live, "public/uploads/new.jpg"))
                try fs.writeText("log\n", to: PathName.join(live, "storage/new.log"))
            case .insideADisposablePath:
                try fs.writeText("<?php return [];\n", to: PathName.join(live, "bootstrap/cache/config.php"))
            case .folderBecameAFile:
                try fs.removeTree(at: PathName.join(live, "public/js"))
                try fs.writeText("not a folder\n", to: PathName.join(live, "public/js"))
            }
        }

        var expected: [String] {
            switch self {
            case .fileAtTheWebRoot: ["public/sitemap.xml: new file, 10 bytes"]
            case .newFolder: ["public/exports: new folder, 2 files, 8 bytes"]
            case .newFolderWithHostileNames: ["-x $(touch pwned) it's\n\"q\": new folder, 1 file, 2 bytes"]
            case .filesInADataFolder: ["public/img: shipped folder with 2 new files, 10 bytes"]
            case .shippedFileChanged: ["public/index.php: shipped file changed in place, 36 bytes"]
            case .changedWithinTheRacyWindow: ["public/css/app.css: shipped file changed in place, 7 bytes"]
            case .insideAPersistentPath, .insideADisposablePath: []
            case .folderBecameAFile: ["public/js: new file, 13 bytes"]
            }
        }
    }

    @Test(arguments: Write.allCases)
    func theScriptAndTheBinaryReportTheSameDrift(write: Write) throws {
        let fixture = try LayoutFixture(label: "drift-\(write.rawValue)", disposable: ["bootstrap/cache"])
        defer { fixture.remove() }
        try write.apply(to: fixture)

        let native = HealthChecker(fileSystem: fixture.fileSystem).check(root: fixture.root, record: fixture.record)
        let script = try runScript(fixture, "health-check.sh", ["--json"])
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(script.stdout.utf8))
        let drift = native.checks.filter { $0.name == "drift" }
        #expect(report.checks.filter { $0.name == "drift" } == drift, "\(script.stderr)")
        let warnings = drift.filter { $0.status == .warn }.map { "\($0.path): \($0.message)" }
        #expect(warnings.count == write.expected.count, "\(warnings)")
        for (line, words) in zip(warnings, write.expected) {
            #expect(line.hasPrefix(words + ":"), "\(line)")
            #expect(line.contains("the next deploy would stop for it"))
        }
        if write.expected.isEmpty {
            #expect(drift.map(\.status) == [.pass])
            #expect(native.status == .healthy)
            #expect(script.status == 0)
        } else if write == .folderBecameAFile {
            // The asset check fails too: the release lost a folder it ships.
            #expect(native.status == .failed)
            #expect(script.status == 2)
        } else {
            #expect(native.status == .warning)
            #expect(script.status == 1)
        }
        for directory in [fixture.temporary.path, fixture.root.path, fixture.liveRelease] {
            #expect(try !fixture.fileSystem.exists(PathName.join(directory, "pwned")))
            #expect(try !fixture.fileSystem.exists(PathName.join(directory, "pwned2")))
        }
    }

    @Test func aReleaseWithoutAManifestPassesWithANote() throws {
        let fixture = try LayoutFixture(label: "drift-unrecorded")
        defer { fixture.remove() }
        try fixture.fileSystem.removeTree(at: fixture.root.treeManifest(of: LayoutFixture.live))
        try fixture.fileSystem.writeText("x\n", to: PathName.join(fixture.liveRelease, "public/new.txt"))
        let native = HealthChecker(fileSystem: fixture.fileSystem).check(root: fixture.root, record: fixture.record)
        let script = try runScript(fixture, "health-check.sh", ["--json"])
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(script.stdout.utf8))
        let drift = native.checks.filter { $0.name == "drift" }
        #expect(drift.count == 1 && drift[0].status == .pass && drift[0].message.contains("has no manifest"))
        #expect(report.checks.filter { $0.name == "drift" } == drift)
    }

    @Test func aTornManifestIsAWarningNotACrash() throws {
        let fixture = try LayoutFixture(label: "drift-torn")
        defer { fixture.remove() }
        let manifest = fixture.root.treeManifest(of: LayoutFixture.live)
        let bytes = try fixture.fileSystem.readFile(at: manifest)
        try fixture.fileSystem.writeFile(at: manifest, contents: Array(bytes.prefix(bytes.count / 2)), permissions: 0o644)
        let native = HealthChecker(fileSystem: fixture.fileSystem).check(root: fixture.root, record: fixture.record)
        let drift = native.checks.filter { $0.name == "drift" }
        #expect(drift.count == 1 && drift[0].status == .warn && drift[0].message.contains("cannot be read"))
    }
}

/// Sets a file's modification time to the nanosecond (as an app rewriting a file within one
/// clock tick of the recording leaves it).
func setTime(_ path: String, nanoseconds: Int64) throws {
    var times = [
        timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000)),
        timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000)),
    ]
    guard utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0 else {
        throw SystemCallError(call: "utimensat", path: path, code: errno)
    }
}
