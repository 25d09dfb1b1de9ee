import Glibc

extension Deployer {
    /// The served folder this deploy serves: `--public-html`, `--sync`/`--no-sync` and
    /// `--served-links` where given, else what the record remembers; in sync mode with no answer
    /// yet, links are probed once in the folder and the answer is remembered.
    func resolveServedFolder(_ request: DeployRequest, record: PersistenceRecord?) -> ServedFolder? {
        let recorded = record?.servedFolder
        guard let path = request.publicHTML ?? recorded?.path else { return nil }
        let same = recorded?.path == path
        let mode: ServedFolder.Mode =
            if let sync = request.syncPublicHTML { sync ? .sync : .link } else if same, let recorded { recorded.mode } else { .link }
        if request.publicHTML == nil || (same && request.syncPublicHTML == nil) {
            console.say("Serving '\(path)' in \(mode.rawValue) mode, as the last deploy did.")
        }
        guard mode == .sync else { return ServedFolder(path: path, mode: .link) }
        if let links = request.servedLinks {
            return ServedFolder(path: path, mode: .sync, links: links)
        }
        if same, recorded?.mode == .sync, let links = recorded?.links {
            return ServedFolder(path: path, mode: .sync, links: links)
        }
        let probe = PublicHTML.probeLinks(in: path, fileSystem: context.fileSystem, processID: getpid())
        console.say(probe.works
            ? "Probed links for '\(path)': \(probe.said), so its persistent folders are links into shared/. "
                + "If the web server refuses them (their files answer 403 or 404), deploy once with --served-links no."
            : "Probed links for '\(path)': \(probe.said), so its persistent folders keep their files in it.")
        return ServedFolder(path: path, mode: .sync, links: probe.works)
    }

    /// After `current` was switched back to `releaseID` (a failed `--verify`, a rollback): the
    /// steps that make a synced served folder show that release again. What the app changed
    /// there since the last sync is copied to `left-behind/` first: a rollback is not stopped
    /// for it, and the sync would overwrite it.
    func servedFolderSteps(showing releaseID: String, record: PersistenceRecord?) throws(ToolError) -> [DeployOperation] {
        try Self.servedFolderSteps(showing: releaseID, record: record, root: root, fileSystem: context.fileSystem)
    }

    static func servedFolderSteps(
        showing releaseID: String, record: PersistenceRecord?, root: DeployRoot, fileSystem: any FileSystem
    ) throws(ToolError) -> [DeployOperation] {
        guard let record, let served = record.servedFolder, served.mode == .sync else { return [] }
        do {
            let liveID = try? fileSystem.readSymlink(at: root.current).split(separator: "/").last.map(String.init)
            let drift = try PublicHTML.drift(
                served: served.path, root: root, paths: record.paths, webRoot: record.webRoot, liveRelease: liveID, fileSystem: fileSystem)
            var keep: [DeployOperation] = []
            if let drift {
                // Only what the sync writes over: changed files, and new files where the release ships one.
                let shipped = PathName.join(root.release(releaseID), record.webRoot)
                var copies = drift.report.changedFiles
                for top in drift.report.newTops where try fileSystem.type(at: PathName.join(shipped, top)) == .file { copies.append(top) }
                if !copies.isEmpty {
                    keep = [.leaveBehind(release: served.path, paths: [], copies: copies, to: root.servedLeftBehind(of: drift.syncedID))]
                }
            }
            return try keep + PublicHTML.syncOperations(
                served: served.path, root: root, releaseID: releaseID, listedFrom: root.release(releaseID), webRoot: record.webRoot,
                framework: record.framework, folders: PublicHTML.persistentFolders(paths: record.paths, webRoot: record.webRoot),
                passedOver: PublicHTML.passedOver(paths: record.paths, webRoot: record.webRoot), fileSystem: fileSystem
            ).operations
        } catch {
            throw ToolError.system(error, while: "Listing what releases/\(releaseID) ships for '\(served.path)'")
        }
    }
}
