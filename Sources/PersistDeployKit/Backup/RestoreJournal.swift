/// The names a restore is about to create beside the paths it replaces, written down before it
/// creates any (`.persist-deploy/restore-journal.json`). A restore killed half-way leaves copies
/// (`.uploads.restore-new`, thousands of files) that nothing else would ever remove; with the
/// journal the next `backup`, `restore` or deploy can prove they are its own and clean them:
/// the restore checked that none of those names existed before it wrote the journal, and what
/// they may hold of the replaced data is in the snapshot taken before it (`before`).
package struct RestoreJournal: Sendable, Codable, Equatable {
    package struct Swap: Sendable, Codable, Equatable {
        /// The persistent path (or a path inside one), relative to shared/.
        package var path: String
        /// Absolute: where the data is, the new copy beside it, and the old one set aside where the
        /// file system cannot swap two names in one step.
        package var live: String
        package var fresh: String
        package var aside: String

        package init(path: String, live: String) {
            self.path = path
            self.live = live
            let parent = PathName.parent(live)
            let name = PathName.basename(live)
            fresh = PathName.join(parent, "." + name + SnapshotRestorer.freshSuffix)
            aside = PathName.join(parent, "." + name + SnapshotRestorer.asideSuffix)
        }
    }

    /// The snapshot being put back, and the one that holds what it replaces.
    package var snapshot: String
    package var before: String
    package var swaps: [Swap]

    package static func load(_ root: DeployRoot, fileSystem: any FileSystem) throws(ToolError) -> RestoreJournal? {
        let bytes: [UInt8]
        do {
            guard try fileSystem.exists(root.restoreJournal) else { return nil }
            bytes = try fileSystem.readFile(at: root.restoreJournal)
        } catch {
            throw ToolError.system(error, while: "Reading '\(root.restoreJournal)'")
        }
        guard let journal = try? JSONDecoder().decode(RestoreJournal.self, from: Data(NameBytes.string(bytes).utf8)) else {
            throw ToolError(
                "'\(root.restoreJournal)' is not a restore journal this version can read.",
                hint: "Check the paths it names for '.restore-new'/'.restore-old' copies, remove them and the journal by hand. Nothing was changed.")
        }
        return journal
    }

    /// Written through a temporary file and a rename, then made durable, before any name it lists
    /// is created.
    func save(_ root: DeployRoot, fileSystem: any FileSystem) throws(SystemCallError) {
        try fileSystem.createDirectory(at: root.state, permissions: 0o755)
        try fileSystem.writeText(Text.json(self, pretty: true) + "\n", to: root.restoreJournal, permissions: 0o600)
        try fileSystem.syncDirectory(at: root.state)
    }

    /// Finishes what an interrupted restore left, when `before` is still there to hold what it
    /// replaced: a path set aside and not yet replaced goes back, and the copies beside the paths
    /// are removed. Returns one line for each thing it did; throws (changing nothing more) when
    /// it cannot prove a copy is safe to remove.
    package static func cleanUp(
        _ root: DeployRoot, fileSystem: any FileSystem, backupExists: (String) -> Bool
    ) throws(ToolError) -> [String] {
        guard let journal = try load(root, fileSystem: fileSystem) else { return [] }
        guard backupExists(journal.before) else {
            throw ToolError(
                "A restore of backup \(journal.snapshot) was interrupted, and the backup \(journal.before) it made of the replaced data is gone.",
                hint: "Check \(journal.swaps.map { "'\($0.fresh)'" }.joined(separator: ", ")) by hand (they may hold the only copy of the replaced data), then remove them and '\(root.restoreJournal)'.")
        }
        var done: [String] = []
        do {
            for swap in journal.swaps {
                if try !fileSystem.exists(swap.live), try fileSystem.exists(swap.aside) {
                    try fileSystem.rename(swap.aside, to: swap.live, replacing: false)
                    try fileSystem.syncDirectory(at: PathName.parent(swap.live))
                    done.append("put '\(swap.live)' back from '\(swap.aside)'")
                }
                for leftover in [swap.fresh, swap.aside] where try fileSystem.exists(leftover) {
                    try fileSystem.removeTree(at: leftover)
                    done.append("removed '\(leftover)'")
                }
            }
            try fileSystem.removeTree(at: root.restoreJournal)
            try fileSystem.syncDirectory(at: root.state)
        } catch {
            throw ToolError.system(error, while: "Cleaning up after the interrupted restore of backup \(journal.snapshot)")
        }
        return ["A restore of backup \(journal.snapshot) was interrupted; what it replaced is in backup \(journal.before)."]
            + done.map { "  " + $0 }
            + ["Run 'persist-deploy restore \(journal.snapshot)' again to finish it."]
    }
}

extension DeployRoot {
    /// What an unfinished restore may have left (see `RestoreJournal`).
    package var restoreJournal: String { PathName.join(state, "restore-journal.json") }
}

extension BackupStore {
    /// Cleans what an interrupted restore left (see `RestoreJournal.cleanUp`) and says so. Every
    /// command that changes shared/ or backups/ calls it first, under the lock.
    package func cleanUpInterruptedRestore(console: Console?) throws(ToolError) {
        let lines = try RestoreJournal.cleanUp(root, fileSystem: fileSystem) { id in
            ((try? record(of: id)) ?? nil) != nil
        }
        for line in lines { console?.warn(line) }
    }
}
