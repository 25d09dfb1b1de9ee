/// Files and bytes of each persistent path, kept so that `status` answers without walking
/// shared/ (a walk costs as much as `du -s`, every call). `backup` writes them (it walks the data
/// anyway), as do `restore` and `status --exact`; each count says when and by what it was made,
/// and `status` shows that age. Kept in `.persist-deploy/data-counts.json`.
package struct DataCounts: Sendable, Codable, Equatable {
    package struct Count: Sendable, Codable, Equatable {
        package var path: String
        package var files: Int
        package var bytes: Int64
        /// Seconds since 1970 of the newest modification; nil when there is nothing.
        package var newestChange: Double?
        /// When it was counted (seconds since 1970) and by which command.
        package var counted: Double
        package var by: String
    }

    package var paths: [Count] = []

    package init(paths: [Count] = []) {
        self.paths = paths
    }

    package func count(of path: String) -> Count? {
        paths.first { NameBytes.Key($0.path) == NameBytes.Key(path) }
    }

    package static func load(_ root: DeployRoot, fileSystem: any FileSystem) -> DataCounts? {
        // readText gives names that are not UTF-8 back as the strings writeText was given.
        guard let text = try? fileSystem.readText(at: root.dataCounts) else { return nil }
        return try? JSONDecoder().decode(DataCounts.self, from: Data(text.utf8))
    }

    /// Replaces the counts of the paths in `counts` and drops those of `forget`; written through
    /// a temporary file and a rename, so a reader sees the old file or the new one.
    package static func update(
        _ root: DeployRoot, with counts: [Count], forgetting forget: [String] = [], fileSystem: any FileSystem
    ) throws(SystemCallError) {
        var kept = load(root, fileSystem: fileSystem) ?? DataCounts()
        let replaced = Set((counts.map(\.path) + forget).map(NameBytes.Key.init))
        kept.paths.removeAll { replaced.contains(NameBytes.Key($0.path)) }
        kept.paths += counts
        kept.paths.sort { NameBytes.Key($0.path) < NameBytes.Key($1.path) }
        try fileSystem.createDirectory(at: root.state, permissions: 0o755)
        try fileSystem.writeText(Text.json(kept, pretty: true) + "\n", to: root.dataCounts, permissions: 0o644)
    }
}

extension DeployRoot {
    /// The counts `status` shows without walking shared/ (see `DataCounts`).
    package var dataCounts: String { PathName.join(state, "data-counts.json") }
}
