import Glibc

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

    package let root: DeployRoot
    let fileSystem: LocalFileSystem
    let now: @Sendable () -> Date
    let countdown: CrashCountdown

    package init(
        root: DeployRoot, fileSystem: LocalFileSystem = LocalFileSystem(), now: @escaping @Sendable () -> Date,
        environment: [String: String] = [:]
    ) {
        self.root = root
        self.fileSystem = fileSystem
        self.now = now
        countdown = CrashCountdown(environment: environment)
    }

    package func folder(of id: String) -> String { PathName.join(root.backups, id) }

    /// The paths to back up: the record's persistent paths, or before the first deploy everything
    /// in shared/ but the tool's own files.
    package static func persistentPaths(root: DeployRoot, fileSystem: any FileSystem) throws(ToolError) -> [String] {
        if let record = try PersistenceRecord.load(from: root, fileSystem: fileSystem) {
            return record.persistentPaths.map(\.path)
        }
        do {
            // shared/ itself may be a link (to a data disk): its contents are what counts.
            guard let shared = PathResolver.resolve(root.shared, fileSystem: fileSystem),
                try fileSystem.isDirectory(shared)
            else { return [] }
            return try fileSystem.listDirectory(at: shared).filter {
                !DeployRoot.isToolFileInShared($0) && !SnapshotRestorer.isLeftover($0)
            }
        } catch {
            throw ToolError.system(error, while: "Listing '\(root.shared)'")
        }
    }

    // MARK: - Creating

    /// Snapshots `persistentPaths` of shared/ where they live (links of the deploy root
    /// followed), then removes all but the newest `keep` snapshots. Paths it cannot save are in
    /// the outcome's `unsaved`; the snapshot holds the rest. The caller holds the deploy lock.
    package func create(persistentPaths: [String], keep: Int, console: Console?) throws(ToolError) -> BackupOutcome {
        guard keep >= 1 else { throw ToolError.usage("A backup must keep at least 1 snapshot (--keep).", command: "backup") }
        guard !PathName.isWithin(root.backups, root.shared) else {
            throw ToolError(
                "The backups folder '\(root.backups)' lies inside the shared folder '\(root.shared)'.",
                hint: "A snapshot must never be inside what it saves; use a shared folder outside the deploy root's backups/.")
        }
        guard (try? fileSystem.isDirectory(root.shared, followSymlink: true)) == true else {
            throw ToolError(
                "There is no shared folder at '\(root.shared)' to back up.",
                hint: "Check --root, or deploy first (a link to a disk that is not mounted also looks like this). Nothing was changed.")
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
        countdown.step()
        var sources: [SnapshotSource] = []
        var absent: [String] = []
        var unsaved: [UnsavedPath] = []
        for path in Self.outermost(persistentPaths) {
            switch PersistentLocation.lookUp(path, root: root, fileSystem: fileSystem) {
            case .found(let location): sources.append(SnapshotSource(path: path, location: location))
            case .absent: absent.append(path)
            case .unusable(let reason): unsaved.append(UnsavedPath(path: path, reason: reason))
            }
        }
        // In manifest order, which the snapshot is written and verified in.
        sources = (sources + servedSources(persistentPaths)).sorted { Manifest.precedes(NameBytes.bytes($0.path), NameBytes.bytes($1.path)) }
        let created = now()
        let id = ReleaseID.next(at: created, taken: Set(names))
        let temporary = PathName.join(root.backups, Self.temporaryPrefix + id)
        let record: Record
        do {
            record = try build(id: id, created: created, in: temporary, sources: sources, unsaved: unsaved, console: console)
            try SystemCall.renameNoReplace(temporary, to: folder(of: id))
            try fileSystem.syncDirectory(at: root.backups)
        } catch {
            try? fileSystem.removeTree(at: temporary)
            throw ToolError.system(error, while: "Backing up '\(root.shared)' into '\(temporary)'")
        }
        countdown.step()
        let saved = record.saved ?? []
        let counted = now().timeIntervalSince1970
        try? DataCounts.update(
            root,
            with: saved.map { DataCounts.Count(path: $0.path, files: $0.files, bytes: $0.bytes, newestChange: $0.newestChange, counted: counted, by: "backup \(id)") }
                + absent.map { DataCounts.Count(path: $0, files: 0, bytes: 0, newestChange: nil, counted: counted, by: "backup \(id)") },
            fileSystem: fileSystem)
        try prune(keep: keep, console: console)
        return BackupOutcome(info: record.info, saved: saved, absent: absent, unsaved: unsaved)
    }

    /// The paths sorted in manifest order, without those inside another (saved with it).
    static func outermost(_ paths: [String]) -> [String] {
        var result: [String] = []
        let sorted = Set(paths.map(PathName.normalize).map(NameBytes.Key.init)).map(\.string)
            .sorted { Manifest.precedes(NameBytes.bytes($0), NameBytes.bytes($1)) }
        for path in sorted where !result.contains(where: { PathName.isWithin(path, $0) }) {
            result.append(path)
        }
        return result
    }

    private func build(
        id: String, created: Date, in temporary: String, sources: [SnapshotSource], unsaved: [UnsavedPath], console: Console?
    ) throws(SystemCallError) -> Record {
        try SystemCall.makeDirectory(at: temporary, mode: 0o700)
        let data = PathName.join(temporary, Self.dataFolder)
        try SystemCall.makeDirectory(at: data, mode: 0o700)
        let parts = PathName.join(temporary, "manifest-parts")
        try SystemCall.makeDirectory(at: parts, mode: 0o700)
        var clock = timespec()
        clock_gettime(CLOCK_REALTIME, &clock)
        let started = Int(clock.tv_sec)
        let meter = console?.meter(verb: "backing up", label: ProgressMeter.shortLabel(root.shared))
        var builder = SnapshotBuilder(
            previous: latestSnapshot(), data: data, parts: parts, shared: root.shared, sources: sources.count, progress: meter)
        var held: [SnapshotSource] = []
        for (index, source) in sources.enumerated() {
            let location = source.location == PathName.join(root.shared, source.path) ? "" : " (at \(source.location))"
            console?.detail("  back up shared/\(NameBytes.display(source.path))\(location)")
            if try builder.add(source, index: index) { held.append(source) }
        }
        let threads = min(SystemCall.processorCount, 4)
        if threads > 1 { try builder.splitJobs(toAtLeast: threads * 8) }
        try builder.runJobs(threads: threads)
        try builder.finish()
        console?.endProgress()
        let copier = builder.main
        for warning in copier.warnings { console?.warn(warning) }
        try builder.writeManifest(to: PathName.join(temporary, Self.manifestFile), started: started)
        try fileSystem.removeTree(at: parts)
        let saved = held.map { source in
            let tally = copier.tallies[sources.firstIndex(of: source)!]
            return SavedPath(
                path: source.path, files: tally.files, bytes: tally.bytes, newestChange: tally.newestChange,
                location: PersistentLocation.followedLink(source.location, path: source.path, root: root, fileSystem: fileSystem))
        }
        let record = Record(
            id: id, created: Timestamp.iso8601(created), files: saved.reduce(0) { $0 + $1.files },
            bytes: saved.reduce(0) { $0 + $1.bytes }, paths: held.map(\.path), saved: saved,
            unsaved: unsaved.isEmpty ? nil : unsaved)
        try fileSystem.writeText(Text.json(record, pretty: true) + "\n", to: PathName.join(temporary, Self.recordFile), permissions: 0o600)
        countdown.step()
        // One flush of the file system instead of an fsync per file: after a power cut the
        // renamed snapshot holds its data, not empty files.
        let descriptor = try SystemCall.open(temporary, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(descriptor) }
        try SystemCall.syncFileSystem(of: descriptor, label: temporary)
        countdown.step()
        console?.detail("Backup \(id): \(Text.count(record.files, "file")), \(copier.reused) unchanged and hard-linked to the previous snapshot.")
        return record
    }

    /// The newest finished snapshot with an ordered manifest, for hard-linking unchanged files
    /// (after a snapshot of an earlier version, one backup copies everything again).
    private func latestSnapshot() -> PreviousSnapshot? {
        guard let newest = try? list().first,
            let manifest = try? ManifestFile.open(PathName.join(folder(of: newest.id), Self.manifestFile), sortingUnordered: false)
        else { return nil }
        return PreviousSnapshot(data: PathName.join(folder(of: newest.id), Self.dataFolder), manifest: manifest)
    }

    private func prune(keep: Int, console: Console?) throws(ToolError) {
        let snapshots = try list()
        for old in snapshots.dropFirst(keep) {
            do {
                // Renamed aside first, so a crash half-way through removal leaves a `.tmp-`
                // folder (removed by the next backup), never a damaged snapshot that is listed.
                let aside = PathName.join(root.backups, Self.temporaryPrefix + "removing-" + old.id)
                try SystemCall.renameNoReplace(folder(of: old.id), to: aside)
                countdown.step()
                try fileSystem.removeTree(at: aside)
                countdown.step()
                console?.detail("  removed old backup \(old.id)")
            } catch {
                throw ToolError.system(error, while: "Removing the old backup '\(folder(of: old.id))'")
            }
        }
    }
}
