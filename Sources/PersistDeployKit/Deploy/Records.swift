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
    /// Paths a deploy has already warned about ("matched no rule"): each warning is given once,
    /// so the ones that are new stand out. Absent in records written before it existed.
    package var warnedPaths: [String]?
    /// The user and group PHP runs as (`--web-user`, `--web-group`): later deploys keep opening
    /// shared/ to them, and the health check checks access for them.
    package var webUser: String?
    package var webGroup: String?
    /// The folder the host serves and how (absent when the site is served from `current`).
    /// Optional so records written before it existed still load.
    package var servedFolder: ServedFolder?
    /// Persistent folders whose files live in the served folder; `shared/<path>` links there.
    /// Backups, `status`, the health check and `recover` read them where they are.
    package var servedData: [ServedData]?

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
