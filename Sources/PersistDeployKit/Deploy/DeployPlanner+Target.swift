/// The release a deploy will make live: its id, where its content can be read now, and the
/// operations that bring it into releases/ (none when it is already there).
package struct ReleaseTarget: Sendable {
    package var id: String
    package var contentDirectory: String
    package var staging: [DeployOperation]
}

extension DeployPlanner {
    /// Works out which release to deploy and how it gets into releases/.
    package func target(for request: DeployRequest, state: DeployState, reservedIDs: Set<String> = []) throws(ToolError) -> ReleaseTarget {
        let taken = state.usedIDs.union(reservedIDs)
        switch request.source {
        case .existing(let path):
            guard PathName.parent(path) == root.releases else {
                throw ToolError(
                    "The release '\(path)' is not a folder directly under '\(root.releases)'.",
                    hint: "Put the release in releases/ (or pass --from to copy it in), or pass --root for the deploy root it belongs to.")
            }
            guard (try? fileSystem.isDirectory(path)) == true else {
                throw ToolError("The release folder '\(path)' does not exist.", hint: "Check the path, or pass --from SRC to copy a new release in.")
            }
            return ReleaseTarget(id: PathName.basename(path), contentDirectory: path, staging: [])
        case .newestNotLive:
            // Not finished, not marked bad, and after the live one: uploaded and waiting (or
            // prepared) since; never a folder from before it (another tool's old releases).
            let live = state.liveID.map(NameBytes.Key.init)
            let afterLive = state.releaseIDs.lastIndex { NameBytes.Key($0) == live }.map { state.releaseIDs.index(after: $0) } ?? 0
            guard let id = state.releaseIDs[afterLive...].last(where: { id in
                let standing = state.ledger.standing(of: id)
                return standing?.isFinished != true && standing?.outcome != .bad
            }) else {
                throw ToolError(
                    "There is no new release under '\(root.releases)' to deploy.",
                    hint: "Upload the release into releases/<id>/ first, or pass --from DIR|FILE.tar.gz, or --release DIR.")
            }
            return ReleaseTarget(id: id, contentDirectory: root.release(id), staging: [])
        case .directory(let source):
            guard (try? fileSystem.isDirectory(source, followSymlink: true)) == true else {
                throw ToolError("The source folder '\(source)' does not exist or is not a folder.", hint: "Check the --from path.")
            }
            if PathName.isWithin(root.path, source) || PathName.isWithin(source, root.path) {
                throw ToolError(
                    "The source folder '\(source)' overlaps the deploy root '\(root.path)'.",
                    hint: "Build the release outside the deploy root, or use --release for a folder already in releases/.")
            }
            let id = ReleaseID.next(at: now, taken: taken)
            let staging = root.release(".staging-\(id)")
            return ReleaseTarget(
                id: id, contentDirectory: source,
                staging: [.createDirectory(path: root.releases), .copyRelease(from: source, to: staging), .publishRelease(from: staging, to: root.release(id))])
        case .archive:
            throw ToolError("An archive must be extracted before it is planned.", hint: "This is a bug in persist-deploy; please report it.", exitCode: .failure)
        }
    }
}
