/// Data rule 4, checked before a deploy changes anything: nothing the running app wrote into the
/// live release outside shared/ may be left behind by the switch without the user saying so.
extension DeployPlanner {
    /// The live release a deploy replaces: its id, where its content is read now (a site
    /// deployed in place is still at `current/`), and where it will be once adopted.
    struct LiveRelease {
        var id: String
        var content: String
        var path: String
    }

    /// What the guard decided: operations that move the drift aside after the switch (only
    /// with `--leave-behind`) and warnings for the report.
    struct DriftDecision {
        var afterSwitch: [DeployOperation] = []
        var warnings: [String] = []
    }

    /// Compares the live release with what it shipped (or, with no manifest, with the new
    /// release) and stops the deploy when the app wrote anything the switch would leave behind.
    /// `tree` is the live release's manifest (`loadTree`); `exclusions` are today's persistent
    /// paths, app links and disposable paths.
    func guardLiveRelease(
        _ live: LiveRelease, tree: ReleaseTree?, newContent: String, persistent: [String], exclusions: DriftExclusions,
        webRoot: String, leaveBehind: Bool
    ) throws -> DriftDecision {
        let baseline: DriftBaseline = tree.map { .manifest($0) } ?? .otherRelease(newContent)
        let drift = try DriftScanner(fileSystem: fileSystem).scan(live.content, against: baseline, excluding: exclusions)
        guard !drift.isEmpty else { return DriftDecision() }
        let report = DriftReport(drift, shipped: tree, persistent: persistent, webRoot: webRoot)
        let destination = root.leftBehind(of: live.id)
        guard leaveBehind else {
            throw DriftGuard.stop(report, release: live.id, comparedWithManifest: tree != nil, leftBehind: destination, root: root)
        }
        let operation = DeployOperation.leaveBehind(
            release: live.path, paths: report.newTops, copies: report.changedFiles, to: destination)
        return DriftDecision(
            afterSwitch: [operation],
            warnings: ["--leave-behind: what the app wrote into releases/\(live.id), \(DriftGuard.summary(report)), goes to '\(destination)' after the switch."])
    }

    /// The manifest recorded for a release, or nil (none, or not readable as one).
    func loadTree(of id: String) -> ReleaseTree? {
        guard let bytes = try? fileSystem.readFile(at: root.treeManifest(of: id)) else { return nil }
        return ReleaseTree.parse(bytes)
    }
}

/// The words of the guard's stop, shared by deploys and the health check.
package enum DriftGuard {
    /// "3 new folders, 1 new file and 1 changed file (14 files, 2.1 MB)".
    package static func summary(_ report: DriftReport) -> String {
        var parts: [String] = []
        for (change, kind, noun) in [("new", PathKind.dir, "new folder"), ("grown", .dir, "folder with new files"),
                                     ("new", .file, "new file"), ("changed", .file, "changed file")] {
            let count = report.groups.filter { $0.change == change && $0.kind == kind }.count
            if count > 0 { parts.append(Text.count(count, noun, noun == "folder with new files" ? "folders with new files" : nil)) }
        }
        let files = report.groups.reduce(0) { $0 + $1.files }
        let bytes = report.groups.reduce(Int64(0)) { $0 + $1.bytes }
        let list = parts.count > 1 ? parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1] : parts.first ?? ""
        return "\(list) (\(Text.count(files, "file")), \(Text.bytes(bytes)))"
    }

    /// One line a group: path, what changed, counts, examples.
    package static func lines(_ report: DriftReport, limit: Int = 12) -> [String] {
        var lines = report.groups.prefix(limit).map { group -> String in
            let what: String
            switch (group.change, group.kind) {
            case ("changed", _):
                let isData = DriftReport.isDataLike(group.path) || NameRules.isDatabaseFile(group.path) || NameRules.isConfigLike(group.path)
                what = "shipped file changed in place" + (isData ? "" : "; it is code: keeping it keeps this copy over every new version")
            case ("grown", _): what = "shipped folder with \(Text.count(group.files, "new file"))"
            case (_, .dir): what = "new folder, \(Text.count(group.files, "file"))"
            default: what = "new file"
            }
            let examples = group.kind == .dir && !group.examples.isEmpty ? "; e.g. " + group.examples.joined(separator: ", ") : ""
            let shown = NameBytes.display(group.path) + (group.kind == .dir ? "/" : "")
            return "  \(shown)  (\(what), \(Text.bytes(group.bytes))\(examples))"
        }
        if report.groups.count > limit { lines.append("  … and \(report.groups.count - limit) more") }
        return lines
    }

    /// The `classify` object that keeps every group, as it is pasted into persist-deploy.json.
    package static func classifySnippet(_ report: DriftReport) -> String {
        "\"classify\": {" + report.groups.map(\.entry).joined(separator: ", ") + "}"
    }

    static func stop(
        _ report: DriftReport, release: String, comparedWithManifest: Bool, leftBehind: String, root: DeployRoot
    ) -> ToolError {
        let how = comparedWithManifest
            ? "that releases/\(release) did not ship or that changed since it went live"
            : "that only releases/\(release) holds (it has no manifest of what it shipped, so it was compared with the new release)"
        let message = "The running app wrote data into the live release outside shared/: \(summary(report)) \(how). "
            + "The switch would leave them behind, so the deploy stopped.\n" + lines(report).joined(separator: "\n")
        let hint = "Nothing was changed. To keep them, add these entries to persist-deploy.json at the app's root (in the release you deploy), "
            + "merged into any \"classify\" it has:\n  \(classifySnippet(report))\n"
            + "then deploy again: they move into shared/ and stay there. To deploy without them this once, run the same command "
            + "with --leave-behind: they are moved to '\(leftBehind)'. Paths whose run-time files may be dropped (caches) can be "
            + "classified \"disposable\"."
        return ToolError(message, hint: hint)
    }
}
