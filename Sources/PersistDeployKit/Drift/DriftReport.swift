/// Drift grouped the way a person acts on it: each new folder (the outermost one the release did
/// not ship) is one group, each new or changed file in a folder of code is one group, and new
/// files in a folder that ships only data-like files (images, documents) make that folder one
/// group. Each group carries the `persist-deploy.json` entry that keeps it.
package struct DriftReport: Sendable, Equatable {
    package struct Group: Sendable, Equatable, Codable {
        /// Relative to the app root (the release folder).
        package var path: String
        package var kind: PathKind
        /// `new` (the release did not ship it), `changed` (a shipped file changed in place) or
        /// `grown` (a shipped folder of data-like files that the app added files to).
        package var change: String
        package var files: Int
        package var bytes: Int64
        /// A few of the names, relative to `path`.
        package var examples: [String]
        /// The class the `classify` entry gives it.
        package var suggestedClass: PathClass
        /// Set for a link the app made or renamed (a new top that is a link): it holds no data,
        /// so no entry keeps it.
        package var link: Link?

        /// The entry for `persist-deploy.json`'s `classify`, as it is written there.
        package var entry: String { "\(Text.jsonString(NameBytes.display(path))): \"\(suggestedClass.rawValue)\"" }
    }

    /// What a link the app made points at: its text, and the path under shared/ it reaches
    /// (the tool's own link renamed aside, `rename(uploads, uploads.bak)`), when it does.
    package struct Link: Sendable, Equatable, Codable {
        package var target: String?
        package var shared: String?

        package init(target: String?, shared: String?) {
            self.target = target
            self.shared = shared
        }

        /// What the link at `path` (read there; at `movedTo` once an in-place site is adopted)
        /// points at, and the path under `shared` it reaches, if any; nil when it is no link.
        static func read(at path: String, movedTo: String, shared: String, fileSystem: any FileSystem) -> Link? {
            guard let text = try? fileSystem.readSymlink(at: path) else { return nil }
            let reached = [PathName.absolute(text, from: PathName.parent(path)), PathName.absolute(text, from: PathName.parent(movedTo))]
            let inShared = reached.lazy.compactMap { PathName.relative($0, to: shared) }.first { !PathName.sameBytes($0, ".") }
            return Link(target: text, shared: inShared)
        }
    }

    package var groups: [Group]
    /// The paths to move aside to leave the drift behind: new entries whose parent was shipped.
    package var newTops: [String]
    /// Shipped files changed in place (copied aside: the release keeps its own).
    package var changedFiles: [String]

    package var isEmpty: Bool { groups.isEmpty }

    /// Groups `drift` found in a release. `shipped` is what the release shipped (nil for a
    /// release compared with another); `persistent` lists today's persistent paths, which a
    /// suggested folder must neither hold nor lie in; `webRoot` is never suggested whole;
    /// `linkOf` tells what a new link points at (nil: not read).
    package init(
        _ drift: Drift, shipped: ReleaseTree?, persistent: [String], webRoot: String, linkOf: (String) -> Link? = { _ in nil }
    ) {
        let added = Set(drift.added.map { NameBytes.Key($0.path) })
        let statusOf = Dictionary((drift.added + drift.changed).map { (NameBytes.Key($0.path), $0.status) }, uniquingKeysWith: { a, _ in a })
        func isAdded(_ path: String) -> Bool { added.contains(NameBytes.Key(path)) }

        // The outermost new entry above each new entry.
        var tops: [String] = []
        var membersOfTop: [NameBytes.Key: [WalkedEntry]] = [:]
        for item in drift.added {
            var top = item.path
            while PathName.parent(top) != ".", isAdded(PathName.parent(top)) { top = PathName.parent(top) }
            if top == item.path { tops.append(top) }
            membersOfTop[NameBytes.Key(top), default: []].append(item)
        }
        newTops = tops
        changedFiles = drift.changed.map(\.path)

        // A folder holding new or changed files is kept whole when it ships no code; the
        // outermost such folder wins, so no two suggestions overlap. A link holds no data.
        let loose = tops.filter { ![.directory, .symlink].contains(statusOf[NameBytes.Key($0)]?.type) } + changedFiles
        let candidates = Set(loose.map { NameBytes.Key(PathName.parent($0)) }).map(\.string)
        let codeFolders = shipped.map(Self.foldersHoldingCode) ?? []
        let persistentPaths = persistent.map { PathName.normalize($0) }
        func canKeepWhole(_ folder: String) -> Bool {
            guard shipped != nil, folder != ".", PathName.normalize(folder) != PathName.normalize(webRoot) else { return false }
            if persistentPaths.contains(where: { PathName.isWithin($0, folder) || PathName.isWithin(folder, $0) }) { return false }
            return !codeFolders.contains(NameBytes.Key(folder))
        }
        var grown: Set<NameBytes.Key> = []
        func grownAncestor(_ path: String) -> String? {
            var parent = PathName.parent(path)
            while parent != "." {
                if grown.contains(NameBytes.Key(parent)) { return parent }
                parent = PathName.parent(parent)
            }
            return nil
        }
        for folder in candidates.sorted(by: { PathName.components($0).count < PathName.components($1).count })
        where canKeepWhole(folder) && grownAncestor(folder) == nil {
            grown.insert(NameBytes.Key(folder))
        }

        var grownMembers: [NameBytes.Key: [WalkedEntry]] = [:]
        var groups: [Group] = []
        for top in tops {
            let members = membersOfTop[NameBytes.Key(top)] ?? []
            if let folder = grownAncestor(top) {
                grownMembers[NameBytes.Key(folder), default: []] += members
            } else {
                let type = statusOf[NameBytes.Key(top)]?.type
                var group = Self.group(top, kind: type == .directory ? .dir : .file, change: "new", members: members)
                if type == .symlink { group.link = linkOf(top) ?? Link(target: nil, shared: nil) }
                groups.append(group)
            }
        }
        for item in drift.changed {
            if let folder = grownAncestor(item.path) {
                grownMembers[NameBytes.Key(folder), default: []].append(item)
            } else {
                groups.append(Self.group(item.path, kind: .file, change: "changed", members: [item]))
            }
        }
        for folder in grown {
            groups.append(Self.group(folder.string, kind: .dir, change: "grown", members: grownMembers[folder] ?? []))
        }
        self.groups = groups.sorted { NameBytes.Key($0.path) < NameBytes.Key($1.path) }
    }

    /// Every folder that holds, at any depth, a shipped file that is neither data-like nor a
    /// placeholder against listing.
    private static func foldersHoldingCode(_ shipped: ReleaseTree) -> Set<NameBytes.Key> {
        var folders: Set<NameBytes.Key> = []
        for path in shipped.paths {
            guard let entry = shipped[path], entry.type != .directory, !isDataLike(path), !isListingGuard(path, entry) else { continue }
            var parent = PathName.parent(path)
            while parent != ".", folders.insert(NameBytes.Key(parent)).inserted { parent = PathName.parent(parent) }
        }
        return folders
    }

    private static func group(_ path: String, kind: PathKind, change: String, members: [WalkedEntry]) -> Group {
        let files = members.filter { $0.status.type != .directory }
        let examples = files.prefix(3).map { member -> String in
            NameBytes.display(PathName.relative(member.path, to: path).flatMap { $0 == "." ? nil : $0 } ?? PathName.basename(member.path))
        }
        return Group(
            path: path, kind: kind, change: change, files: files.count,
            bytes: files.reduce(0) { $0 + ($1.status.type == .file ? $1.status.size : 0) },
            examples: Array(examples), suggestedClass: suggestedClass(path, kind: kind))
    }

    /// The class a kept path is given: what its name says, else `runtime` for a file (the app
    /// made it) and `user` for a folder.
    static func suggestedClass(_ path: String, kind: PathKind) -> PathClass {
        if kind == .file {
            if NameRules.isConfigLike(path) { return .config }
            return .runtime
        }
        if let byName = NameRules.classFor(name: PathName.basename(path)), byName.isPersistent { return byName }
        return .user
    }

    /// A shipped file that only keeps its folder from being listed or served: OpenCart and
    /// PrestaShop put an empty `index.html` in every folder, data folders carry a deny-all
    /// `.htaccess`. An index page with content is the folder's code.
    static func isListingGuard(_ path: String, _ entry: ReleaseTree.Entry) -> Bool {
        let name = PathName.basename(path)
        guard entry.type == .file, NameRules.guardNames.contains(name) else { return false }
        return serverRuleNames.contains(name) || entry.size == 0
    }

    private static let serverRuleNames: Set<String> = [".htaccess", "web.config"]

    /// Files that are data rather than code: a folder shipping only these may become persistent
    /// whole, since nothing in it changes with the code.
    static func isDataLike(_ path: String) -> Bool {
        let name = PathName.basename(path)
        return NameRules.isPlaceholder(name) || dataExtensions.contains(Text.fileExtension(name))
    }

    private static let dataExtensions: Set<String> = [
        "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "ico", "bmp", "tif", "tiff", "heic", "pdf", "doc", "docx",
        "xls", "xlsx", "ppt", "pptx", "odt", "ods", "csv", "txt", "zip", "gz", "rar", "7z", "mp3", "mp4", "m4a",
        "wav", "ogg", "webm", "mov", "avi", "mkv",
    ]
}
