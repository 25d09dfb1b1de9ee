/// What an interrupted restore or backup may have left, for the health check (the same checks,
/// in the same order and words, as the "leftovers" block of `health-check.sh`): the copies a
/// restore makes beside a persistent path, its journal, and unfinished snapshot folders. The
/// next `backup`, `restore` or deploy cleans what its journal proves is its own; these checks
/// make the rest visible.
enum BackupLeftovers {
    struct Finding: Equatable {
        var path: String
        var message: String
    }

    static func findings(root: DeployRoot, persistentPaths: [String], fileSystem: any FileSystem) -> [Finding] {
        var found: [Finding] = []
        for path in persistentPaths {
            let live = PathName.join(root.shared, path)
            let place = PathResolver.resolve(live, fileSystem: fileSystem) ?? live
            for suffix in [SnapshotRestorer.freshSuffix, SnapshotRestorer.asideSuffix] {
                let name = "." + PathName.basename(place) + suffix
                if (try? fileSystem.exists(PathName.join(PathName.parent(place), name))) == true {
                    found.append(Finding(
                        path: path,
                        message: "\(name) beside it was left by an interrupted restore; run the restore again to finish, or check it and move it away"))
                }
            }
        }
        if (try? fileSystem.exists(root.restoreJournal)) == true {
            found.append(Finding(
                path: ".persist-deploy/restore-journal.json",
                message: "a restore was interrupted; the next backup, restore or deploy cleans up after it"))
        }
        let names = ((try? fileSystem.listDirectory(at: root.backups)) ?? []).filter { $0.hasPrefix(BackupStore.temporaryPrefix) }
        for name in names.sorted(by: { NameBytes.bytes($0).lexicographicallyPrecedes(NameBytes.bytes($1)) }) {
            found.append(Finding(path: "backups/" + name, message: "an interrupted backup left it; the next backup removes it"))
        }
        return found
    }
}
