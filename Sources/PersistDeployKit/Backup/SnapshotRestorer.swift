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

    /// Replaces `swap.live` with `data/swap.path`, counting a step after the copy, the swap and
    /// the removal of what was replaced.
    static func swapIn(
        _ swap: RestoreJournal.Swap, from data: String, fileSystem: LocalFileSystem, countdown: CrashCountdown
    ) throws(SystemCallError) {
        let parent = PathName.parent(swap.live)
        try fileSystem.createDirectory(at: parent, permissions: 0o755)
        try fileSystem.copyTree(from: PathName.join(data, swap.path), to: swap.fresh)
        countdown.step()
        guard try fileSystem.exists(swap.live) else {
            try fileSystem.rename(swap.fresh, to: swap.live, replacing: false)
            try fileSystem.syncDirectory(at: parent)
            countdown.step()
            return
        }
        do {
            try SystemCall.exchange(swap.fresh, swap.live)
            try fileSystem.syncDirectory(at: parent)
            countdown.step()
            try fileSystem.removeTree(at: swap.fresh)  // now the replaced data
        } catch where error.code == EINVAL || error.code == ENOSYS {
            // No RENAME_EXCHANGE here: move the old aside, the new in, then drop the old.
            try fileSystem.rename(swap.live, to: swap.aside, replacing: false)
            try fileSystem.rename(swap.fresh, to: swap.live, replacing: false)
            try fileSystem.syncDirectory(at: parent)
            countdown.step()
            try fileSystem.removeTree(at: swap.aside)
        }
        countdown.step()
    }
}

extension BackupStore {
    /// Puts snapshot `id` back: all its paths, or only `path` (a path it holds, or one inside
    /// it), where they live now (links of the deploy root followed). First snapshots
    /// `persistentPaths` (data rule 1: what is replaced is kept) and writes the restore journal,
    /// so a killed restore's copies are cleaned by the next command. The caller holds the lock.
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
        let targets = try targets(of: record, path: path, data: data)
        let problems = try verify(id, progress: console?.meter(verb: "checking", label: "backup \(id)")).problems
        guard problems.isEmpty else {
            throw ToolError(
                "The backup '\(folder(of: id))' does not match its manifest: \(problems.prefix(5).joined(separator: "; ")).",
                hint: "Choose another backup ('persist-deploy backups --verify'). Nothing was changed.")
        }
        countdown.step()
        let swaps = try plannedSwaps(targets)
        let keepEverything = Int.max
        let before = try create(
            persistentPaths: Set((persistentPaths + record.paths).map(NameBytes.Key.init)).map(\.string), keep: keepEverything,
            console: console)
        let unsafe = before.unsaved.filter { unsaved in
            targets.contains { PathName.isWithin($0, unsaved.path) || PathName.isWithin(unsaved.path, $0) }
        }
        guard unsafe.isEmpty else {
            throw ToolError(
                "What restore would replace could not be backed up first: \(unsafe.map(\.sentence).joined(separator: "; ")).",
                hint: "Fix that path (or restore only other paths with --path); nothing was replaced.")
        }
        let journal = RestoreJournal(snapshot: id, before: before.info.id, swaps: swaps)
        do {
            try journal.save(root, fileSystem: fileSystem)
        } catch {
            throw ToolError.system(error, while: "Writing the restore journal '\(root.restoreJournal)'")
        }
        countdown.step()
        var restoring = fileSystem
        restoring.progress = console
        for swap in swaps {
            console?.detail("  restore shared/\(swap.path) from backup \(id)" + (swap.live == PathName.join(root.shared, swap.path) ? "" : " (at \(swap.live))"))
            do {
                try SnapshotRestorer.swapIn(swap, from: data, fileSystem: restoring, countdown: countdown)
            } catch {
                throw ToolError(
                    "Restoring '\(swap.live)' from \(id) failed: \(error.call) '\(error.path)': \(error.reason).",
                    hint: "What was there before is in backup \(before.info.id); paths restored so far are from \(id). "
                        + "The next backup, restore or deploy cleans the half-made copy. " + ToolError.hint(for: error))
            }
        }
        do {
            try fileSystem.removeTree(at: root.restoreJournal)
        } catch {
            throw ToolError.system(error, while: "Removing the finished restore journal '\(root.restoreJournal)'")
        }
        countdown.step()
        updateCounts(after: targets, from: record)
        return RestoreOutcome(restored: id, paths: targets, previousState: before.info)
    }

    /// The paths to put back: all the snapshot holds, or `path` when it holds that.
    private func targets(of record: Record, path: String?, data: String) throws(ToolError) -> [String] {
        guard let path else { return record.paths }
        let wanted = PathName.normalize(path)
        let inside = (try? fileSystem.exists(PathName.join(data, wanted))) ?? false
        guard !wanted.hasPrefix("/"), !PathName.components(wanted).contains(".."),
            record.paths.contains(where: { PathName.isWithin(wanted, $0) }), inside
        else {
            throw ToolError(
                "The backup '\(folder(of: record.id))' holds no '\(path)'.",
                hint: "It holds: \(record.paths.joined(separator: ", ")). Nothing was changed.", exitCode: .usage)
        }
        return [wanted]
    }

    /// Where each target goes, refusing names beside them that no recorded restore made.
    private func plannedSwaps(_ targets: [String]) throws(ToolError) -> [RestoreJournal.Swap] {
        var swaps: [RestoreJournal.Swap] = []
        let servedData = recordedServedData()
        for target in targets {
            let (location, problem) = servedDestination(target, servedData: servedData).map { ($0, nil) }
                ?? PersistentLocation.destination(target, root: root, fileSystem: fileSystem)
            guard let location else {
                throw ToolError(
                    "shared/\(target) cannot be restored: \(problem ?? "it does not resolve").",
                    hint: "Fix the path (or the link) and run the restore again. Nothing was changed.")
            }
            let swap = RestoreJournal.Swap(path: target, live: location)
            for name in [swap.fresh, swap.aside] where (try? fileSystem.exists(name)) != false {
                throw ToolError(
                    "'\(name)' is in the way of the restore, and no restore recorded making it.",
                    hint: "Look at what it holds, then move it elsewhere and run the restore again. Nothing was changed.")
            }
            swaps.append(swap)
        }
        return swaps
    }

    /// The restored paths now hold what the snapshot counted; a path restored in part has
    /// unknown counts until the next count.
    private func updateCounts(after targets: [String], from record: Record) {
        let counted = now().timeIntervalSince1970
        var known: [DataCounts.Count] = []
        var forget: [String] = []
        for target in targets {
            if let saved = record.saved?.first(where: { NameBytes.Key($0.path) == NameBytes.Key(target) }) {
                known.append(DataCounts.Count(
                    path: saved.path, files: saved.files, bytes: saved.bytes, newestChange: saved.newestChange,
                    counted: counted, by: "restore of backup \(record.id)"))
            } else {
                forget += record.paths.filter { PathName.isWithin(target, $0) }
            }
        }
        try? DataCounts.update(root, with: known, forgetting: forget, fileSystem: fileSystem)
    }
}
