/// The paths a deploy works on, worked out from the classification, the record of earlier
/// deploys and what is on disk.
extension DeployPlanner {
    /// Refuses roots the tool must never manage.
    func checkRoot() throws {
        if root.path == "/" {
            throw ToolError("The deploy root is '/'.", hint: "Pass --root with the folder that holds (or will hold) releases/, shared/ and current.")
        }
        if let type = try fileSystem.type(at: root.path), type != .directory {
            throw ToolError("The deploy root '\(root.path)' is not a folder.", hint: "Pass --root with a folder.")
        }
        for folder in [root.shared, root.releases] {
            if let type = try fileSystem.status(at: folder, followSymlink: true)?.type, type != .directory {
                throw ToolError("'\(folder)' is a file, not a folder.", hint: "Move it aside; the deploy needs a folder there. Nothing was changed.")
            }
        }
    }

    /// Every path that lives in shared/: this release's persistent paths plus those an earlier
    /// deploy made persistent and this release's classification does not mention (users' data
    /// does not stop needing a home because the code stopped shipping the folder).
    /// Keyed by bytes: "café" composed and decomposed are two folders, each with its own home.
    func persistentPaths(_ classification: Classification, record: PersistenceRecord?) -> [ClassifiedPath] {
        var byPath = Dictionary(classification.persistentPaths.map { (NameBytes.Key($0.path), $0) }, uniquingKeysWith: { a, _ in a })
        for old in keptFromRecord(classification, record: record) {
            byPath[NameBytes.Key(old.path)] = old
        }
        return byPath.values.sorted { PathName.bytewiseLess($0.path, $1.path) }
    }

    /// The record's persistent paths this release's classification does not mention, but those
    /// inside one of its persistent folders: an entry widened from a file to its folder
    /// (`images/up1.png` to `images`) keeps the file where it was, shared/images/up1.png being
    /// inside shared/images; a link inside a linked folder would be a link in shared/ itself.
    func keptFromRecord(_ classification: Classification, record: PersistenceRecord?) -> [ClassifiedPath] {
        let mentioned = Set(classification.paths.map { NameBytes.Key($0.path) })
        let folders = classification.persistentPaths.filter { $0.kind == .dir }.map(\.path)
        return (record?.persistentPaths ?? []).filter { old in
            !mentioned.contains(NameBytes.Key(old.path))
                && !folders.contains { !PathName.sameBytes($0, old.path) && PathName.isWithin(old.path, $0) }
        }
    }

    /// A path named in persist-deploy.json that the release does not hold is taken for a folder
    /// when classified; what shared/ or the live release already holds there says better (a
    /// file the app wrote, such as `public/sitemap.xml`, kept by a suggestion of the drift guard).
    func withKindsOnDisk(_ paths: [ClassifiedPath], content: String, live: LiveRelease?) throws -> [ClassifiedPath] {
        try paths.map { path in
            guard try fileSystem.type(at: PathName.join(content, path.path)) == nil else { return path }
            let found = try fileSystem.status(at: root.sharedPath(path.path), followSymlink: true)?.type
                ?? live.map { try fileSystem.type(at: PathName.join($0.content, path.path)) } ?? nil
            var corrected = path
            if found == .file { corrected.kind = .file } else if found == .directory { corrected.kind = .dir }
            return corrected
        }
    }

    /// Paths a drift scan passes over: persistent paths, links to other app paths, disposable paths.
    func driftExclusions(_ classification: Classification, record: PersistenceRecord?, persistent: [ClassifiedPath]) -> [String] {
        let appLinks = (classification.paths + (record?.paths ?? [])).filter { $0.linkTarget != nil }.map(\.path)
        return Self.uniqueByBytes(persistent.map(\.path) + appLinks + disposablePaths(classification, record: record))
    }

    /// Disposable paths of this release and of the record (caches stay disposable once declared).
    func disposablePaths(_ classification: Classification, record: PersistenceRecord?) -> [String] {
        Self.uniqueByBytes((classification.paths + (record?.paths ?? [])).filter { $0.class == .disposable }.map(\.path))
    }

    /// `paths` without repeats, in byte order: "café" composed and decomposed are two paths.
    static func uniqueByBytes(_ paths: [String]) -> [String] {
        Set(paths.map(NameBytes.Key.init)).sorted().map(\.string)
    }

    /// True unless the release already has a tree manifest and may have been written to since:
    /// it went live before (the history says so), or `current` points at it (a crash came after
    /// the switch). Recording again then would take the app's writes for shipped files.
    func recordsTree(of id: String, state: DeployState) throws -> Bool {
        guard try fileSystem.exists(root.treeManifest(of: id)) else { return true }
        let wentLive = state.ledger.standing(of: id).map { $0.lastLive != nil || $0.outcome != .prepared } ?? false
        return !wentLive && !(state.liveID.map { PathName.sameBytes($0, id) } ?? false)
    }

    /// The record's paths after this deploy: this release's classification, plus the persistent
    /// paths an earlier deploy recorded that it does not mention.
    func mergedRecordPaths(_ classification: Classification, record: PersistenceRecord?) -> [ClassifiedPath] {
        (classification.paths + keptFromRecord(classification, record: record)).sorted { PathName.bytewiseLess($0.path, $1.path) }
    }
}
