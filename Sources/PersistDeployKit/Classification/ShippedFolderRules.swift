/// A second look at the web root's folders the general rules made persistent from a sign alone
/// (git ignores them, they hold only a placeholder, their name is `files`), against what the
/// release ships there. Git ignoring a folder says the app writes it only when the release ships
/// nothing there but placeholders; code and assets shipped anyway (force-added to git, or
/// published by `vendor:publish` and `assets:install`) must update with each release, and a
/// build-output folder is never data, built or not.
struct ShippedFolderRules {
    let fileSystem: any FileSystem
    let reader: AppReader
    let tree: TreeScan
    let facts: AppFacts

    /// At most this many entries of a `files` folder are read: one holding more is taken for
    /// users' files, and classifying must not cost more as they grow.
    static let sampleLimit = 64

    func revise(into builder: inout PathListBuilder) throws(ToolError) {
        let webRoot = PathName.normalize(facts.detection.webRoot)
        for entry in builder.sortedPaths where entry.kind == .dir && entry.class.isPersistent && entry.linkTarget == nil {
            guard PathName.parent(entry.path) == webRoot, builder.origin(of: entry.path) == .rule,
                  try reader.entryType(entry.path) == .directory
            else { continue }
            if let (revised, warning) = try revise(entry) { builder.add(revised, warning: warning) }
        }
    }

    private func revise(_ entry: ClassifiedPath) throws(ToolError) -> (ClassifiedPath, String?)? {
        let path = entry.path
        let name = PathName.basename(path)
        func asset(_ reason: String) -> ClassifiedPath { ClassifiedPath(path: path, kind: .dir, class: .asset, reason: reason) }
        let folded = Text.foldedName(name)
        if NameRules.bundlerOutputNames.contains(folded) {
            let files = try allFiles(path)
            guard files.allSatisfy(NameRules.isPlaceholder) else { return nil }
            return (asset("a build writes its output there ('\(name)'), and this release was not built (it holds "
                    + (files.isEmpty ? "nothing" : "only a placeholder") + "): build output ships with each release, never persistent"),
                    "'\(path)' is a build's output folder, but this release holds nothing built there: it ships as it is (an asset), "
                        + "so the site has no built files there until a release that ran its build (assets:install, npm run build) is deployed.")
        }
        if let rule = tree.gitIgnore.ignoringRule(for: path, isDirectory: true) ?? tree.gitIgnore.contentsIgnoringRule(for: path),
           NameRules.classFor(name: name)?.isPersistent != true
        {
            let files = try allFiles(path)
            let shipped = files.filter { !NameRules.isPlaceholder($0) && !NameRules.guardNames.contains(PathName.basename($0)) }
            guard !shipped.isEmpty, !shipped.contains(where: NameRules.isUploadKind) else { return nil }
            let sample = shipped.first(where: NameRules.isCodeOrCompiled)
                ?? (NameRules.classFor(name: name) == .asset && shipped.allSatisfy(NameRules.isStatic) ? shipped.first : nil)
            guard let sample, shipped.allSatisfy(NameRules.isShippedKind) else { return nil }
            return (asset("git ignores it ('\(rule.text)' in \(rule.file)), but the release ships code and assets there "
                    + "(\(Text.count(shipped.count, "file")), e.g. '\(sample)'; published by the framework or force-added to git), "
                    + "so it ships with each release"), nil)
        }
        if NameRules.genericDataNames.contains(folded), try reader.isFile(".gitignore"),
           tree.gitIgnore.ignoringRule(for: path, isDirectory: true) == nil, tree.gitIgnore.contentsIgnoringRule(for: path) == nil,
           let files = try sampledFiles(path)
        {
            let shipped = files.filter { !NameRules.isPlaceholder($0) && !NameRules.guardNames.contains(PathName.basename($0)) }
            guard let first = shipped.first, !shipped.contains(where: NameRules.looksUploaded),
                  shipped.allSatisfy({ tree.gitIgnore.ignoringRule(for: PathName.join(path, $0), isDirectory: false) == nil })
            else { return nil }
            return (asset("its name ('\(name)') says users' files, but the release ships \(Text.count(shipped.count, "file")) there "
                    + "that git tracks (e.g. '\(first)'), named and placed as the app's own, not as uploads: they ship with each release"),
                    "'\(path)' is named for users' files, but git tracks what the release ships there (e.g. '\(first)'), so it ships "
                        + "with each release. If the app also saves files there, a deploy stops and names them before anything is lost; "
                        + "to keep it persistent instead, add \"classify\": {\(Text.json(NameBytes.display(path))): \"user\"} to persist-deploy.json.")
        }
        return nil
    }

    private func allFiles(_ path: String) throws(ToolError) -> [String] {
        do {
            return try fileSystem.files(under: reader.path(path))
        } catch {
            throw ToolError.system(error, while: "Reading '\(path)' of the app")
        }
    }

    /// The files below `path`, or nil when it holds more than `sampleLimit` entries.
    private func sampledFiles(_ path: String) throws(ToolError) -> [String]? {
        var found: [String] = []
        var queue = [""]
        var seen = 0
        while let relative = queue.popLast() {
            let names: [String]
            do {
                names = try fileSystem.someNames(in: reader.path(relative.isEmpty ? path : PathName.join(path, relative)), limit: Self.sampleLimit + 1 - seen)
            } catch {
                throw ToolError.system(error, while: "Reading '\(path)' of the app")
            }
            seen += names.count
            if seen > Self.sampleLimit { return nil }
            for name in names {
                let child = relative.isEmpty ? name : PathName.join(relative, name)
                if try reader.entryType(AppReader.join(path, child)) == .directory { queue.append(child) } else { found.append(child) }
            }
        }
        return found.sorted()
    }
}
