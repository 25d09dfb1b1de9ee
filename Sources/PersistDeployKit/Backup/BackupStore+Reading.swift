extension BackupStore {
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

    /// Snapshot `id` checked against its manifest (`problems` is empty when it is intact).
    /// `neighbour`, the snapshot checked just before, saves hashing the files the two share.
    package func verify(
        _ id: String, after neighbour: CheckedSnapshot? = nil, progress: ProgressMeter? = nil
    ) throws(ToolError) -> (problems: [String], checked: CheckedSnapshot?) {
        let manifestPath = PathName.join(folder(of: id), Self.manifestFile)
        do {
            guard let manifest = try ManifestFile.open(manifestPath, sortingUnordered: true) else {
                return (["\(manifestPath): the manifest is missing or unreadable"], nil)
            }
            let checked = try SnapshotVerifier.check(
                data: PathName.join(folder(of: id), Self.dataFolder), manifest: manifest, neighbour: neighbour,
                progress: progress)
            return (checked.problems, checked)
        } catch {
            throw ToolError.system(error, while: "Checking the backup '\(folder(of: id))'")
        }
    }
}
