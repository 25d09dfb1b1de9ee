/// Served data inside a persistent path (sync mode where the web server follows no links:
/// `storage/app/public` kept in `public_html/storage`, while `shared/storage` is a real folder
/// holding a link there). The walk of `shared/storage` copies that link as a link, so the
/// files behind it are saved on their own, under `.served/<path>` in the snapshot, and a
/// restore puts them back in the served folder.
extension BackupStore {
    /// The snapshot folder for served data: a name no persistent path can have (hidden, and a
    /// tool name in shared/).
    static let servedFolder = ".served"

    /// The served data the record names (none without a readable record): read once a command.
    func recordedServedData() -> [ServedData] {
        ((try? PersistenceRecord.load(from: root, fileSystem: fileSystem)) ?? nil)?.servedData ?? []
    }

    /// A source for each served-data folder the record names that lies inside one of
    /// `persistentPaths` (one that is itself a persistent path is followed as its link already).
    func servedSources(_ persistentPaths: [String]) -> [SnapshotSource] {
        recordedServedData().compactMap { data in
            let nested = persistentPaths.contains { PathName.isWithin(data.path, $0) && !PathName.sameBytes(data.path, $0) }
            guard nested, (try? fileSystem.isDirectory(data.location)) == true else { return nil }
            return SnapshotSource(path: PathName.join(Self.servedFolder, data.path), location: data.location, parentsOnlyInSnapshot: true)
        }
    }

    /// Where a restore puts the snapshot's `.served/<path>`: the served folder `servedData` names
    /// for `<path>`; nil for any other target.
    func servedDestination(_ target: String, servedData: [ServedData]) -> String? {
        guard let path = PathName.relative(target, to: Self.servedFolder), path != "." else { return nil }
        return servedData.first { PathName.sameBytes($0.path, path) }?.location
    }
}
