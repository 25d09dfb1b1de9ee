import Foundation
import PersistDeployTestSupport
import Testing

@testable import PersistDeployKit

@Suite struct ManifestTests {
    static let awkwardNames: [[UInt8]] = [
        Array("plain/file.txt".utf8), Array("tab\there".utf8), Array("new\nline".utf8), Array("100%".utf8),
        [0x66, 0xff, 0xfe, 0x2f, 0x41], Array("ünïcode/ファイル".utf8), Array("-leading".utf8), Array("$(x) 'q\"".utf8),
    ]

    static func entry(_ path: [UInt8], index: Int) -> Manifest.Entry {
        Manifest.Entry(
            kind: index == 0 ? .directory : index == 1 ? .symlink : .file, permissions: 0o640, size: Int64(index),
            modificationSeconds: 1_700_000_000 + index, modificationNanoseconds: index * 1000,
            checksum: index == 0 ? Manifest.directoryChecksum : Array(String(repeating: "ab", count: 32).utf8), path: path)
    }

    @Test func oneLineRoundTripsAwkwardNames() throws {
        for (index, name) in Self.awkwardNames.enumerated() {
            var line: [UInt8] = []
            Manifest.append(Self.entry(name, index: index), to: &line)
            #expect(line.last == UInt8(ascii: "\n"))
            #expect(line.dropLast().filter { $0 == UInt8(ascii: "\n") }.isEmpty, "a name's newline is escaped")
            #expect(Manifest.entry(line.dropLast()[...]) == Self.entry(name, index: index))
        }
    }

    @Test func rejectsLinesItCannotRead() {
        #expect(Manifest.entry(Array("f\t644\tx\t1\t2\t-\tpath".utf8)[...]) == nil)
        #expect(Manifest.entry(Array("q\t644\t1\t1\t2\t-\tpath".utf8)[...]) == nil)
        #expect(Manifest.entry(Array("f\t644\t1\t1\t2\t-\tbad%zz".utf8)[...]) == nil)
        #expect(Manifest.entry(Array("f\t644\t1\t1\t2\t-".utf8)[...]) == nil)
    }

    /// The order is a walk of the tree: a folder, then everything inside it, then its next
    /// sibling, whatever bytes the names hold ("a/b" before "a-c" though "/" > "-" as bytes).
    @Test func orderIsAWalkOfTheTree() {
        let walk: [[UInt8]] = [
            Array("a".utf8), Array("a/b".utf8), Array("a/b/z".utf8), Array("a/b-c".utf8), Array("a-c".utf8),
            Array("a.d".utf8), [0x61, 0x80], Array("b".utf8),
        ]
        for (index, path) in walk.enumerated() {
            for (other, later) in walk.enumerated() {
                #expect(Manifest.precedes(path, later) == (index < other), "\(path) vs \(later)")
            }
        }
        #expect(Manifest.isWithin(Array("a/b/z".utf8), Array("a/b".utf8)))
        #expect(!Manifest.isWithin(Array("a/b-c".utf8), Array("a/b".utf8)))
    }

    /// Writes `paths` (sorted here) as an ordered manifest file and opens it.
    func manifestFile(_ paths: [[UInt8]], in directory: TemporaryDirectory) throws -> ManifestFile {
        var bytes = Manifest.head(started: 1_700_000_000)
        for (index, path) in paths.sorted(by: { Manifest.precedes($0, $1) }).enumerated() {
            Manifest.append(Self.entry(path, index: index + 2), to: &bytes)
        }
        let path = PathName.join(directory.path, "manifest.tsv")
        try LocalFileSystem().writeFile(at: path, contents: bytes, permissions: 0o600)
        return try #require(try ManifestFile.open(path, sortingUnordered: false))
    }

    /// A cursor started anywhere by binary search finds exactly the entries from there on, over a
    /// file many times its buffer (lines of every length, names up to 3,000 bytes).
    @Test func cursorsStartedByBinarySearchFindEveryEntry() throws {
        let directory = try TemporaryDirectory("manifest-search")
        defer { directory.remove() }
        var generator = SeededGenerator(seed: 11)
        var paths = Set<[UInt8]>()
        while paths.count < 6000 {
            let depth = Int.random(in: 1...4, using: &generator)
            var path: [UInt8] = []
            for level in 0..<depth {
                if level > 0 { path.append(UInt8(ascii: "/")) }
                let length = Int.random(in: 1...(paths.count % 500 == 0 ? 3000 : 12), using: &generator)
                path += (0..<length).map { _ in [UInt8(ascii: "a"), UInt8(ascii: "-"), UInt8(ascii: "."), 0x09, 0x25, 0xc3, 0x7f][Int.random(in: 0..<7, using: &generator)] }
            }
            paths.insert(path)
        }
        let sorted = paths.sorted { Manifest.precedes($0, $1) }
        let file = try manifestFile(sorted, in: directory)
        #expect(file.size > 200 * 1024)
        for start in stride(from: 0, to: sorted.count, by: 397) {
            var cursor = try ManifestCursor(file, from: sorted[start])
            #expect(cursor.hasLine && cursor.path == sorted[start])
            for path in sorted[start...].prefix(300) where Int.random(in: 0..<3, using: &generator) > 0 {
                #expect(try cursor.find(path), "\(start): \(path.count) bytes")
            }
        }
        // A key between entries starts at the next one; past the end there is none.
        var between = try ManifestCursor(file, from: sorted[10] + [0x00])
        #expect(between.path == sorted[11])
        #expect(try !between.find(sorted[10]))
        let past = try ManifestCursor(file, from: [0xff, 0xff, 0xff, 0xff])
        #expect(!past.hasLine || Manifest.precedes([0xff, 0xff, 0xff, 0xff], past.path))
    }

    @Test func anUnorderedVersionOneManifestIsReadInOrderOnlyWhenAsked() throws {
        let directory = try TemporaryDirectory("manifest-v1")
        defer { directory.remove() }
        var bytes = Array("persist-deploy manifest 1\nstarted\t5\n".utf8)
        let paths: [[UInt8]] = [Array("b".utf8), Array("a/b".utf8), Array("a".utf8), Array("a-c".utf8)]
        for (index, path) in paths.enumerated() { Manifest.append(Self.entry(path, index: index + 2), to: &bytes) }
        let path = PathName.join(directory.path, "manifest.tsv")
        try LocalFileSystem().writeFile(at: path, contents: bytes, permissions: 0o600)
        #expect(try ManifestFile.open(path, sortingUnordered: false) == nil)
        let file = try #require(try ManifestFile.open(path, sortingUnordered: true))
        #expect(file.started == 5)
        var cursor = try ManifestCursor(file, from: nil)
        var seen: [[UInt8]] = []
        while cursor.hasLine {
            seen.append(cursor.path)
            try cursor.advance()
        }
        #expect(seen == [Array("a".utf8), Array("a/b".utf8), Array("a-c".utf8), Array("b".utf8)])
        try LocalFileSystem().writeText("something else\n", to: path)
        #expect(try ManifestFile.open(path, sortingUnordered: true) == nil)
    }
}
