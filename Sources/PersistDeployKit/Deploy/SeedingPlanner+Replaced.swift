/// What a deploy finds in a persistent path that it must not settle alone: the live release's
/// real file or folder where the link was (the app replaced it) holding copies that differ from
/// shared/'s, and changed code a release ships where shared/'s first copy stays live.
extension DeployPlanner {
    /// A real file in the live release where the link into shared/ was: the app replaced the link
    /// (it wrote a temporary file and renamed it over the link). The same bytes as shared/'s copy
    /// make it a duplicate, replaced by the link again; different bytes are data that only one
    /// of the two can hold at that path, so the deploy stops and says how to choose.
    func replacedLink(_ relative: String, live: LiveRelease, shared: String) throws -> [DeployOperation] {
        let livePath = PathName.join(live.path, relative)
        let liveBytes = try fileSystem.readFile(at: PathName.join(live.content, relative))
        guard liveBytes != (try fileSystem.readFile(at: shared)) else {
            return [.removeReleaseCopy(path: livePath), .link(path: livePath, target: PathName.relativeLink(at: livePath, to: shared))]
        }
        throw ToolError(
            "'\(PathName.join(live.content, relative))' is a real file where the link to '\(shared)' was, and the two differ: "
                + "the running app replaced the link (it renamed a new file over it, or the link aside as a backup), so its newest "
                + "'\(relative)' is in the live release, not in shared/.",
            hint: "Nothing was changed. "
                + DifferingCopies.fileChoices(live: PathName.join(live.content, relative), shared: shared, then: "deploy again") + " "
                + Self.renamedOverAdvice(relative))
    }

    /// A real folder in the live release where the link into shared/ was, holding files that
    /// shared/ holds too with other bytes: the app replaced the link and wrote newer copies
    /// (WordPress's updater renames a plugin's folder aside and unpacks the new version), or
    /// older copies were unpacked over it. Only one copy of each path can be live, and which is
    /// right is the admin's call, so the deploy stops. Identical copies and new files merge.
    func refuseDifferingCopies(live: String, shared: String, ignoring: [String]) throws {
        let ignored = Set(ignoring.map(NameBytes.Key.init))
        let differing = try fileSystem.differingCopies(of: live, in: shared).filter { !ignored.contains(NameBytes.Key($0)) }
        guard !differing.isEmpty else { return }
        throw ToolError(
            "'\(live)' is a real folder where the link to '\(shared)' was, and shared/'s copies of \(Text.count(differing.count, "file")) "
                + "in it differ (\(DifferingCopies.shown(differing))): the running app replaced the link and wrote there (an updater "
                + "unpacking a new version does), or older copies were unpacked over it. Only one copy of each can be live.",
            hint: "Nothing was changed. "
                + DifferingCopies.folderChoices(live: live, shared: shared, differing: differing, then: "deploy again"))
    }

    /// Code the release ships in a persistent folder (server code, compiled CSS and JS) whose copy
    /// differs from shared/'s: it does not go live, since a persistent folder keeps its first
    /// copy of each shipped file, so the deploy says so instead of passing over it (a fixed
    /// plugin shipped in plugins/ would stay old). Compared by size, then by bytes up to 1 MiB.
    func staleShippedCode(_ path: String, files: [String], added: [String], release: String, shared: String) throws -> [String] {
        let new = Set(added.map(NameBytes.Key.init))
        var stale: [String] = []
        for file in files where (NameRules.isCode(file) || NameRules.isCompiled(file)) && !new.contains(NameBytes.Key(file)) {
            let own = PathName.join(release, file)
            let stored = PathName.join(shared, file)
            guard let mine = try fileSystem.status(at: own, followSymlink: false), mine.type == .file,
                let theirs = try fileSystem.status(at: stored, followSymlink: false), theirs.type == .file
            else { continue }
            let differs = try mine.size != theirs.size || (mine.size <= 1 << 20 && !fileSystem.sameContents(own, stored))
            if differs { stale.append(file) }
        }
        guard !stale.isEmpty else { return [] }
        let shown = stale.prefix(3).map { "'\(NameBytes.display(PathName.join(path, $0)))'" }.joined(separator: ", ")
            + (stale.count > 3 ? " and \(stale.count - 3) more" : "")
        return ["'\(path)' is persistent, so \(Text.count(stale.count, "code file")) the release ships there with changes \(stale.count == 1 ? "does" : "do") "
            + "not go live: shared/'s older copies stay (\(shown)). A persistent folder keeps its first copy of each shipped file. If the "
            + "code there must update with each release, keep persistent only what the app writes under '\(path)' (classify that "
            + "subfolder in persist-deploy.json instead); until then, copy the new versions from your build into '\(shared)' by hand."]
    }

    /// How to live with an app's renames over the link: its folder made persistent, which the
    /// app root cannot be and a folder shipping files a new version updates (DokuWiki's conf/) should not be.
    static func renamedOverAdvice(_ relative: String) -> String {
        let folder = PathName.parent(relative)
        guard folder != "." else {
            return "A file at the app's root cannot be kept as a folder; until the app writes it in a folder of its own (then "
                + "classify that folder in persist-deploy.json), move its copy into shared/ as above after each such change."
        }
        return "The app replaces the link at each save: classify its folder '\(folder)' in persist-deploy.json only if the "
            + "release ships nothing there that a new version must update (a persistent folder keeps its first copy of each "
            + "shipped file); otherwise do the above after each such save: the deploy stops each time and loses nothing."
    }
}
