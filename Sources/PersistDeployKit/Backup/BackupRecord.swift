import Glibc

/// One finished snapshot, as the contract's `backups` JSON shows it.
package struct BackupInfo: Sendable, Codable, Equatable {
    package var id: String
    /// UTC, ISO 8601.
    package var created: String
    /// Files and links in the snapshot.
    package var files: Int
    /// Bytes of the files' contents.
    package var bytes: Int64

    package init(id: String, created: String, files: Int, bytes: Int64) {
        self.id = id
        self.created = created
        self.files = files
        self.bytes = bytes
    }
}

/// A persistent path a snapshot holds, with what it counted there.
package struct SavedPath: Sendable, Codable, Equatable {
    package var path: String
    package var files: Int
    package var bytes: Int64
    /// Seconds since 1970 of the newest modification below it; nil when it holds nothing.
    package var newestChange: Double?
    /// Where the data was, when a link of the deploy root was followed to get there.
    package var location: String?
}

/// A persistent path a backup could not save, and why.
package struct UnsavedPath: Sendable, Codable, Equatable {
    package var path: String
    package var reason: String

    package var sentence: String { "shared/\(NameBytes.display(path)) \(reason)" }
}

/// What `backup` did: the snapshot, each path it saved, the paths with nothing to save and the
/// paths it could not save (the command then exits 1 naming them).
package struct BackupOutcome: Sendable, Equatable {
    package var info: BackupInfo
    package var saved: [SavedPath]
    package var absent: [String]
    package var unsaved: [UnsavedPath]
}

/// `backup --json`: the contract's fields plus each saved path.
struct BackupResult: Encodable {
    var id: String
    var created: String
    var files: Int
    var bytes: Int64
    var paths: [SavedPath]
    /// Persistent paths with nothing in them yet.
    var empty: [String]

    init(_ outcome: BackupOutcome) {
        id = outcome.info.id
        created = outcome.info.created
        files = outcome.info.files
        bytes = outcome.info.bytes
        paths = outcome.saved
        empty = outcome.absent
    }
}

/// What `restore` did.
package struct RestoreOutcome: Sendable, Codable, Equatable {
    /// The snapshot put back.
    package var restored: String
    /// The paths (relative to shared/) that were replaced.
    package var paths: [String]
    /// The snapshot of what was there before.
    package var previousState: BackupInfo
}

extension BackupStore {
    /// `backup.json`: the listed fields plus the paths the snapshot holds.
    struct Record: Codable {
        var id: String
        var created: String
        var files: Int
        var bytes: Int64
        var paths: [String]
        /// Each saved path with its counts (absent in snapshots of earlier versions).
        var saved: [SavedPath]?
        /// Paths the backup could not save.
        var unsaved: [UnsavedPath]?

        var info: BackupInfo { BackupInfo(id: id, created: created, files: files, bytes: bytes) }
    }
}

/// `PERSIST_DEPLOY_CRASH_AFTER=k` for `backup` and `restore`: the process kills itself with
/// SIGKILL right after its k-th step, as the plan executor does after its k-th operation, so the
/// crash tests can stop it at each step and check what a rerun finds.
package final class CrashCountdown: @unchecked Sendable {
    private let crashAfter: Int?
    private var done = 0

    package init(environment: [String: String]) {
        crashAfter = environment["PERSIST_DEPLOY_CRASH_AFTER"].flatMap { Int($0) }
    }

    /// Counts a finished step (called on the command's own thread only).
    func step() {
        done += 1
        if let crashAfter, done == crashAfter { kill(getpid(), SIGKILL) }
    }
}
