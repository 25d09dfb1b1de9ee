import Glibc
@testable import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The walks the drift guard and the classification rely on: a folder large enough to be read in
/// several chunks and stat'ed on two threads gives every entry once, with its own facts, parents
/// first; the listings that stop early or filter by name agree with the full ones.
@Suite struct TreeWalkContractTests {
    /// More names than one chunk (4,096), so both the chunking and the two-thread stats run.
    static let bigCount = 5000

    @Test(arguments: Backend.allCases)
    func aLargeFolderIsWalkedWholeWithEachEntrysOwnFacts(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        for index in 0..<Self.bigCount { try box.write("r/big/p-\(index).jpg", String(repeating: "x", count: index % 7 + 1)) }
        try box.write("r/big/zz/inner.txt", "inner")
        let odd = NameBytes.string([0x78, 0xE9, 0xFF])
        try box.write("r/big/\(odd)", "odd")
        try box.link("r/big/link", to: "p-1.jpg")

        var visited: [(path: String, status: FileStatus)] = []
        try box.fileSystem.visitTree(box.path("r")) { path, status in
            visited.append((NameBytes.string(path), status))
            return true
        }
        #expect(visited.map(\.path) == (try box.fileSystem.walk(box.path("r"))).map(\.path))
        #expect(visited.count == Self.bigCount + 5)
        #expect(Set(visited.map { NameBytes.Key($0.path) }).count == visited.count)
        let byPath = Dictionary(uniqueKeysWithValues: visited.map { (NameBytes.Key($0.path), $0.status) })
        for index in [0, 1, 511, 512, 4095, 4096, Self.bigCount - 1] {
            #expect(byPath[NameBytes.Key("big/p-\(index).jpg")]?.size == Int64(index % 7 + 1))
        }
        #expect(byPath[NameBytes.Key("big/\(odd)")]?.size == 3)
        #expect(byPath[NameBytes.Key("big/link")]?.type == .symlink)
        #expect(byPath[NameBytes.Key("big/zz")]?.type == .directory)
        let position = Dictionary(uniqueKeysWithValues: visited.enumerated().map { (NameBytes.Key($0.element.path), $0.offset) })
        for (offset, item) in visited.enumerated() where PathName.parent(item.path) != "." {
            #expect(position[NameBytes.Key(PathName.parent(item.path))]! < offset)
        }
    }

    /// A folder the visit declines is reported but not entered (a drift scan passes over the
    /// users' data an in-place site holds in its persistent folders); its siblings are walked.
    @Test(arguments: Backend.allCases)
    func aFolderTheVisitDeclinesIsNotEntered(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        for name in ["uploads/2024/a.jpg", "uploads/b.jpg", "uploads-old/c.jpg", "app/d.php"] { try box.write("t/\(name)") }
        var visited: [String] = []
        try box.fileSystem.visitTree(box.path("t")) { path, _ in
            let name = NameBytes.string(path)
            visited.append(name)
            return name != "uploads"
        }
        #expect(Set(visited) == ["uploads", "uploads-old", "uploads-old/c.jpg", "app", "app/d.php"], "\(visited)")
    }

    @Test(arguments: Backend.allCases)
    func aFileListingStopsWhenAskedAndOtherwiseListsEveryFile(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        for name in ["a.png", "b/c.png", "b/d/e.php", ".gitkeep"] { try box.write("f/\(name)") }
        try box.mkdir("f/empty")
        var seen = 0
        try box.fileSystem.visitFiles(under: box.path("f")) { _ in
            seen += 1
            return false
        }
        #expect(seen == 1)
        var all: [String] = []
        try box.fileSystem.visitFiles(under: box.path("f")) { file in
            all.append(file)
            return true
        }
        #expect(all.sorted(by: PathName.bytewiseLess) == (try box.fileSystem.files(under: box.path("f"))))
    }

    @Test(arguments: Backend.allCases)
    func aFilteredListingKeepsFoldersAndTheNamesThatPass(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        for name in ["config.php", "p-1.jpg", "p-2.jpg", ".gitignore"] { try box.write("d/\(name)") }
        try box.mkdir("d/images.jpg")
        try box.link("d/l.php", to: "config.php")
        let keep: (UnsafeBufferPointer<UInt8>) -> Bool = { String(decoding: $0, as: UTF8.self).hasSuffix(".php") }
        let filtered = try box.fileSystem.listDirectoryWithTypes(at: box.path("d"), keeping: keep)
        let expected = try box.fileSystem.listDirectoryWithTypes(at: box.path("d")).filter { $0.type == .directory || $0.name.hasSuffix(".php") }
        #expect(filtered.map(\.name) == expected.map(\.name))
        #expect(filtered.map(\.type) == [.file, .directory, .symlink])
    }

    @Test(arguments: Backend.allCases)
    func aFoldersFilesAreReadOnlyAsFarAsARuleAsks(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("w/only/.gitkeep")
        try box.write("w/mixed/.gitkeep")
        try box.write("w/mixed/sub/a.php")
        try box.mkdir("w/hollow/sub")
        try box.mkdir("w/hollow/.htaccess")
        func files(_ name: String) -> FolderFiles {
            FolderFiles(fileSystem: box.fileSystem, directory: box.path("w/\(name)"), label: name)
        }
        var only = files("only")
        let onlyPlaceholders = try only.holdOnly(NameRules.isPlaceholder)
        let onlyEmpty = try only.isEmpty()
        #expect(onlyPlaceholders && !onlyEmpty)
        var mixed = files("mixed")
        let mixedPlaceholders = try mixed.holdOnly(NameRules.isPlaceholder)
        let mixedAll = try mixed.all()
        let mixedAfterListing = try mixed.holdOnly(NameRules.isPlaceholder)
        #expect(!mixedPlaceholders && !mixedAfterListing)
        #expect(mixedAll == [".gitkeep", "sub/a.php"])
        var hollow = files("hollow")
        let hollowEmpty = try hollow.isEmpty()
        let hollowHoldsAny = try hollow.holdOnly { _ in true }
        #expect(hollowEmpty && !hollowHoldsAny)
        #expect(try !hollow.holds(".htaccess") && only.holds(".gitkeep"))
    }
}

/// The byte-keyed table behind manifests and drift exclusions.
@Suite struct PathTableTests {
    @Test func everyPathIsFoundAndASecondSetReplacesItsValue() {
        var table = PathTable<Int>()
        let paths = (0..<20_000).map { "public/images/products/p-\($0).jpg" } + ["", "a", "a/b", NameBytes.string([0xFF, 0x00 + 1])]
        for (index, path) in paths.enumerated() { NameBytes.bytes(path).withUnsafeBufferPointer { table.set($0, index) } }
        NameBytes.bytes("a").withUnsafeBufferPointer { table.set($0, -1) }
        #expect(table.count == paths.count)
        for (index, path) in paths.enumerated() {
            let found = NameBytes.bytes(path).withUnsafeBufferPointer { table.index(of: $0) }
            #expect(found == index)
            #expect(table.withPath(at: index) { Array($0) } == NameBytes.bytes(path))
        }
        #expect(table.values[paths.count - 3] == -1)
        #expect(Array("missing".utf8).withUnsafeBufferPointer { table.index(of: $0) } == nil)
    }

    @Test func tablesWithTheSameEntriesAreEqualWhateverTheirRoom() {
        var small = PathTable<Int>()
        var roomy = PathTable<Int>()
        roomy.reserveCapacity(10_000, pathBytes: 100_000)
        for path in ["x", "y/z"] {
            Array(path.utf8).withUnsafeBufferPointer {
                small.set($0, 1)
                roomy.set($0, 1)
            }
        }
        #expect(small == roomy)
        Array("x".utf8).withUnsafeBufferPointer { roomy.set($0, 2) }
        #expect(small != roomy)
    }

    @Test func aByteBufferGrowsAndTruncatesKeepingItsBytes() {
        var buffer = ByteBuffer(capacity: 16)
        let chunk = Array(0..<100).map { UInt8($0) }
        for _ in 0..<50 { chunk.withUnsafeBufferPointer { buffer.append($0) } }
        buffer.append(7)
        #expect(buffer.count == 5001)
        #expect(buffer.array == Array(repeating: chunk, count: 50).flatMap { $0 } + [7])
        buffer.truncate(to: 100)
        #expect(buffer.array == chunk)
        var other = ByteBuffer(capacity: 4096)
        chunk.withUnsafeBufferPointer { other.append($0) }
        #expect(buffer == other)
    }
}
