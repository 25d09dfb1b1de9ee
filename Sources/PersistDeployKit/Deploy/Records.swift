/// `shared/.persistence-config`: what was detected and decided, written by every deploy and read
/// by `generate`, `health-check`, `recover`, `backup` and `status`.
package struct PersistenceRecord: Sendable, Codable, Equatable {
    package var toolVersion: String
    package var framework: Framework
    package var webRoot: String
    /// Every classified path with its class and reason (assets included).
    package var paths: [ClassifiedPath]
    /// The deploy root and shared folder as absolute paths when the record was written.
    package var deployRoot: String
    package var shared: String
    package var updated: String
    /// The user and group PHP runs as (`--web-user`, `--web-group`): later deploys keep opening
    /// shared/ to them, and the health check checks access for them.
    package var webUser: String?
    package var webGroup: String?

    package init(classification: Classification, root: DeployRoot, updated: String) {
        self.toolVersion = PersistDeployKit.toolVersion
        self.framework = classification.framework
        self.webRoot = classification.webRoot
        self.paths = classification.paths
        self.deployRoot = root.path
        self.shared = root.shared
        self.updated = updated
    }

    /// The paths that live in shared/ (links to other app paths excluded).
    package var persistentPaths: [ClassifiedPath] { paths.filter { $0.class.isPersistent && $0.linkTarget == nil } }

    /// The record in `root`'s shared folder, or nil before the first deploy.
    package static func load(from root: DeployRoot, fileSystem: any FileSystem) throws(ToolError) -> PersistenceRecord? {
        let path = root.configRecord
        let bytes: [UInt8]
        do {
            guard try fileSystem.exists(path) else { return nil }
            bytes = try fileSystem.readFile(at: path)
        } catch {
            throw ToolError.system(error, while: "Reading '\(path)'")
        }
        do {
            return try JSONDecoder().decode(PersistenceRecord.self, from: Data(NameBytes.string(bytes).utf8))
        } catch {
            throw ToolError(
                "'\(path)' is not a valid persistence record: \(error).",
                hint: "Run 'persist-deploy generate' or a deploy to write it again; your data is not affected.")
        }
    }

    package func save(to root: DeployRoot, fileSystem: any FileSystem) throws(SystemCallError) {
        try fileSystem.writeText(Text.json(self, pretty: true) + "\n", to: root.configRecord)
    }
}

/// What a deploy did to one persistent path.
package enum PathAction: String, Sendable, Codable {
    /// shared/ lacked it; the new release's content (demo data) was moved or copied there.
    case seeded
    /// shared/ lacked it; the live release's real data was moved there.
    case adopted
    /// shared/ had it; the release now links to it.
    case linked
    /// Nobody had it; it was created empty.
    case created
}

package struct PathRecord: Sendable, Codable, Equatable {
    package var path: String
    package var `class`: PathClass
    package var action: PathAction
    /// Files the release shipped that were new to shared/ and added there.
    package var added: Int?
    /// Files the release shipped that shared/ already had (or users deleted), left as they are.
    package var shadowed: Int?

    package init(path: String, class pathClass: PathClass, action: PathAction, added: Int? = nil, shadowed: Int? = nil) {
        self.path = path
        self.class = pathClass
        self.action = action
        self.added = added
        self.shadowed = shadowed
    }
}

/// One line of `shared/.deployment-history`.
package struct HistoryRecord: Sendable, Codable, Equatable {
    package enum Outcome: String, Sendable, Codable {
        /// The release went live.
        case activated
        /// The release was prepared with `--no-activate`.
        case prepared
        /// `current` was switched back to this release by `rollback` or a failed `--verify`.
        case rolledBack = "rolled-back"
        /// `--verify` failed after the switch; the release must not be used again.
        case bad
        /// An in-place site was adopted as this release.
        case adopted
        /// Its before-switch hook failed: it never went live.
        case failed
    }

    package var release: String
    package var time: String
    package var outcome: Outcome
    package var framework: Framework
    package var paths: [PathRecord]
    package var host: String
    package var user: String
    package var toolVersion: String

    package init(
        release: String, time: String, outcome: Outcome, framework: Framework, paths: [PathRecord],
        host: String, user: String
    ) {
        self.release = release
        self.time = time
        self.outcome = outcome
        self.framework = framework
        self.paths = paths
        self.host = host
        self.user = user
        self.toolVersion = PersistDeployKit.toolVersion
    }
}

/// Reads and appends `shared/.deployment-history`, one JSON object a line.
package enum DeploymentHistory {
    /// Every readable line, oldest first; a torn or foreign line is skipped, not fatal.
    package static func load(_ root: DeployRoot, fileSystem: any FileSystem) -> [HistoryRecord] {
        guard let text = try? fileSystem.readText(at: root.historyFile) else { return [] }
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { line in
            try? decoder.decode(HistoryRecord.self, from: Data(line.utf8))
        }
    }

    /// Appends one line. The file is rewritten whole through a rename, so a crash leaves the old
    /// history or the new one, never half a line.
    package static func append(_ record: HistoryRecord, to root: DeployRoot, fileSystem: any FileSystem) throws(SystemCallError) {
        var bytes = (try? fileSystem.exists(root.historyFile)) == true ? try fileSystem.readFile(at: root.historyFile) : []
        if let last = bytes.last, last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        bytes += NameBytes.bytes(Text.json(record) + "\n")
        try fileSystem.writeFile(at: root.historyFile, contents: bytes, permissions: 0o644)
    }

    /// Releases whose last word in the history says they went live and were not marked bad,
    /// oldest first.
    package static func finishedReleases(_ records: [HistoryRecord]) -> [String] {
        var outcome: [String: HistoryRecord.Outcome] = [:]
        var order: [String] = []
        for record in records {
            // A rollback only switches `current`; it says nothing new about the release.
            guard record.outcome != .rolledBack else { continue }
            if outcome[record.release] == nil { order.append(record.release) }
            outcome[record.release] = record.outcome
        }
        return order.filter { id in
            guard let last = outcome[id] else { return false }
            return last == .activated || last == .adopted
        }
    }
}
