/// Repairs of the served folder (`--public-html`), the same as the section of
/// `emergency-recovery.sh`: the mode is read from what is on disk (a link is link mode; a real
/// folder, or a missing one that a sync left its marker for, is sync mode).
extension Recovery {
    func servedFolderActions(root: DeployRoot, expectations: LayoutExpectations, live: String?, problems: inout [String]) -> [Action] {
        let served = expectations.served
        guard !served.isEmpty else { return [] }
        var actions: [Action] = []
        let synced = (try? fileSystem.readText(at: root.lastSynced)).map { Text.trimmed($0) } ?? ""
        let servedType = type(served)
        if servedType == .symlink || (servedType == nil && synced.isEmpty) {
            if (try? fileSystem.readSymlink(at: served)) != expectations.servedLink || resolve(served) == nil {
                actions.append(.link(path: served, at: served, text: expectations.servedLink))
            }
            return actions
        }
        guard servedType == .directory || servedType == nil else {
            problems.append("'\(served)' is a file where the served folder belongs; move it aside and run this again.")
            return actions
        }
        if let live, servedType == nil || synced != PathName.basename(live) {
            actions.append(.syncServedFolder(release: PathName.basename(live), served: served))
        }
        for folder in expectations.servedFolders where folder.kind == .dir {
            let place = PathName.join(served, folder.name)
            let stored = root.sharedPath(folder.sharedPath)
            if type(stored) == .symlink, type(place) != .symlink, canonical(stored, following: true) == canonical(place, following: false) {
                if type(place) == nil { problems.append(Self.missingServedData(folder.sharedPath, at: place, root: root)) }
            } else if type(place) == nil || (type(place) == .symlink && resolve(place) != resolve(stored)) {
                let text = PathName.relativeLink(at: place, to: PathName.join(expectations.sharedRoot, folder.sharedPath))
                actions.append(.link(path: place, at: place, text: text))
            }
        }
        if expectations.framework == .laravel, (try? fileSystem.status(at: PathName.join(served, "index.php"), followSymlink: true))??.type != .file {
            actions.append(.writeServedIndex(at: PathName.join(served, "index.php")))
        }
        return actions
    }

    /// Lost data is never replaced with an empty folder (as for shared/): word for word what
    /// `emergency-recovery.sh` says.
    static func missingServedData(_ path: String, at place: String, root: DeployRoot) -> String {
        "\(place) is missing; it held the files of \(path) (the served folder keeps them), and recovery does not replace lost "
            + "data with an empty folder. Put it back from a backup: persist-deploy restore --root \(Shell.quote(root.path)) --path "
            + "\(Shell.quote(path)); if it is really gone, create it empty with mkdir -p -- \(Shell.quote(place)), then run recovery again."
    }

    /// `readlink -m`, as the script compares them.
    private func canonical(_ path: String, following: Bool) -> String? {
        var target = path
        if following {
            guard let text = try? fileSystem.readSymlink(at: path) else { return nil }
            target = PathName.normalize(PathName.absolute(text, from: PathName.parent(path)))
        }
        if let full = resolve(target) { return full }
        return resolve(PathName.parent(target)).map { PathName.join($0, PathName.basename(target)) }
    }

    /// The live release's web-root files copied in (never over a folder, never into a persistent
    /// path), nothing removed; the list of synced files grows by what was copied. What the app
    /// changed there since the last sync (`PublicHTML.drift`; in sync mode it runs from there) is
    /// first copied to `servedLeftBehind`, as a rollback does.
    func syncServedFolder(release: String, served: String, root: DeployRoot) throws(SystemCallError) {
        guard let record = try? PersistenceRecord.load(from: root, fileSystem: fileSystem) else { return }
        let folders = PublicHTML.persistentFolders(paths: record.paths, webRoot: record.webRoot)
        let webRoot = record.webRoot == "." ? root.release(release) : PathName.join(root.release(release), record.webRoot)
        if let drift = try PublicHTML.drift(
            served: served, root: root, paths: record.paths, webRoot: record.webRoot, liveRelease: release, fileSystem: fileSystem)
        {
            let keptAside = root.servedLeftBehind(of: drift.syncedID)
            for file in drift.report.changedFiles where type(PathName.join(keptAside, file)) == nil {
                try fileSystem.createDirectory(at: PathName.parent(PathName.join(keptAside, file)), permissions: 0o700)
                try fileSystem.copyTree(from: PathName.join(served, file), to: PathName.join(keptAside, file))
            }
        }
        var copied: [String] = []
        try fileSystem.createDirectory(at: served, permissions: 0o755)
        for file in try fileSystem.files(under: webRoot) {
            if folders.contains(where: { PathName.isWithin(file, $0.name) }) || (record.framework == .laravel && file == "index.php") { continue }
            let destination = PathName.join(served, file)
            if type(destination) == .directory { continue }
            try fileSystem.createDirectory(at: PathName.parent(destination), permissions: 0o755)
            let temporary = PathName.join(PathName.parent(destination), ".\(PathName.basename(destination)).persist-deploy-copy")
            try fileSystem.removeTree(at: temporary)
            try fileSystem.copyTree(from: PathName.join(webRoot, file), to: temporary)
            try fileSystem.rename(temporary, to: destination, replacing: true)
            copied.append(file)
        }
        let listed = Set(copied + PublicHTML.syncedState(root: root, fileSystem: fileSystem).files).sorted(by: PathName.bytewiseLess)
        try fileSystem.createDirectory(at: root.syncState, permissions: 0o755)
        try fileSystem.writeText(listed.map { $0 + "\u{0}" }.joined(), to: root.syncedFiles(of: release))
        try fileSystem.writeText(release + "\n", to: root.lastSynced)
    }
}
