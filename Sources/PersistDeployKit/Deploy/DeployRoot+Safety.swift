/// Places a command must never treat as a deploy root or a shared folder: writing there would
/// put the tool's records into `/`, or nest a deploy root inside the live site.
extension DeployRoot {
    /// Refuses a root that lies inside a release of another deploy root, and a shared folder that
    /// is `/`, holds the root, or lies inside `releases/`, `current`, a release, backups/ or the
    /// tool's own folder (followed through links, as the kernel would).
    package func refuseUnsafeDestinations(fileSystem: any FileSystem) throws(ToolError) {
        let realRoot = Self.physical(path, fileSystem: fileSystem)
        if let outer = Self.enclosingRelease(of: realRoot, fileSystem: fileSystem) {
            throw ToolError(
                "The deploy root '\(path)' lies inside '\(outer.release)', a release of the deploy root '\(outer.root)': "
                    + "a deploy there would nest a new site inside the live one.",
                hint: "Nothing was changed. Pass --root \(Shell.quote(outer.root)) (or run the command from there).")
        }
        if let outer = Self.enclosingRoot(of: realRoot, fileSystem: fileSystem) {
            throw ToolError(
                "The deploy root '\(path)' lies inside '\(outer.folder)' of the deploy root '\(outer.root)': "
                    + "a deploy there would put a site (and its .env) inside another one's data or the tool's own folders.",
                hint: "Nothing was changed. Pass --root \(Shell.quote(outer.root)) (or run the command from there), or a folder of its own.")
        }
        let owned = [path, realRoot].flatMap { base in
            ["releases", "current", "backups", ".persist-deploy"].map { PathName.join(base, $0) }
        }
        // As given first (the words the user typed), then where it really leads.
        for candidate in [shared, Self.physical(shared, fileSystem: fileSystem)] {
            let reason: String?
            if candidate == "/" {
                reason = "is the file system's root"
            } else if PathName.isWithin(path, candidate) || PathName.isWithin(realRoot, candidate) {
                reason = "holds the deploy root itself"
            } else if let inside = owned.first(where: { PathName.isWithin(candidate, $0) }) {
                reason = "lies inside '\(inside)', which the tool replaces, removes or keeps for itself"
            } else if let outer = Self.enclosingRelease(of: candidate, fileSystem: fileSystem) {
                reason = "lies inside '\(outer.release)', a release of the deploy root '\(outer.root)'"
            } else {
                reason = nil
            }
            if let reason {
                throw ToolError(
                    "The shared folder '\(shared)' \(reason): the tool writes users' data, records, scripts and guides there.",
                    hint: "Nothing was changed. Pass --shared with a folder of its own (default: the deploy root's shared/).")
            }
        }
    }

    /// The deploy root above `path` whose shared/, releases/, backups/ or tool folder holds it,
    /// when that ancestor shows it is one: it has `current` or the tool's folder.
    static func enclosingRoot(of path: String, fileSystem: any FileSystem) -> (root: String, folder: String)? {
        var child = PathName.normalize(path)
        var ancestor = PathName.parent(child)
        while child != "/" {
            let markers = ["current", ".persist-deploy"].map { PathName.join(ancestor, $0) }
            if ["shared", "releases", "backups", ".persist-deploy"].contains(PathName.basename(child)),
                markers.contains(where: { ((try? fileSystem.type(at: $0)) ?? nil) != nil })
            {
                return (ancestor, child)
            }
            child = ancestor
            ancestor = PathName.parent(ancestor)
        }
        return nil
    }

    /// `path` with the links of its deepest existing ancestor followed: where writes would land.
    static func physical(_ path: String, fileSystem: any FileSystem) -> String {
        var existing = PathName.normalize(path)
        var rest: [String] = []
        while existing != "/" {
            if let resolved = PathResolver.resolve(existing, fileSystem: fileSystem) {
                return rest.reversed().reduce(resolved) { PathName.join($0, $1) }
            }
            rest.append(PathName.basename(existing))
            existing = PathName.parent(existing)
        }
        return PathName.normalize(path)
    }

    /// The deploy root and release that hold `path` (`ROOT/releases/ID/...`, or
    /// `ROOT/releases/ID` itself), when ROOT shows it is one: it has `current`, `shared/` or the
    /// tool's folder.
    static func enclosingRelease(of path: String, fileSystem: any FileSystem) -> (root: String, release: String)? {
        let parts = PathName.components(PathName.normalize(path))
        for index in stride(from: parts.count - 2, through: 0, by: -1) where parts[index] == "releases" {
            let id = parts[index + 1]
            guard ReleaseID.isValid(id) || id.hasPrefix(".staging-") else { continue }
            let root = "/" + parts[..<index].joined(separator: "/")
            let markers = ["current", "shared", ".persist-deploy"].map { PathName.join(root, $0) }
            if markers.contains(where: { (try? fileSystem.exists($0)) == true }) {
                return (root, PathName.join(root, "releases", id))
            }
        }
        return nil
    }
}
