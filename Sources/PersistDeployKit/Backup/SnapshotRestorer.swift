import Glibc

/// Puts paths of a snapshot back into shared/. Each path is copied (never hard-linked: changing
/// the live data must not change the snapshot) to a temporary name beside it and swapped in
/// with one rename, so at every moment the path holds either the old data or the new.
enum SnapshotRestorer {
    static let freshSuffix = ".restore-new"
    static let asideSuffix = ".restore-old"

    /// Names a crashed restore may have left beside a path in shared/.
    static func isLeftover(_ name: String) -> Bool {
        name.hasPrefix(".") && (name.hasSuffix(freshSuffix) || name.hasSuffix(asideSuffix))
    }

    /// Replaces `shared/relative` with `data/relative`.
    static func swapIn(_ relative: String, from data: String, into shared: String, fileSystem: LocalFileSystem) throws(SystemCallError) {
        let live = PathName.join(shared, relative)
        let parent = PathName.parent(live)
        let name = PathName.basename(live)
        let fresh = PathName.join(parent, "." + name + freshSuffix)
        let aside = PathName.join(parent, "." + name + asideSuffix)
        try fileSystem.createDirectory(at: parent, permissions: 0o755)
        // Leftovers of a restore that crashed: the new copy was unfinished, the old one had been
        // snapshotted before it was moved aside.
        try fileSystem.removeTree(at: fresh)
        try fileSystem.removeTree(at: aside)
        try fileSystem.copyTree(from: PathName.join(data, relative), to: fresh)
        guard try fileSystem.exists(live) else {
            try fileSystem.rename(fresh, to: live, replacing: false)
            try fileSystem.syncDirectory(at: parent)
            return
        }
        do {
            try SystemCall.exchange(fresh, live)
            try fileSystem.syncDirectory(at: parent)
            try fileSystem.removeTree(at: fresh)  // now the replaced data
        } catch where error.code == EINVAL || error.code == ENOSYS {
            // No RENAME_EXCHANGE here: move the old aside, the new in, then drop the old.
            try fileSystem.rename(live, to: aside, replacing: false)
            try fileSystem.rename(fresh, to: live, replacing: false)
            try fileSystem.syncDirectory(at: parent)
            try fileSystem.removeTree(at: aside)
        }
    }
}

extension BackupStore {
    /// Puts snapshot `id` back: all its paths, or only `path` (a path it holds, or one inside
    /// it). First snapshots `persistentPaths` (data rule 1: what is replaced is kept). The
    /// caller holds the deploy lock.
    package func restore(
        _ id: String, path: String?, persistentPaths: [String], console: Console?
    ) throws(ToolError) -> RestoreOutcome {
        let found: Record?
        do {
            found = ReleaseID.isValid(id) ? try self.record(of: id) : nil
        } catch {
            throw ToolError.system(error, while: "Reading the backup '\(folder(of: id))'")
        }
        guard let record = found else {
            let known = try list().prefix(5).map(\.id).joined(separator: ", ")
            throw ToolError(
                "There is no backup '\(id)' in '\(root.backups)'.",
                hint: known.isEmpty ? "There are no backups yet; nothing was changed." : "The newest: \(known). Nothing was changed.")
        }
        let data = PathName.join(folder(of: id), Self.dataFolder)
        let targets: [String]
        if let path {
            let wanted = PathName.normalize(path)
            let inside = (try? fileSystem.exists(PathName.join(data, wanted))) ?? false
            guard !wanted.hasPrefix("/"), !PathName.components(wanted).contains(".."),
                record.paths.contains(where: { PathName.isWithin(wanted, $0) }), inside
            else {
                throw ToolError(
                    "The backup '\(folder(of: id))' holds no '\(path)'.",
                    hint: "It holds: \(record.paths.joined(separator: ", ")). Nothing was changed.", exitCode: .usage)
            }
            targets = [wanted]
        } else {
            targets = record.paths
        }
        var checked: [FileIdentity: String] = [:]
        let problems = try verify(id, checked: &checked, progress: console?.meter(verb: "checking", label: "backup \(id)"))
        guard problems.isEmpty else {
            throw ToolError(
                "The backup '\(folder(of: id))' does not match its manifest: \(problems.prefix(5).joined(separator: "; ")).",
                hint: "Choose another backup ('persist-deploy backups --verify'). Nothing was changed.")
        }
        let keepEverything = Int.max
        let before = try create(
            persistentPaths: Set((persistentPaths + record.paths).map(NameBytes.Key.init)).map(\.string), keep: keepEverything,
            console: console)
        var restoring = fileSystem
        restoring.progress = console
        for target in targets {
            console?.detail("  restore shared/\(target) from backup \(id)")
            do {
                try SnapshotRestorer.swapIn(target, from: data, into: root.shared, fileSystem: restoring)
                CrashHook.operationDone()
            } catch {
                throw ToolError(
                    "Restoring '\(PathName.join(root.shared, target))' from \(id) failed: \(error.call) '\(error.path)': \(error.reason).",
                    hint: "What was there before is in backup \(before.id); paths restored so far are from \(id). "
                        + ToolError.hint(for: error))
            }
        }
        return RestoreOutcome(restored: id, paths: targets, previousState: before)
    }
}
