import Glibc
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The two implementations every contract test runs against.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case local, inMemory

    var testDescription: String { rawValue }
}

/// A scratch directory on one backend: a fresh temporary directory for `LocalFileSystem`, a
/// fresh `/sandbox` in a new `InMemoryFileSystem`.
struct FileSystemSandbox {
    let backend: Backend
    let fileSystem: any FileSystem
    let root: String
    private let temporary: TemporaryDirectory?

    init(_ backend: Backend) throws {
        self.backend = backend
        switch backend {
        case .local:
            let temporary = try TemporaryDirectory("contract")
            self.temporary = temporary
            fileSystem = LocalFileSystem()
            root = temporary.path
        case .inMemory:
            temporary = nil
            fileSystem = InMemoryFileSystem()
            root = "/sandbox"
            try fileSystem.createDirectory(at: root, permissions: 0o755)
        }
    }

    func path(_ relative: String) -> String { PathName.join(root, relative) }

    func write(_ relative: String, _ text: String = "x", permissions: UInt32 = 0o644) throws {
        try fileSystem.createDirectory(at: PathName.parent(path(relative)), permissions: 0o755)
        try fileSystem.writeText(text, to: path(relative), permissions: permissions)
    }

    func mkdir(_ relative: String, permissions: UInt32 = 0o755) throws {
        try fileSystem.createDirectory(at: path(relative), permissions: permissions)
    }

    func link(_ relative: String, to target: String) throws {
        try fileSystem.createSymlink(at: path(relative), target: target)
    }

    func read(_ relative: String) throws -> String { try fileSystem.readText(at: path(relative)) }

    func type(_ relative: String) throws -> EntryType? { try fileSystem.type(at: path(relative)) }

    func mode(_ relative: String) throws -> UInt32? {
        try fileSystem.status(at: path(relative), followSymlink: false)?.permissions
    }

    /// Sets a modification time without following a final link (`touch -h -d @seconds`).
    func setModificationTime(_ relative: String, to seconds: Int) throws {
        switch backend {
        case .local:
            var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
            if utimensat(AT_FDCWD, path(relative), &times, AT_SYMLINK_NOFOLLOW) != 0 {
                throw SystemCallError(call: "utimensat", path: path(relative), code: errno)
            }
        case .inMemory:
            guard let memory = fileSystem as? InMemoryFileSystem else { return }
            try memory.setModificationTime(at: path(relative), to: Double(seconds))
        }
    }

    func remove() { temporary?.remove() }
}

/// The errno a call threw, or nil when it did not throw.
func errnoOf(_ body: () throws -> Void) -> Int32? {
    do {
        try body()
        return nil
    } catch let error as SystemCallError {
        return error.code
    } catch {
        Issue.record("Expected a SystemCallError, got \(error)")
        return -1
    }
}
