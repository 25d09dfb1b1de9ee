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
    /// steps that make a synced served folder show that release again.
    func servedFolderSteps(showing releaseID: String, record: PersistenceRecord?) throws(ToolError) -> [DeployOperation] {
        try Self.servedFolderSteps(showing: releaseID, record: record, root: root, fileSystem: context.fileSystem)
    }

    static func servedFolderSteps(
        showing releaseID: String, record: PersistenceRecord?, root: DeployRoot, fileSystem: any FileSystem
    ) throws(ToolError) -> [DeployOperation] {
        guard let record, let served = record.servedFolder, served.mode == .sync else { return [] }
        do {
            return try PublicHTML.syncOperations(
                served: served.path, root: root, releaseID: releaseID, listedFrom: root.release(releaseID), webRoot: record.webRoot,
                framework: record.framework, folders: PublicHTML.persistentFolders(paths: record.paths, webRoot: record.webRoot),
                fileSystem: fileSystem
            ).operations
        } catch {
            throw ToolError.system(error, while: "Listing what releases/\(releaseID) ships for '\(served.path)'")
        }
    }
}
