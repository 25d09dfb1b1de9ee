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

/// What `restore` did.
package struct RestoreOutcome: Sendable, Codable, Equatable {
    /// The snapshot put back.
    package var restored: String
    /// The paths (relative to shared/) that were replaced.
    package var paths: [String]
    /// The snapshot of what was there before.
    package var previousState: BackupInfo
}

/// Snapshots of shared/ under `ROOT/backups/<ID>/`:
///
/// ```
/// backups/2026-11-22_14-30-00/
///   data/            the persistent paths, laid out as in shared/
///   manifest.tsv     every entry with mode, size, time and SHA-256 (see `Manifest`)
///   backup.json      id, created, files, bytes and the paths it holds
/// ```
///
/// A snapshot is built in `backups/.tmp-<ID>` and renamed into place when complete, so a
/// snapshot that is listed is whole. Callers hold the deploy lock. Snapshots are made on the real
/// disk (hard links, descriptors), so the store works on `LocalFileSystem`.
package struct BackupStore {
    package static let defaultKeep = 24
    static let dataFolder = "data"
    static let manifestFile = "manifest.tsv"
    static let recordFile = "backup.json"
    static let temporaryPrefix = ".tmp-"

    /// `backup.json`: the listed fields plus the paths the snapshot holds.
    struct Record: Codable {
        var id: String
        var created: String
        var files: Int
        var bytes: Int64
        var paths: [String]

        var info: BackupInfo { BackupInfo(id: id, created: created, files: files, bytes: bytes) }
    }

    package let root: DeployRoot
    let fileSystem: LocalFileSystem
    let now: @Sendable () -> Date

    package init(root: DeployRoot, fileSystem: LocalFileSystem = LocalFileSystem(), now: @escaping @Sendable () -> Date) {
        self.root = root
        self.fileSystem = fileSystem
        self.now = now
    }

    package func folder(of id: String) -> String { PathName.join(root.backups, id) }

    /// The paths to back up: the record's persistent paths, or before the first deploy everything
    /// in shared/ but the tool's own files.
    package static func persistentPaths(root: DeployRoot, fileSystem: any FileSystem) throws(ToolError) -> [String] {
        if let record = try PersistenceRecord.load(from: root, fileSystem: fileSystem) {
            return record.persistentPaths.map(\.path)
        }
        do {
            guard try fileSystem.isDirectory(root.shared) else { return [] }
            return try fileSystem.listDirectory(at: root.shared).filter {
                !DeployRoot.toolFilesInShared.contains($0) && !SnapshotRestorer.isLeftover($0)
            }
        } catch {
            throw ToolError.system(error, while: "Listing '\(root.shared)'")
        }
    }

    // MARK: - Creating

    /// Snapshots `persistentPaths` of shared/, then removes all but the newest `keep` snapshots.
    /// The caller holds the deploy lock.
    package func create(persistentPaths: [String], keep: Int, console: Console?) throws(ToolError) -> BackupInfo {
        guard keep >= 1 else { throw ToolError.usage("A backup must keep at least 1 snapshot (--keep).", command: "backup") }
        guard !PathName.isWithin(root.backups, root.shared) else {
            throw ToolError(
                "The backups folder '\(root.backups)' lies inside the shared folder '\(root.shared)'.",
                hint: "A snapshot must never be inside what it saves; use a shared folder outside the deploy root's backups/.")
        }
        let sharedExists: Bool
        do {
            sharedExists = try fileSystem.isDirectory(root.shared, followSymlink: true)
        } catch {
            throw ToolError.system(error, while: "Reading '\(root.shared)'")
        }
        guard sharedExists else {
            throw ToolError(
                "There is no shared folder at '\(root.shared)' to back up.",
                hint: "Check --root, or deploy first. Nothing was changed.")
        }
        let names: [String]
        do {
            try fileSystem.createDirectory(at: root.backups, permissions: 0o700)
            names = try fileSystem.listDirectory(at: root.backups)
            // An interrupted backup left its unfinished folder; it was never listed.
            for name in names where name.hasPrefix(Self.temporaryPrefix) {
                try fileSystem.removeTree(at: PathName.join(root.backups, name))
            }
        } catch {
            throw ToolError.system(error, while: "Preparing '\(root.backups)'")
        }
        let created = now()
        let id = ReleaseID.next(at: created, taken: Set(names))
        let temporary = PathName.join(root.backups, Self.temporaryPrefix + id)
        let record: Record
        do {
            record = try build(id: id, created: created, in: temporary, paths: persistentPaths, console: console)
            CrashHook.operationDone()
            try SystemCall.renameNoReplace(temporary, to: folder(of: id))
            try fileSystem.syncDirectory(at: root.backups)
            CrashHook.operationDone()
        } catch {
            try? fileSystem.removeTree(at: temporary)
            throw ToolError.system(error, while: "Backing up '\(root.shared)' into '\(temporary)'")
        }
        try prune(keep: keep, console: console)
        return record.info
    }

    private func build(
        id: String, created: Date, in temporary: String, paths: [String], console: Console?
    ) throws(SystemCallError) -> Record {
        try SystemCall.makeDirectory(at: temporary, mode: 0o700)
        let data = PathName.join(temporary, Self.dataFolder)
        try SystemCall.makeDirectory(at: data, mode: 0o700)
        let meter = console?.meter(verb: "backing up", label: ProgressMeter.shortLabel(root.shared))
        var writer = SnapshotWriter(previous: latestSnapshot(), progress: meter)
        // A path inside another one is already saved with it.
        var sortedPaths: [String] = []
        // By bytes: two names equal to Swift's == (NFC and NFD) are two paths to save.
        let unique = Set(paths.map { NameBytes.Key(PathName.normalize($0)) }).sorted().map(\.string)
        for path in unique where !sortedPaths.contains(where: { PathName.isWithin(path, $0) }) {
            sortedPaths.append(path)
        }
        for path in sortedPaths {
            console?.detail("  back up shared/\(path)")
            try writer.add(path, from: root.shared, into: data)
        }
        try runJobs(of: &writer)
        try writer.finish()
        for warning in writer.warnings { console?.warn(warning) }
        let saved = Set(writer.manifest.entries.map(\.path))
        let held = sortedPaths.filter { saved.contains(NameBytes.bytes($0)) }
        let record = Record(id: id, created: Timestamp.iso8601(created), files: writer.files, bytes: writer.bytes, paths: held)
        try fileSystem.writeFile(at: PathName.join(temporary, Self.manifestFile), contents: writer.manifest.encoded(), permissions: 0o600)
        try fileSystem.writeText(Text.json(record, pretty: true) + "\n", to: PathName.join(temporary, Self.recordFile), permissions: 0o600)
        // One flush of the file system instead of an fsync per file: after a power cut the
        // renamed snapshot holds its data, not empty files.
        let descriptor = try SystemCall.open(temporary, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(descriptor) }
        try SystemCall.syncFileSystem(of: descriptor, label: temporary)
        console?.detail("Backup \(id): \(Text.count(writer.files, "file")), \(writer.reused) unchanged and hard-linked to the previous snapshot.")
        return record
    }

    /// Copies the directories `add` left as jobs, on one thread per processor (up to 4): the
    /// walk is system calls and the checksums are arithmetic, and both scale with threads.
    private func runJobs(of writer: inout SnapshotWriter) throws(SystemCallError) {
        let threads = min(SystemCall.processorCount, 4)
        if threads > 1 { try writer.splitJobs(toAtLeast: threads * 8) }
        let jobs = writer.jobs
        let workers = min(threads, jobs.count)
        guard workers > 1 else {
            for job in jobs { try writer.run(job) }
            return
        }
        /// Each worker's writer and error, in slots only that worker writes.
        final class Results: @unchecked Sendable {
            let template: SnapshotWriter
            let writers: UnsafeMutableBufferPointer<SnapshotWriter?>
            let errors: UnsafeMutableBufferPointer<SystemCallError?>

            init(template: SnapshotWriter, workers: Int) {
                self.template = template
                writers = .allocate(capacity: workers)
                writers.initialize(repeating: nil)
                errors = .allocate(capacity: workers)
                errors.initialize(repeating: nil)
            }

            deinit {
                writers.deinitialize().deallocate()
                errors.deinitialize().deallocate()
            }
        }
        let results = Results(template: writer, workers: workers)
        let counter = JobCounter(count: jobs.count)
        SystemCall.runOnThreads(workers) { worker in
            var local = results.template.worker()
            while let index = counter.take() {
                do throws(SystemCallError) {
                    try local.run(jobs[index])
                } catch {
                    results.errors[worker] = error
                    break
                }
            }
            results.writers[worker] = local
        }
        if let error = results.errors.compactMap({ $0 }).first { throw error }
        for local in results.writers.compactMap({ $0 }) { writer.absorb(local) }
    }

    /// The newest finished snapshot with a readable manifest, for hard-linking unchanged files.
    private func latestSnapshot() -> SnapshotWriter.Previous? {
        guard let newest = try? list().first,
            let bytes = try? fileSystem.readFile(at: PathName.join(folder(of: newest.id), Self.manifestFile)),
            let manifest = Manifest.decode(bytes)
        else { return nil }
        return SnapshotWriter.Previous(
            data: PathName.join(folder(of: newest.id), Self.dataFolder), entries: manifest.byPath(),
            trustedBefore: manifest.started)
    }

    private func prune(keep: Int, console: Console?) throws(ToolError) {
        let snapshots = try list()
        for old in snapshots.dropFirst(keep) {
            do {
                // Renamed aside first, so a crash half-way through removal leaves a `.tmp-`
                // folder (removed by the next backup), never a damaged snapshot that is listed.
                let aside = PathName.join(root.backups, Self.temporaryPrefix + "removing-" + old.id)
                try SystemCall.renameNoReplace(folder(of: old.id), to: aside)
                try fileSystem.removeTree(at: aside)
                console?.detail("  removed old backup \(old.id)")
                CrashHook.operationDone()
            } catch {
                throw ToolError.system(error, while: "Removing the old backup '\(folder(of: old.id))'")
            }
        }
    }

    // MARK: - Reading

    /// Finished snapshots, newest first.
    package func list() throws(ToolError) -> [BackupInfo] {
        do {
            guard try fileSystem.isDirectory(root.backups) else { return [] }
            var found: [BackupInfo] = []
            for name in try fileSystem.listDirectory(at: root.backups) where ReleaseID.isValid(name) {
                if let record = try record(of: name) { found.append(record.info) }
            }
            return found.sorted { ReleaseID.isOlder($1.id, than: $0.id) }
        } catch {
            throw ToolError.system(error, while: "Listing the backups in '\(root.backups)'")
        }
    }

    /// The snapshot's `backup.json`; nil when it is missing or unreadable (not a snapshot).
    func record(of id: String) throws(SystemCallError) -> Record? {
        let path = PathName.join(folder(of: id), Self.recordFile)
        guard try fileSystem.exists(path) else { return nil }
        guard let record = try? JSONDecoder().decode(Record.self, from: Data(try fileSystem.readText(at: path).utf8)),
            record.id == id
        else { return nil }
        return record
    }

    /// What in snapshot `id` differs from its manifest, one line a problem; empty when intact.
    /// `checked` carries checksums already computed by inode, since unchanged files are shared
    /// between snapshots.
    package func verify(
        _ id: String, checked: inout [FileIdentity: String], progress: ProgressMeter? = nil
    ) throws(ToolError) -> [String] {
        let manifestPath = PathName.join(folder(of: id), Self.manifestFile)
        guard let bytes = try? fileSystem.readFile(at: manifestPath), let manifest = Manifest.decode(bytes) else {
            return ["\(manifestPath): the manifest is missing or unreadable"]
        }
        do {
            return try SnapshotVerifier.problems(
                data: PathName.join(folder(of: id), Self.dataFolder), manifest: manifest, checked: &checked,
                progress: progress)
        } catch {
            throw ToolError.system(error, while: "Checking the backup '\(folder(of: id))'")
        }
    }
}
