import Glibc
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// What only the real file system can show: names that are not UTF-8, a second file system,
/// permissions, and how a failed call reads to the user.
@Suite struct LocalFileSystemTests {
    let fileSystem = LocalFileSystem()

    /// `f\xFFo` and `d\xFE`: names no Swift `String` can hold.
    static let invalidFile: [UInt8] = [0x66, 0xFF, 0x6F]
    static let invalidDirectory: [UInt8] = [0x64, 0xFE]

    /// Runs `body` with `bytes` as a NUL-terminated C path.
    func withRawPath<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }

    /// The names in the directory at raw path `directory`, as bytes, read with readdir(3).
    func rawNames(in directory: [UInt8]) throws -> [[UInt8]] {
        guard let stream = withRawPath(directory, { opendir($0) }) else {
            throw SystemCallError(call: "opendir", path: "raw", code: errno)
        }
        defer { closedir(stream) }
        var names: [[UInt8]] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// A tree with raw names: `src/f\xFFo` (a file) and `src/d\xFE/f\xFFo` (a file in a directory).
    func makeRawTree(at source: String) throws {
        try fileSystem.createDirectory(at: source, permissions: 0o755)
        let base = Array(source.utf8) + [0x2F]
        #expect(withRawPath(base + Self.invalidDirectory) { mkdir($0, 0o750) } == 0)
        for path in [base + Self.invalidFile, base + Self.invalidDirectory + [0x2F] + Self.invalidFile] {
            let descriptor = withRawPath(path) { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640) }
            try #require(descriptor >= 0)
            _ = Array("data".utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
        }
    }

    @Test func copyTreeKeepsNamesThatAreNotUTF8ByteForByte() throws {
        let temporary = try TemporaryDirectory("raw-names")
        defer { temporary.remove() }
        let source = PathName.join(temporary.path, "src")
        let copy = PathName.join(temporary.path, "copy")
        try makeRawTree(at: source)

        try fileSystem.copyTree(from: source, to: copy)

        let copyBytes = Array(copy.utf8)
        #expect(try rawNames(in: copyBytes) == [Self.invalidDirectory, Self.invalidFile])
        #expect(try rawNames(in: copyBytes + [0x2F] + Self.invalidDirectory) == [Self.invalidFile])
        var info = stat()
        #expect(withRawPath(copyBytes + [0x2F] + Self.invalidDirectory) { lstat($0, &info) } == 0)
        #expect(info.st_mode & 0o7777 == 0o750)
        #expect(try fileSystem.files(under: copy).count == 2)
    }

    @Test func removeTreeRemovesNamesThatAreNotUTF8() throws {
        let temporary = try TemporaryDirectory("raw-names")
        defer { temporary.remove() }
        let source = PathName.join(temporary.path, "src")
        try makeRawTree(at: source)
        try fileSystem.removeTree(at: source)
        #expect(try fileSystem.listDirectory(at: temporary.path) == [])
    }

    /// A copy that fails part-way (here on a fifo, which is not app data) leaves nothing behind
    /// that a later run could mistake for a finished copy; an existing destination is untouched.
    @Test func aFailedCopyLeavesNoPartialDestination() throws {
        let temporary = try TemporaryDirectory("partial")
        defer { temporary.remove() }
        let source = PathName.join(temporary.path, "src")
        try fileSystem.createDirectory(at: PathName.join(source, "a"), permissions: 0o755)
        try fileSystem.writeText("data", to: PathName.join(source, "a/file"))
        try #require(mkfifo(PathName.join(source, "z-fifo"), 0o644) == 0)
        let destination = PathName.join(temporary.path, "dst")

        #expect(errnoOf { try fileSystem.copyTree(from: source, to: destination) } == EINVAL)
        #expect(try fileSystem.type(at: destination) == nil)

        try fileSystem.writeText("keep", to: destination)
        #expect(errnoOf { try fileSystem.copyTree(from: source, to: destination) } == EEXIST)
        #expect(try fileSystem.readText(at: destination) == "keep")
    }

    /// /dev/shm is a tmpfs, another file system than the temporary directory on most hosts.
    @Test func renameAcrossFileSystemsFailsWithEXDEV() throws {
        let temporary = try TemporaryDirectory("exdev")
        defer { temporary.remove() }
        var template = Array("/dev/shm/persist-deploy-exdev-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            Issue.record("no /dev/shm here; EXDEV is covered by InMemoryFileSystemTests only")
            return
        }
        let other = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { try? fileSystem.removeTree(at: other) }
        let here = try #require(try fileSystem.status(at: temporary.path, followSymlink: false))
        let there = try #require(try fileSystem.status(at: other, followSymlink: false))
        try #require(here.device != there.device, "/dev/shm shares a device with the temporary folder here")

        try fileSystem.writeText("data", to: PathName.join(temporary.path, "file"))
        #expect(errnoOf {
            try fileSystem.rename(PathName.join(temporary.path, "file"), to: PathName.join(other, "file"), replacing: true)
        } == EXDEV)
        #expect(errnoOf {
            try fileSystem.rename(PathName.join(temporary.path, "file"), to: PathName.join(other, "file"), replacing: false)
        } == EXDEV)
        try fileSystem.copyTree(from: PathName.join(temporary.path, "file"), to: PathName.join(other, "file"))
        #expect(try fileSystem.readText(at: PathName.join(other, "file")) == "data")
    }

    @Test func aReadOnlyDirectoryRefusesWritesUnlessRoot() throws {
        let temporary = try TemporaryDirectory("eacces")
        defer { temporary.remove() }
        let locked = PathName.join(temporary.path, "locked")
        try fileSystem.createDirectory(at: locked, permissions: 0o555)
        defer { try? fileSystem.setPermissions(at: locked, to: 0o755) }
        if geteuid() == 0 {
            // Root ignores permission bits, so EACCES cannot happen here; its mapping to a
            // hint is checked in `permissionErrorsTellTheUserWhatToCheck`.
            try fileSystem.writeText("x", to: PathName.join(locked, "file"))
            return
        }
        #expect(errnoOf { try fileSystem.writeText("x", to: PathName.join(locked, "file")) } == EACCES)
    }

    @Test(arguments: [
        EACCES, EPERM, ENOSPC, EDQUOT, EROFS, ELOOP, EEXIST, ENOENT, ENOTDIR, EISDIR, ENOTEMPTY, EXDEV, ENAMETOOLONG,
        EMFILE, EBUSY, EIO, EINVAL, ESTALE,
    ])
    func systemErrorsTellTheUserWhatToDo(code: Int32) throws {
        let error = ToolError.system(SystemCallError(call: "open", path: "/srv/app/shared/.env", code: code), while: "Seeding '.env'")
        #expect(error.exitCode == .failure)
        #expect(error.message.contains("/srv/app/shared/.env"))
        #expect(error.message.hasPrefix("Seeding '.env' failed: open"))
        let hint = try #require(error.hint)
        #expect(!hint.isEmpty)
    }

    @Test func permissionErrorsTellTheUserWhatToCheck() throws {
        let error = ToolError.system(SystemCallError(call: "mkdir", path: "/srv/app/shared", code: EACCES), while: "Creating shared/")
        #expect(error.message == "Creating shared/ failed: mkdir '/srv/app/shared': Permission denied.")
        #expect(error.hint?.contains("permissions") == true)
        #expect(ToolError.system(SystemCallError(call: "x", path: "p", code: EIO), while: "x").hint?.contains("dmesg") == true)
        #expect(ToolError.system(SystemCallError(call: "copy", path: "p", code: EINVAL), while: "x").hint?.contains("socket") == true)
    }
}
