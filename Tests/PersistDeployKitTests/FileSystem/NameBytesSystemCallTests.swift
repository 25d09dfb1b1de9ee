import Glibc
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Every call of the real file system, and every argument to a child process, addresses the file
/// whose name is the bytes a `NameBytes` string stands for: never the UTF-8 of its escapes, never a
/// lossy decoding, never a canonically equivalent twin.
@Suite struct NameBytesSystemCallTests {
    let fileSystem = LocalFileSystem()

    /// Names of every kind the tool must keep apart: each byte 0x80-0xFF alone, two names equal
    /// after lossy decoding, U+FFFD itself, NFC and NFD "café", a combining mark first, an
    /// escape's own UTF-8.
    static let names: [[UInt8]] = (0x80...0xFF).map { [0x6E, UInt8($0)] } + [
        Array("caf".utf8) + [0xE9], Array("caf".utf8) + [0xEA], Array("caf\u{FFFD}".utf8),
        Array("caf\u{E9}".utf8), Array("cafe\u{301}".utf8), Array("\u{301}x".utf8), [0xEF, 0x9F, 0xA9],
    ]

    /// The names in `directory`, as bytes, read with readdir(3) directly.
    func rawNames(in directory: String) throws -> [[UInt8]] {
        let stream = NameBytes.withCString(directory) { opendir($0) }
        guard let stream else { throw SystemCallError(call: "opendir", path: directory, code: errno) }
        defer { closedir(stream) }
        var names: [[UInt8]] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }

    var sortedNames: [[UInt8]] { Self.names.sorted { $0.lexicographicallyPrecedes($1) } }

    @Test func everyCallAddressesTheRealBytes() throws {
        let temporary = try TemporaryDirectory("name-bytes")
        defer { temporary.remove() }
        let top = PathName.join(temporary.path, NameBytes.string([0x74, 0xFF]))  // "t\xFF"
        let files = PathName.join(top, "files")
        let folders = PathName.join(top, "folders")
        let links = PathName.join(top, "links")
        for folder in [files, folders, links] { try fileSystem.createDirectory(at: folder, permissions: 0o755) }
        #expect(try rawNames(in: temporary.path) == [[0x74, 0xFF]])

        for (index, bytes) in Self.names.enumerated() {
            let name = NameBytes.string(bytes)
            try fileSystem.writeText("file \(index)", to: PathName.join(files, name))
            try fileSystem.createDirectory(at: PathName.join(folders, name), permissions: 0o700)
            try fileSystem.setPermissions(at: PathName.join(folders, name), to: 0o750)
            try fileSystem.createSymlink(at: PathName.join(links, name), target: "../files/" + name)
        }
        for folder in [files, folders, links] {
            #expect(try rawNames(in: folder) == sortedNames, "\(folder)")
            #expect(try fileSystem.listDirectory(at: folder).map(NameBytes.bytes) == sortedNames)
            #expect(try fileSystem.someNames(in: folder, limit: 1000).count == Self.names.count)
        }
        #expect(try fileSystem.files(under: files).map(NameBytes.bytes) == sortedNames)
        for (index, bytes) in Self.names.enumerated() {
            let name = NameBytes.string(bytes)
            #expect(try fileSystem.readText(at: PathName.join(files, name)) == "file \(index)")
            #expect(try fileSystem.readText(at: PathName.join(links, name)) == "file \(index)")  // through the link
            #expect(NameBytes.bytes(try fileSystem.readSymlink(at: PathName.join(links, name))) == Array("../files/".utf8) + bytes)
            #expect(try fileSystem.status(at: PathName.join(folders, name), followSymlink: false)?.permissions == 0o750)
        }

        // Renames (replacing and not), copies, removal: still the same bytes, nothing merged.
        let moved = PathName.join(top, NameBytes.string([0x6D, 0xE9]))
        try fileSystem.rename(files, to: moved, replacing: false)
        try fileSystem.copyTree(from: moved, to: files)
        #expect(try rawNames(in: files) == sortedNames)
        let nfc = NameBytes.string(Array("caf\u{E9}".utf8))
        let nfd = NameBytes.string(Array("cafe\u{301}".utf8))
        try fileSystem.rename(PathName.join(files, nfc), to: PathName.join(files, nfd), replacing: true)
        #expect(try fileSystem.readText(at: PathName.join(files, nfd)) == "file \(Self.names.firstIndex(of: Array("caf\u{E9}".utf8))!)")
        #expect(try fileSystem.exists(PathName.join(files, nfc)) == false)
        try SystemCall.exchange(PathName.join(moved, nfc), PathName.join(moved, nfd))
        #expect(try fileSystem.readText(at: PathName.join(moved, nfc)) == "file \(Self.names.firstIndex(of: Array("cafe\u{301}".utf8))!)")
        try fileSystem.syncDirectory(at: moved)
        try fileSystem.removeTree(at: moved)
        try fileSystem.removeTree(at: PathName.join(folders, NameBytes.string([0x6E, 0xE9])))
        #expect(try rawNames(in: folders).count == Self.names.count - 1)
        #expect(try rawNames(in: top) == [Array("files".utf8), Array("folders".utf8), Array("links".utf8)])
    }

    /// A child process (tar, a hook) gets the arguments and variables as their bytes.
    @Test func childProcessesGetTheRealBytes() throws {
        let temporary = try TemporaryDirectory("name-bytes-child")
        defer { temporary.remove() }
        let name = NameBytes.string([0x61, 0xE9, 0xFF, 0x62])
        let output = PathName.join(temporary.path, name)
        let status = try Subprocess.run(
            ["/bin/sh", "-c", #"printf '%s|%s' "$1" "$VALUE" > "$1""#, "sh", output],
            environment: ["VALUE": name, "PATH": "/usr/bin:/bin"])
        #expect(status == 0)
        #expect(try rawNames(in: temporary.path) == [[0x61, 0xE9, 0xFF, 0x62]])
        #expect(try fileSystem.readFile(at: output) == NameBytes.bytes(output + "|" + name))
    }

    /// Text files carry paths as their bytes, and read back as the same strings.
    @Test func textFilesCarryTheRealBytes() throws {
        let temporary = try TemporaryDirectory("name-bytes-text")
        defer { temporary.remove() }
        let path = PathName.join(temporary.path, "script.sh")
        let text = "cd -- " + Shell.quote(NameBytes.string([0x2F, 0x78, 0xE9])) + "\n"
        try fileSystem.writeText(text, to: path)
        #expect(try fileSystem.readFile(at: path) == Array("cd -- '/x".utf8) + [0xE9] + Array("'\n".utf8))
        #expect(PathName.sameBytes(try fileSystem.readText(at: path), text))
    }

    /// A record names a path by its real bytes on disk, and reads back as the very same name:
    /// the history the binary and deploy.sh both append to, and a release manifest.
    @Test func recordsCarryNamesAsTheirBytesAndReadThemBack() throws {
        let temporary = try TemporaryDirectory("name-bytes-records")
        defer { temporary.remove() }
        let root = DeployRoot(path: temporary.path)
        try fileSystem.createDirectory(at: root.shared, permissions: 0o755)
        let latin = NameBytes.string(Array("public/fotos".utf8) + [0xE9])
        let decomposed = NameBytes.string(Array("public/cafe\u{301}".utf8))
        let record = HistoryRecord(
            release: "2026-01-01_00-00-00", time: "2026-01-01T00:00:00Z", outcome: .activated, framework: .laravel,
            paths: [PathRecord(path: latin, class: .user, action: .seeded), PathRecord(path: decomposed, class: .user, action: .seeded)],
            host: "h", user: "u")
        try DeploymentHistory.append(Text.json(record), to: root, fileSystem: fileSystem)
        let raw = try fileSystem.readFile(at: root.historyFile)
        func holds(_ needle: [UInt8]) -> Bool {
            raw.indices.contains { raw[$0...].starts(with: needle) }
        }
        #expect(holds(Array("fotos".utf8) + [0xE9]), "the real byte, not an escape")
        #expect(holds(Array("cafe\u{301}".utf8)), "the decomposed name as it is")
        #expect(!holds([0xEF, 0x9F]) && !holds([0xEF, 0x9E]), "no escape's UTF-8")
        let paths = DeploymentHistory.last(root, fileSystem: fileSystem)?.paths.map(\.path) ?? []
        #expect(paths.map(NameBytes.bytes) == [NameBytes.bytes(latin), NameBytes.bytes(decomposed)])

        let manifest = ReleaseManifest(release: "1", shipped: [latin: [NameBytes.string([0xFF])]])
        try fileSystem.createDirectory(at: root.manifests, permissions: 0o755)
        try fileSystem.writeText(manifest.json, to: root.manifest(of: "1"))
        let loaded = ReleaseManifest.load("1", root: root, fileSystem: fileSystem)
        #expect(loaded?.shipped[latin].map { $0.map(NameBytes.bytes) } == [[0xFF]])
    }
}
