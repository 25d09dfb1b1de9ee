/// Where a root keeps its data when `--shared` put it elsewhere (a data disk). The first deploy
/// records the folder in the tool's own folder, so every later command finds it without the
/// option: a deploy that forgot `--shared` would otherwise make an empty ROOT/shared, seed it
/// and take every upload off the site, and health-check, rollback and prune would read the wrong
/// folder. A deploy given another folder stops before changing anything.
extension DeployRoot {
    /// One line: the shared folder, relative to the tool's folder as the release links are
    /// relative to their release, so a root moved together with its data still finds it.
    package var sharedRecord: String { PathName.join(state, "shared-folder") }

    /// The root at `path` with its shared folder: `option` when given, else the recorded one,
    /// else the one the live release links into, else `path/shared`.
    static func located(_ path: String, sharedOption: String?, fileSystem: any FileSystem) -> DeployRoot {
        if let sharedOption { return DeployRoot(path: path, shared: sharedOption) }
        let plain = DeployRoot(path: path)
        return DeployRoot(path: path, shared: plain.knownShared(fileSystem)?.folder)
    }

    /// The shared folder this root is known to use, and how it is known; nil for a new root, or
    /// one whose live release tells nothing (those behave as before: ROOT/shared).
    package func knownShared(_ fileSystem: any FileSystem) -> (folder: String, source: String)? {
        if let text = try? fileSystem.readText(at: sharedRecord) {
            let line = text.hasSuffix("\n") ? String(text.dropLast()) : text
            if !line.isEmpty {
                return (PathName.normalize(line.hasPrefix("/") ? line : PathName.join(state, line)), "recorded in '\(sharedRecord)'")
            }
        }
        return linkedShared(fileSystem).map { ($0, "where the live release's links into shared/ lead") }
    }

    /// For a root deployed before the record existed: the one folder every persistent link of the
    /// live release leads into, when it holds `.persistence-config` (the persistent paths are
    /// the ones its manifest lists).
    private func linkedShared(_ fileSystem: any FileSystem) -> String? {
        guard let live = try? fileSystem.readSymlink(at: current) else { return nil }
        let id = PathName.basename(live)
        guard let manifest = ReleaseManifest.load(id, root: self, fileSystem: fileSystem) else { return nil }
        var found: String?
        for path in manifest.shipped.keys {
            let link = PathName.join(release(id), path)
            // A path the app replaced with a real copy tells nothing; the others must agree.
            guard let text = try? fileSystem.readSymlink(at: link) else { continue }
            let leadsTo = PathName.normalize(text.hasPrefix("/") ? text : PathName.join(PathName.parent(link), text))
            let folder = PathName.components(path).reduce(leadsTo) { folder, _ in PathName.parent(folder) }
            guard PathName.sameBytes(PathName.join(folder, path), leadsTo) else { return nil }
            if let found, !PathName.sameBytes(found, folder) { return nil }
            found = folder
        }
        guard let found, (try? fileSystem.exists(PathName.join(found, ".persistence-config"))) == true else { return nil }
        return found
    }

    /// Stops when `shared` (given with `--shared`, or the seed-compatible form's SHARED_DIR) is
    /// not the folder this root keeps its data in: its links lead there, and a second shared
    /// folder would be seeded empty over the live data's paths.
    package func refuseOtherShared(fileSystem: any FileSystem) throws(ToolError) {
        // A folder no root may use at all is the plainer message.
        try refuseUnsafeDestinations(fileSystem: fileSystem)
        guard let known = knownShared(fileSystem), !PathName.sameBytes(known.folder, shared),
            !PathName.sameBytes(Self.physical(known.folder, fileSystem: fileSystem), Self.physical(shared, fileSystem: fileSystem))
        else { return }
        throw ToolError(
            "The deploy root '\(path)' keeps its data in '\(known.folder)' (\(known.source)), not in '\(shared)' as given: "
                + "every release's links lead into '\(known.folder)', and a second shared folder would be seeded without its data.",
            hint: "Nothing was changed. Leave the shared folder out (the recorded one is used) or pass --shared \(Shell.quote(known.folder)). "
                + "To keep the data somewhere else, move that folder and leave a link in its place "
                + "(mv -- \(Shell.quote(known.folder)) NEW && ln -s -- NEW \(Shell.quote(known.folder))).")
    }

    /// Records the shared folder once (the first deploy, or the first since the record existed),
    /// before the deploy changes anything, so a crash after its first move still leaves it known.
    func recordShared(fileSystem: any FileSystem) throws(ToolError) {
        guard (try? fileSystem.exists(sharedRecord)) != true else { return }
        do {
            try fileSystem.createDirectory(at: state, permissions: 0o755)
            try fileSystem.writeText(PathName.relativeLink(at: sharedRecord, to: shared) + "\n", to: sharedRecord)
        } catch {
            throw ToolError.system(error, while: "recording the shared folder in '\(sharedRecord)'")
        }
    }
}
