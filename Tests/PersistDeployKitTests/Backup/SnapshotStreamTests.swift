import Foundation
import PersistDeployTestSupport
import Testing

@testable import PersistDeployKit

/// Backups stream: the manifest comes out in tree order however the work was split between
/// threads, so the next backup and `backups --verify` read it beside their walk. Checked on
/// random trees with names of any bytes, changed between backups.
@Suite struct SnapshotStreamTests {
    /// Name bytes that test the order and the escaping: `-` `.` sort below `/`, then `%`, tab,
    /// newline, bytes that are not UTF-8, a leading dash and shell syntax.
    static let nameParts: [[UInt8]] = [
        Array("a".utf8), Array("a-b".utf8), Array("a.b".utf8), Array("b".utf8), Array("100%".utf8), [0x09], [0x0a],
        [0xff], [0xc3, 0xa9], [0x65, 0xcc, 0x81], Array("-x".utf8), Array("$(id)".utf8), Array("'q\"".utf8),
    ]

    /// Writes a random tree below `base` through raw byte names; returns how many files.
    func randomTree(at base: String, generator: inout SeededGenerator, files: Int) throws -> Int {
        var made = 0
        while made < files {
            let depth = Int.random(in: 0...4, using: &generator)
            var path = NameBytes.bytes(base)
            for _ in 0..<depth {
                path += [UInt8(ascii: "/")] + Self.nameParts.randomElement(using: &generator)!
                path += Array("\(Int.random(in: 0..<3, using: &generator))".utf8)
                let text = NameBytes.string(path)
                if (try? LocalFileSystem().type(at: text)) == .file { break }
                try LocalFileSystem().createDirectory(at: text, permissions: 0o755)
            }
            path += [UInt8(ascii: "/")] + Self.nameParts.randomElement(using: &generator)! + Array("f\(made)".utf8)
            let text = NameBytes.string(path)
            guard (try? LocalFileSystem().type(at: PathName.parent(text))) == .directory else { continue }
            try LocalFileSystem().writeFile(at: text, contents: Array("file \(made)".utf8), permissions: 0o644)
            made += 1
        }
        return made
    }

    func manifestPaths(_ fixture: BackupFixture, _ id: String) throws -> [[UInt8]] {
        let bytes = try fixture.fileSystem.readFile(at: PathName.join(fixture.root, "backups", id, "manifest.tsv"))
        return bytes.split(separator: UInt8(ascii: "\n")).dropFirst(2).compactMap { Manifest.entry($0)?.path }
    }

    @Test(arguments: [1, 2, 3])
    func randomTreesStreamInOrderAndLinkWhatDidNotChange(seed: UInt64) throws {
        let fixture = try BackupFixture("stream-\(seed)")
        defer { fixture.directory.remove() }
        try fixture.writeRecord()
        var generator = SeededGenerator(seed: seed)
        let made = try randomTree(at: fixture.path("public/uploads"), generator: &generator, files: 400)
        try fixture.makeOld()
        let store = fixture.store(now: SteppingClock().now)
        let paths = try BackupStore.persistentPaths(root: DeployRoot(path: fixture.root), fileSystem: fixture.fileSystem)
        let first = try store.create(persistentPaths: paths, keep: 24, console: nil)
        #expect(first.saved.first { $0.path == "public/uploads" }?.files == made + 1)

        // Change some files, add some, remove a folder.
        let live = try fixture.fileSystem.files(under: fixture.path("public/uploads"))
        for file in live.shuffled(using: &generator).prefix(20) {
            try fixture.fileSystem.writeText("changed", to: fixture.path("public/uploads/" + file))
        }
        _ = try randomTree(at: fixture.path("public/uploads/new"), generator: &generator, files: 30)
        let second = try store.create(persistentPaths: paths, keep: 24, console: nil)

        for outcome in [first, second] {
            let listed = try manifestPaths(fixture, outcome.info.id)
            #expect(zip(listed, listed.dropFirst()).allSatisfy { Manifest.precedes($0, $1) }, "strictly in tree order")
            let data = PathName.join(fixture.root, "backups", outcome.info.id, "data")
            #expect(Set(try DataInventoryBytes.walk(data)) == Set(listed))
        }
        let newest = try store.verify(second.info.id)
        #expect(newest.problems.isEmpty)
        #expect(try store.verify(first.info.id, after: newest.checked).problems.isEmpty)
        // Unchanged files are the same inode in both snapshots; changed ones are not.
        let unchanged = try #require(live.first { try fixture.fileSystem.readText(at: fixture.path("public/uploads/" + $0)) != "changed" })
        func saved(_ id: String, _ file: String) -> String { PathName.join(fixture.root, "backups", id, "data/public/uploads", file) }
        #expect(try fixture.inode(saved(first.info.id, unchanged)) == fixture.inode(saved(second.info.id, unchanged)))
        let restored = fixture.run(["restore", first.info.id, "--yes"])
        #expect(restored.code == 0, "\(restored.err)")
        #expect(try fixture.fileSystem.files(under: fixture.path("public/uploads")) == live)
    }

    /// A corrupted file, a missing one and an added one are each named by `--verify`, and a file
    /// shared with the snapshot checked before is judged by its own content.
    @Test func verifyNamesEveryKindOfDamageInEitherSnapshot() throws {
        let fixture = try BackupFixture("stream-damage")
        defer { fixture.directory.remove() }
        let store = fixture.store(now: SteppingClock().now)
        let first = try store.create(persistentPaths: ["storage", "public/uploads"], keep: 24, console: nil).info
        let second = try store.create(persistentPaths: ["storage", "public/uploads"], keep: 24, console: nil).info
        let data = PathName.join(fixture.root, "backups", first.id, "data")
        // Shared by both snapshots (one inode): the damage shows in both.
        // Written in place (the same inode), as a failing disk or a stray editor would.
        _ = try ToolRunner.bash(#"printf 'invoice X' >"$1""#, [PathName.join(data, "storage/app/invoice.pdf")])
        try fixture.fileSystem.removeTree(at: PathName.join(data, "storage/logs/laravel.log"))
        try fixture.fileSystem.writeText("stray", to: PathName.join(data, "public/uploads/stray.png"))
        let newest = try store.verify(second.id)
        #expect(newest.problems == ["storage/app/invoice.pdf: the contents differ from the manifest (corrupted)"])
        let older = try store.verify(first.id, after: newest.checked)
        #expect(older.problems == [
            "public/uploads/stray.png: added (not in the manifest)",
            "storage/app/invoice.pdf: the contents differ from the manifest (corrupted)",
            "storage/logs/laravel.log: missing",
        ])
    }
}

/// Every path below a folder as raw bytes, links not followed (what a manifest lists).
enum DataInventoryBytes {
    static func walk(_ top: String) throws -> [[UInt8]] {
        let list = try TemporaryDirectory("walk")
        defer { list.remove() }
        let output = PathName.join(list.path, "paths")
        _ = try ToolRunner.bash(#"cd -- "$1" && find . -mindepth 1 -printf '%P\0' >"$2""#, [top, output])
        return try LocalFileSystem().readFile(at: output).split(separator: 0).map(Array.init)
    }
}
