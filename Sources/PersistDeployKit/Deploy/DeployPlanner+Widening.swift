/// A persistent folder some of whose files were persistent one by one before: the drift guard's
/// advice keeps a single upload (`"images/up1.png": "user"`) and the admin later widens the entry
/// to its folder (`"images": "user"`). The live release then holds a real folder with its own
/// links into shared/ at those files, and shared/ holds each file at the same place under the
/// folder: those links are the files themselves, already where the folder's data goes.
extension DeployPlanner {
    /// The entries under the live folder `folder` (read at `content`, a release at `path`) that
    /// are links to their namesakes under `shared`, relative to the folder.
    func linksToOwnPlaceInShared(_ folder: String, live: LiveRelease, shared: String) throws -> [String] {
        let readAt = PathName.join(live.content, folder)
        let linkedAt = PathName.join(live.path, folder)
        var links: [String] = []
        for file in try fileSystem.files(under: readAt) where try fileSystem.type(at: PathName.join(readAt, file)) == .symlink {
            let text = try fileSystem.readSymlink(at: PathName.join(readAt, file))
            let target = PathName.join(shared, file)
            let resolved = PathName.absolute(text, from: PathName.parent(PathName.join(readAt, file)))
            if PathName.sameBytes(resolved, target)
                || PathName.sameBytes(text, PathName.relativeLink(at: PathName.join(linkedAt, file), to: target))
            {
                links.append(file)
            }
        }
        return links
    }
}

extension DeployPlanner {
    /// What the live release's tree records below `folder`, relative to it: what it shipped
    /// there while the folder was not persistent.
    func shippedInTree(_ tree: ReleaseTree?, below folder: String) -> [String] {
        (tree?.paths ?? []).compactMap { PathName.relative($0, to: folder) }.filter { !PathName.sameBytes($0, ".") }
    }
}

extension DeployPlanner {
    /// What a deploy says when it merges a real folder that replaced the link into shared/ (an
    /// app's `rename(uploads, uploads.bak); mkdir(uploads)`, an upload over the live site): the
    /// files the app may have meant to drop are live again. Nil for a folder that is persistent
    /// only from this deploy on, whose files are adopted as the summary says.
    func mergeWarning(_ folder: String, live: LiveRelease, shared: String, ownLinks: [String], record: PersistenceRecord?) throws -> String? {
        guard record?.persistentPaths.contains(where: { PathName.sameBytes($0.path, folder) }) == true else { return nil }
        let files = try fileSystem.files(under: PathName.join(live.content, folder)).count - ownLinks.count
        return "releases/\(live.id)/\(NameBytes.display(folder)) was a real folder where the link to '\(shared)' belongs (the app "
            + "replaced the link, or something was unpacked over it): its \(Text.count(files, "file")) joined shared/ (identical copies "
            + "dropped, a different one kept beside shared/'s as NAME.adopted-\(live.id)); what shared/ held stays, so files the "
            + "app meant to remove from the folder are back."
    }
}
