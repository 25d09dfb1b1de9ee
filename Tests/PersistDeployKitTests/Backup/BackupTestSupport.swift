import Foundation
import PersistDeployTestSupport
import Testing

@testable import PersistDeployKit

/// A deploy root in a temporary directory with a small shared/ holding app data, and a way to
/// run commands on it in process.
struct BackupFixture {
    let directory: TemporaryDirectory
    var root: String { directory.path }
    var shared: String { PathName.join(root, "shared") }
    let fileSystem = LocalFileSystem()

    init(_ label: String) throws {
        directory = try TemporaryDirectory(label)
        try write("storage/app/invoice.pdf", "invoice 1")
        try write("storage/logs/laravel.log", "log line\n")
        try write("public/uploads/avatar.png", "png bytes")
        try write(".env", "APP_KEY=secret\n", permissions: 0o600)
        try write("health-check.sh", "#!/bin/sh\n")  // a tool file: never backed up
        try makeOld()
    }

    /// Moves every file's modification time an hour back, so a backup trusts size and time
    /// (a file changed in the second a backup starts is always copied again).
    func makeOld() throws {
        let hourAgo = timespec(tv_sec: time(nil) - 3600, tv_nsec: 0)
        for file in try fileSystem.files(under: shared) {
            var times = [hourAgo, hourAgo]
            // The name's real bytes: the random trees hold names that are not UTF-8.
            #expect(NameBytes.withCString(path(file)) { utimensat(AT_FDCWD, $0, &times, AT_SYMLINK_NOFOLLOW) } == 0)
        }
    }

    func path(_ relative: String) -> String { PathName.join(shared, relative) }

    /// Writes the record a Laravel deploy leaves: public/uploads, storage and .env persistent.
    func writeRecord() throws {
        let root = DeployRoot(path: root)
        let classification = Classification(
            detection: DetectionResult(framework: .laravel, webRoot: "public", evidence: []),
            paths: [
                ClassifiedPath(path: "public/uploads", kind: .dir, class: .user, reason: "test"),
                ClassifiedPath(path: "storage", kind: .dir, class: .runtime, reason: "test"),
                ClassifiedPath(path: ".env", kind: .file, class: .config, reason: "test"),
            ])
        try PersistenceRecord(classification: classification, root: root, updated: "now").save(to: root, fileSystem: fileSystem)
    }

    func write(_ relative: String, _ text: String, permissions: UInt32 = 0o644) throws {
        try fileSystem.createDirectory(at: PathName.parent(path(relative)), permissions: 0o755)
        try fileSystem.writeText(text, to: path(relative), permissions: permissions)
    }

    func read(_ relative: String) throws -> String { try fileSystem.readText(at: path(relative)) }

    /// Runs `arguments` with `--root` and returns the exit code and what was printed.
    @discardableResult
    func run(_ arguments: [String], now: (@Sendable () -> Date)? = nil) -> CommandOutput {
        var context = Context.live()
        context.workingDirectory = root
        if let now { context.now = now }
        let output = CommandOutput()
        output.code = CommandLineTool.run(
            arguments: arguments + ["--root", root], context: context,
            stdout: { output.out += $0 }, stderr: { output.err += $0 })
        return output
    }

    func store(now: @escaping @Sendable () -> Date = { Date() }) -> BackupStore {
        BackupStore(root: DeployRoot(path: root), now: now)
    }

    func backupFolders() throws -> [String] {
        try fileSystem.listDirectory(at: PathName.join(root, "backups"))
    }

    func inode(_ path: String) throws -> UInt64 {
        try #require(try fileSystem.status(at: path, followSymlink: false)).inode
    }
}

final class CommandOutput: @unchecked Sendable {
    var code: Int32 = -1
    var out = ""
    var err = ""
}

/// A clock that moves one second a call, so each backup gets its own id.
final class SteppingClock: @unchecked Sendable {
    private var seconds: Double
    private let lock = NSLock()

    init(start: Double = 1_795_000_000) { seconds = start }

    func now() -> Date {
        lock.lock()
        defer { lock.unlock() }
        seconds += 1
        return Date(timeIntervalSince1970: seconds)
    }
}
