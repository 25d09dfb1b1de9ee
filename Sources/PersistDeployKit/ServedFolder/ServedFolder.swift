/// The folder a shared host serves (`--public-html`, e.g. `~/public_html`) and how it shows the
/// live release. Kept in `shared/.persistence-config`, so later deploys, the health check,
/// `recover`, `rollback` and the guides treat it the same way without being told again.
package struct ServedFolder: Sendable, Codable, Equatable {
    package enum Mode: String, Sendable, Codable {
        /// The folder is a relative link to `current/<web root>`.
        case link
        /// The folder stays real; each deploy copies the release's web root into it.
        case sync
    }

    /// Absolute.
    package var path: String
    package var mode: Mode
    /// Sync mode: whether the persistent web folders may be links in the served folder (probed
    /// once, or told with `--served-links`). When false they live in the served folder itself.
    package var links: Bool?

    package init(path: String, mode: Mode, links: Bool? = nil) {
        self.path = path
        self.mode = mode
        self.links = links
    }
}

/// A persistent folder whose files live in the served folder, not in shared/: on hosts that
/// refuse links there, or where the served folder already held the data. `shared/<path>` is a
/// relative link to `location`, so releases keep linking into shared/ and rollback to any
/// release still finds the data.
package struct ServedData: Sendable, Codable, Equatable {
    /// Relative to shared/ (`public/uploads`, or `storage/app/public` for Laravel's public disk).
    package var path: String
    /// Absolute (`/home/shop/public_html/uploads`). Nothing in it is ever deleted.
    package var location: String

    package init(path: String, location: String) {
        self.path = path
        self.location = location
    }
}

extension PersistenceRecord {
    /// Where the files of `relative` (a path relative to shared/) really are: its served-folder
    /// location when one holds it, else `shared/<relative>`. Backups, `status` and `restore` read
    /// and write the data there.
    package func dataLocation(of relative: String, root: DeployRoot) -> String {
        for data in servedData ?? [] where PathName.isWithin(relative, data.path) {
            guard let rest = PathName.relative(relative, to: data.path), rest != "." else { return data.location }
            return PathName.join(data.location, rest)
        }
        return root.sharedPath(relative)
    }
}

/// The persistent folders (and files) directly visible in a web root: their name there and their shared/
/// target, the same list for the binary's sync and the bundle's `deploy.sh`.
package struct ServedPersistentFolder: Sendable, Equatable {
    /// Relative to the web root (`uploads`, `storage`).
    package var name: String
    /// Relative to shared/ (`public/uploads`, `storage/app/public`).
    package var sharedPath: String
    package var kind: PathKind
    /// A config file (`.env`): never put in the served folder, where it would be served as text.
    package var isConfig = false
}

extension PublicHTML {
    /// Every persistent folder (and app link into one, such as Laravel's `public/storage`) in
    /// the web root. A sync never copies over them; they are links into shared/ or hold the data.
    package static func persistentFolders(paths: [ClassifiedPath], webRoot: String) -> [ServedPersistentFolder] {
        let persistent = paths.filter { $0.class.isPersistent && $0.linkTarget == nil }
        var folders: [ServedPersistentFolder] = []
        for path in paths where path.class.isPersistent || path.linkTarget != nil {
            guard let name = webRoot == "." ? path.path : PathName.relative(path.path, to: webRoot), name != "." else { continue }
            if let linkTarget = path.linkTarget {
                // Laravel's public/storage -> storage/app/public: the data is in shared/storage/app/public.
                guard persistent.contains(where: { PathName.isWithin(linkTarget, $0.path) }) else { continue }
                folders.append(ServedPersistentFolder(name: name, sharedPath: linkTarget, kind: .dir))
            } else {
                folders.append(ServedPersistentFolder(name: name, sharedPath: path.path, kind: path.kind, isConfig: path.class == .config))
            }
        }
        return folders.sorted { $0.name < $1.name }
    }
}

extension DeployRoot {
    /// The served folder the record remembers, if any (nil when there is no readable record).
    package func recordedServedFolder(_ fileSystem: any FileSystem) -> ServedFolder? {
        (try? PersistenceRecord.load(from: self, fileSystem: fileSystem))??.servedFolder
    }

    /// Where a move into the served folder first renames `shared` (`.NAME.to-served` beside
    /// it), so a stopped move leaves the files there, where the next deploy finds them.
    static func servedMoveAside(of shared: String) -> String {
        PathName.join(PathName.parent(shared), ".\(PathName.basename(shared)).to-served")
    }
}
