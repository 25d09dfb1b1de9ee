/// The entries found so far, with the warnings that belong to each. Every operation is a hash
/// look-up by the path's bytes, so a `persist-deploy.json` of 10,000 entries costs what its size
/// says, not its square (it once took 13 minutes).
struct PathListBuilder {
    /// Who decided an entry: a stronger origin is never replaced by a weaker one, and a
    /// persistent path inside another yields to the stronger of the two.
    enum Origin: Int, Comparable {
        /// The tool's general rules (names, `.gitignore`, contents).
        case rule
        /// A framework's or app's preset, which cites the app's documentation.
        case preset
        /// The app's own `persist-deploy.json`.
        case config

        static func < (a: Origin, b: Origin) -> Bool { a.rawValue < b.rawValue }
    }

    private struct Entry {
        var path: ClassifiedPath
        var origin: Origin
        var warning: String?
    }

    private var entries: [NameBytes.Key: Entry] = [:]
    private var fromConfig: [NameBytes.Key: String] = [:]
    /// Warnings about paths that get no entry (a link left as the release ships it), by path.
    private var unlistedWarnings: [NameBytes.Key: (path: String, text: String)] = [:]
    var warnings: [String] = []

    func contains(_ path: String) -> Bool { entries[NameBytes.Key(path)] != nil }

    func entry(_ path: String) -> ClassifiedPath? { entries[NameBytes.Key(path)]?.path }

    /// Who decided the entry for `path`, if any.
    func origin(of path: String) -> Origin? { entries[NameBytes.Key(path)]?.origin }

    /// Adds or replaces the entry for its path, unless a stronger origin already decided it.
    mutating func add(_ entry: ClassifiedPath, warning: String? = nil, origin: Origin = .rule) {
        let key = NameBytes.Key(entry.path)
        if let existing = entries[key], existing.origin > origin { return }
        entries[key] = Entry(path: entry, origin: origin, warning: warning)
    }

    /// A warning about `path`, which gets no entry of its own.
    mutating func warn(path: String, _ text: String) {
        unlistedWarnings[NameBytes.Key(path)] = (path, text)
    }

    var sortedPaths: [ClassifiedPath] {
        entries.values.map(\.path).sorted { PathName.bytewiseLess($0.path, $1.path) }
    }

    /// The warnings of the file, then those of the paths in path order.
    var allWarnings: [String] {
        warnings + pathWarnings.sorted { PathName.bytewiseLess($0.key, $1.key) }.map(\.value)
    }

    /// Each path's own warning, by path.
    var pathWarnings: [String: String] {
        var result: [String: String] = [:]
        for entry in entries.values { if let warning = entry.warning { result[entry.path.path] = warning } }
        for (path, text) in unlistedWarnings.values where entries[NameBytes.Key(path)] == nil { result[path] = text }
        return result
    }

    /// Applies `persist-deploy.json`, then checks no persistent path lies inside another.
    mutating func apply(_ config: ProjectConfig, reader: AppReader, webRoot: String) throws(ToolError) {
        for (path, pathClass) in config.classify {
            let key = NameBytes.Key(path)
            var kind: PathKind
            switch try reader.entryType(path) {
            case .file: kind = .file
            case .directory: kind = .dir
            case .symlink:
                kind = (try? reader.fileSystem.status(at: reader.path(path), followSymlink: true)?.type) == .file ? .file : .dir
            default: kind = Self.kindByName(path, class: pathClass)
            }
            let reason = "persist-deploy.json classifies it as \(pathClass.rawValue)"
            if let found = entries[key]?.path {
                add(ClassifiedPath(
                    path: path, kind: found.kind, class: pathClass,
                    reason: "\(reason) (the tool said \(found.class.rawValue): \(found.reason))",
                    writtenByApp: pathClass == .config ? found.writtenByApp : nil, example: pathClass == .config ? found.example : nil),
                    origin: .config)
            } else {
                // A config file the release does not ship is the app's to write: linked, never
                // created empty (an empty one reads as "installed" to an installer).
                let shipped = try reader.entryType(path) != nil
                let written = pathClass == .config && kind == .file && !shipped
                add(ClassifiedPath(path: path, kind: kind, class: pathClass, reason: reason, writtenByApp: written ? true : nil), origin: .config)
            }
            fromConfig[key] = "classify.\(Text.json(path))"
        }
        for (index, path) in config.remove.enumerated() {
            let key = NameBytes.Key(path)
            guard let found = entries[key]?.path, found.class.isPersistent else {
                warnings.append("\(ProjectConfig.fileName) removes '\(path)' (remove[\(index)]), but the tool found no persistent path there; nothing was removed.")
                continue
            }
            if PathName.parent(path) == PathName.normalize(webRoot) {
                add(ClassifiedPath(path: path, kind: found.kind, class: .asset, reason: "persist-deploy.json removes it from the persistent paths, so it ships with each release"), origin: .config)
            } else {
                entries[key] = nil
            }
            fromConfig[key] = "remove[\(index)]"
        }
        // A persistent path inside another would be linked into shared/ twice.
        for (outer, inner) in nestedPersistentPaths() {
            if let key = fromConfig[NameBytes.Key(inner.path)] ?? fromConfig[NameBytes.Key(outer.path)] {
                throw ToolError(
                    "\(config.file): key \(key): expected persistent paths that do not overlap, but '\(inner.path)' lies inside '\(outer.path)' and both are persistent.",
                    hint: "Keep only the outer path persistent, or classify the outer one as asset; nothing was changed.")
            }
        }
    }

    /// The kind of a path persist-deploy.json names that the release does not ship (the app
    /// writes it at run time): a config entry, a name with an extension (`debug.log`) or a known
    /// dotfile (`.htaccess`, `.env.local`) is a file, anything else a folder. An empty folder
    /// where Apache reads `.htaccess` would take the site down.
    static func kindByName(_ path: String, class pathClass: PathClass) -> PathKind {
        let name = PathName.basename(path)
        if pathClass == .config || name.hasPrefix(".env") || [".htaccess", ".htpasswd"].contains(name) { return .file }
        return name.dropFirst().contains(".") ? .file : .dir
    }

    /// A persistent path the tool found that would take the name of one of its own files in
    /// shared/ (an app folder called `health-check.sh`) is left out, with a warning: the file
    /// would replace the tool's, or the tool's the app's. (`persist-deploy.json` is refused for it.)
    mutating func dropToolFileNames() {
        for entry in entries.values where entry.path.class.isPersistent && entry.path.linkTarget == nil && entry.origin != .config {
            guard let name = ProjectConfig.toolFileName(in: entry.path.path) else { continue }
            entries[NameBytes.Key(entry.path.path)] = nil
            warnings.append(
                "'\(entry.path.path)' would be kept in shared/ under the name of persist-deploy's own '\(name)', so it is not kept persistent; "
                    + "rename it in the app, or write what it holds elsewhere.")
        }
    }

    /// When two persistent paths nest, one of them goes. An outer path found by a general rule
    /// yields to a preset's or the file's path inside it (`var/` to Symfony's `var/log` and
    /// `var/cache`): a web-root folder stays listed as shipping with the code, any other is
    /// dropped. Otherwise the outer one already keeps the inner one, which is dropped.
    mutating func dropNestedPaths(webRoot: String) {
        let webRoot = PathName.normalize(webRoot)
        for (outer, inner) in nestedPersistentPaths() {
            let outerKey = NameBytes.Key(outer.path)
            guard let outerEntry = entries[outerKey], let innerEntry = entries[NameBytes.Key(inner.path)],
                  outerEntry.origin == .rule, innerEntry.origin > .rule
            else { continue }
            if PathName.parent(outer.path) == webRoot || (webRoot == "." && !outer.path.contains("/")) {
                entries[outerKey] = Entry(
                    path: ClassifiedPath(
                        path: outer.path, kind: outer.kind, class: .asset,
                        reason: "ships with the code; the preset keeps '\(inner.path)' inside it persistent (the general rule said \(outer.class.rawValue): \(outer.reason))"),
                    origin: .rule)
            } else {
                entries[outerKey] = nil
            }
        }
        for (_, inner) in nestedPersistentPaths() {
            entries[NameBytes.Key(inner.path)] = nil
        }
    }

    /// Every persistent path that lies inside another persistent path, with that outer path:
    /// one hash look-up per ancestor of each path.
    private func nestedPersistentPaths() -> [(outer: ClassifiedPath, inner: ClassifiedPath)] {
        var found: [(outer: ClassifiedPath, inner: ClassifiedPath)] = []
        for entry in entries.values where entry.path.class.isPersistent && entry.path.linkTarget == nil {
            var ancestor = PathName.parent(entry.path.path)
            while ancestor != "." && ancestor != "/" && !ancestor.isEmpty {
                if let outer = entries[NameBytes.Key(ancestor)]?.path, outer.class.isPersistent, outer.linkTarget == nil {
                    found.append((outer, entry.path))
                }
                ancestor = PathName.parent(ancestor)
            }
        }
        return found.sorted { PathName.bytewiseLess($0.inner.path, $1.inner.path) }
    }
}
