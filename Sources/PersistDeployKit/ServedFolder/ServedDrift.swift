/// Data rule 4 for a synced served folder. In sync mode the app runs from the served folder, so
/// what it changes there (a theme editor, a plugin updater, an uninstaller) would be overwritten
/// or removed by the next sync. Each sync records what it left in the folder as a `ReleaseTree`
/// (`.persist-deploy/public-html/<id>.tree`); the folder is compared with it the way a live
/// release is compared with its manifest, plus the shipped files that are gone.
package struct ServedDrift: Sendable {
    /// Paths relative to the served folder (the web root).
    package var report: DriftReport
    /// Files the last sync left that are gone (the app removed them; the sync would put them back).
    package var removed: [String]
    /// The release the folder was last synced from.
    package var syncedID: String
    /// Whether the folder was compared with the sync's record (else with the synced release's
    /// own web root, for folders synced before records were kept: changed files only).
    package var comparedWithRecord: Bool

    package var isEmpty: Bool { report.isEmpty && removed.isEmpty }
}

extension PublicHTML {
    /// What a sync never writes and a comparison passes over, relative to the web root: the
    /// persistent folders and files (links, or served data), app links and disposable paths.
    package static func passedOver(paths: [ClassifiedPath], webRoot: String) -> [String] {
        paths.filter { $0.class.isPersistent || $0.linkTarget != nil || $0.class == .disposable }.compactMap { path in
            guard let name = webRoot == "." ? path.path : PathName.relative(path.path, to: webRoot), name != "." else { return nil }
            return name
        }
    }

    /// What the app changed in the synced folder `served` since the last sync; nil when no sync
    /// left anything to compare with. `liveRelease` is the release `current` points at: when a
    /// sync of it was stopped part-way, a file that is that release's own is not the app's.
    package static func drift(
        served: String, root: DeployRoot, paths: [ClassifiedPath], webRoot: String, liveRelease: String?, fileSystem: any FileSystem
    ) throws(SystemCallError) -> ServedDrift? {
        let state = syncedState(root: root, fileSystem: fileSystem)
        guard let id = state.release, try fileSystem.isDirectory(served) else { return nil }
        let passed = passedOver(paths: paths, webRoot: webRoot)
        let scanner = DriftScanner(fileSystem: fileSystem)
        let recorded = (try? fileSystem.readFile(at: root.syncedTree(of: id))).flatMap(ReleaseTree.parse)
        let tree: ReleaseTree
        if let recorded {
            tree = recorded
        } else {
            // Synced before records were kept: the sync copied the release's files keeping their
            // size and time, so the release's own web root is what it wrote.
            let shipped = PathName.join(root.release(id), webRoot)
            guard try fileSystem.isDirectory(shipped) else { return nil }
            tree = try scanner.record(shipped, disposable: passed)
        }
        var drift = try scanner.scan(served, against: .manifest(tree), excluding: DriftExclusions(passed))
        let excluded = DriftExclusions(passed + tree.disposable)
        var removed: [String] = []
        for path in tree.paths where tree[path]?.type != .directory && !excluded.covers(path) {
            if try fileSystem.type(at: PathName.join(served, path)) == nil { removed.append(path) }
        }
        if recorded == nil {
            // Files the host or the app put there before are not in that release; only what the
            // sync wrote and the app changed counts.
            let synced = Set(state.files.map(NameBytes.Key.init))
            drift.added = []
            drift.changed = drift.changed.filter { synced.contains(NameBytes.Key($0.path)) }
            removed = removed.filter { synced.contains(NameBytes.Key($0)) }
        }
        if let liveRelease, liveRelease != id {
            let live = PathName.join(root.release(liveRelease), webRoot)
            func isLiveReleases(_ item: WalkedEntry) -> Bool {
                guard item.status.type != .directory,
                    let shipped = try? fileSystem.status(at: PathName.join(live, item.path), followSymlink: false)
                else { return item.status.type == .directory && (try? fileSystem.isDirectory(PathName.join(live, item.path))) == true }
                return shipped.type == item.status.type && shipped.size == item.status.size
                    && shipped.modificationNanoseconds == item.status.modificationNanoseconds
            }
            drift.added.removeAll(where: isLiveReleases)
            drift.changed.removeAll(where: isLiveReleases)
            removed.removeAll { (try? fileSystem.type(at: PathName.join(live, $0))) == nil }
        }
        removed.sort(by: PathName.bytewiseLess)
        let report = DriftReport(drift, shipped: tree, persistent: passed, webRoot: ".")
        return ServedDrift(report: report, removed: removed, syncedID: id, comparedWithRecord: recorded != nil)
    }
}

extension ServedDrift {
    /// The groups with their paths relative to the app root, as `persist-deploy.json` names them.
    func appReport(webRoot: String) -> DriftReport {
        var report = report
        if webRoot != "." {
            report.groups = report.groups.map { group in
                var group = group
                group.path = PathName.join(webRoot, group.path)
                return group
            }
        }
        return report
    }

    /// The stop of a deploy: what changed, and the two ways on.
    func stop(served: String, webRoot: String, leftBehind: String) -> ToolError {
        let app = appReport(webRoot: webRoot)
        var lines = app.isEmpty ? [] : DriftGuard.lines(app)
        lines += removed.prefix(12).map { "  \(NameBytes.display(webRoot == "." ? $0 : PathName.join(webRoot, $0)))  (shipped file removed)" }
        if removed.count > 12 { lines.append("  … and \(removed.count - 12) more removed") }
        let what = [app.isEmpty ? nil : DriftGuard.summary(app), removed.isEmpty ? nil : Text.count(removed.count, "removed file")]
            .compactMap { $0 }.joined(separator: " and ")
        let how = comparedWithRecord
            ? "since the sync of releases/\(syncedID)"
            : "compared with the files releases/\(syncedID) shipped (no record of that sync: only changed files are seen)"
        let message = "The app changed the served folder '\(served)' \(how): \(what). In sync mode the app runs from there, "
            + "and the sync would overwrite or remove them, so the deploy stopped.\n" + lines.joined(separator: "\n")
        var hint = "Nothing was changed. "
        if let snippet = DriftGuard.classifySnippet(app) {
            hint += "To keep them, add these entries to persist-deploy.json at the app's root (in the release you deploy), merged into any "
                + "\"classify\" it has:\n  \(snippet)\nthen deploy again: they stay in the served folder, kept out of every sync. "
        }
        if !removed.isEmpty { hint += "To keep the removed files removed, remove them from the release you deploy. " }
        hint += "To deploy without these changes this once, run the same command with --leave-behind: changed and new files are moved to '\(leftBehind)' "
            + "(a copy of each changed one), then the sync writes the release's files."
        return ToolError(message, hint: hint)
    }
}

extension DeployRoot {
    /// What the sync from release `id` left in the served folder (a `ReleaseTree`).
    package func syncedTree(of id: String) -> String { PathName.join(syncState, id + ".tree") }

    /// Where `--leave-behind` and a rollback put what the app changed in the served folder
    /// since the sync of release `id`.
    package func servedLeftBehind(of id: String) -> String { PathName.join(leftBehind(of: id), "served-folder") }
}
