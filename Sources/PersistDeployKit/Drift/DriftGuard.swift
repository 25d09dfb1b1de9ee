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
        /// Every path the walk found (with `--leave-behind`, they go aside after the switch).
        var found: [String] = []
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
        let report = DriftReport(drift, shipped: tree, persistent: persistent, webRoot: webRoot) { path in
            DriftReport.Link.read(at: PathName.join(live.content, path), movedTo: PathName.join(live.path, path), shared: root.shared, fileSystem: fileSystem)
        }
        let destination = root.leftBehind(of: live.id)
        guard leaveBehind else {
            throw DriftGuard.stop(report, release: live.id, comparedWithManifest: tree != nil, leftBehind: destination, root: root)
        }
        // A link into shared/ is dropped rather than set aside: moved, its relative text would
        // point nowhere, and shared/ holds what it reached.
        let sharedLinks = Set(report.groups.filter { $0.link?.shared != nil }.map { NameBytes.Key($0.path) })
        let operation = DeployOperation.leaveBehind(
            release: live.path, paths: report.newTops.filter { !sharedLinks.contains(NameBytes.Key($0)) }, copies: report.changedFiles,
            to: destination)
        var warnings = ["--leave-behind: what the app wrote into releases/\(live.id), \(DriftGuard.summary(report)), goes to '\(destination)' after the switch."]
        if !sharedLinks.isEmpty {
            let names = Text.list(sharedLinks.sorted().map { "'\(NameBytes.display($0.string))'" })
            warnings.append("\(names) \(sharedLinks.count == 1 ? "is a link" : "are links") into shared/ the app made (or the tool's link renamed "
                + "aside): removed from releases/\(live.id) after the switch instead; shared/ keeps what \(sharedLinks.count == 1 ? "it" : "they") reached.")
        }
        return DriftDecision(
            afterSwitch: [operation] + sharedLinks.sorted().map { .removeReleaseCopy(path: PathName.join(live.path, $0.string)) },
            warnings: warnings, found: (drift.added + drift.changed).map(\.path))
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
            let count = report.groups.filter { $0.change == change && $0.kind == kind && $0.link == nil }.count
            if count > 0 { parts.append(Text.count(count, noun, noun == "folder with new files" ? "folders with new files" : nil)) }
        }
        let links = report.groups.filter { $0.link != nil }.count
        if links > 0 { parts.append(Text.count(links, "new link")) }
        let files = report.groups.filter { $0.link == nil }.reduce(0) { $0 + $1.files }
        let bytes = report.groups.reduce(Int64(0)) { $0 + $1.bytes }
        let list = parts.count > 1 ? parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1] : parts.first ?? ""
        return links == report.groups.count ? list : "\(list) (\(Text.count(files, "file")), \(Text.bytes(bytes)))"
    }

    /// The number of shipped code files changed in place from which the app is taken to have
    /// updated itself (WordPress's core auto-update rewrites dozens; a theme editor one or two).
    static let selfUpdateFiles = 3

    /// Shipped code files the app changed in place, when there are so many that it updated its
    /// own code: keeping them persistent would pin this copy over every later release, so they
    /// are summed up in one line and never suggested as entries. Empty otherwise.
    static func selfUpdate(_ report: DriftReport) -> [DriftReport.Group] {
        let code = report.groups.filter {
            $0.change == "changed" && !DriftReport.isDataLike($0.path) && !NameRules.isDatabaseFile($0.path) && !NameRules.isPackageManaged($0.path)
        }
        return code.count >= selfUpdateFiles ? code : []
    }

    /// One line a group: path, what changed, counts, examples.
    package static func lines(_ report: DriftReport, limit: Int = 12) -> [String] {
        let update = selfUpdate(report)
        let updated = Set(update.map { NameBytes.Key($0.path) })
        let groups = report.groups.filter { !updated.contains(NameBytes.Key($0.path)) }
        var lines = groups.prefix(limit).map { group -> String in
            let what: String
            switch (group.change, group.kind) {
            case ("changed", _):
                let isData = DriftReport.isDataLike(group.path) || NameRules.isDatabaseFile(group.path) || NameRules.isConfigLike(group.path)
                what = "shipped file changed in place" + (isData ? "" : "; it is code: keeping it keeps this copy over every new version")
            case ("grown", _): what = "shipped folder with \(Text.count(group.files, "new file"))"
            case (_, .dir): what = "new folder, \(Text.count(group.files, "file"))"
            default: what = "new file"
            }
            if let link = group.link {
                let target = link.shared.map { "shared/" + NameBytes.display($0) } ?? link.target.map { "'\(NameBytes.display($0))'" }
                let reached = link.shared == nil ? "" : ": it holds no data, shared/ keeps what it reaches"
                return "  \(NameBytes.display(group.path))  (new link\(target.map { " to " + $0 } ?? ""), made by the app or the tool's link renamed aside\(reached))"
            }
            let examples = group.kind == .dir && !group.examples.isEmpty ? "; e.g. " + group.examples.joined(separator: ", ") : ""
            let shown = NameBytes.display(group.path) + (group.kind == .dir ? "/" : "")
            return "  \(shown)  (\(what), \(Text.bytes(group.bytes))\(examples))"
        }
        if groups.count > limit { lines.append("  … and \(groups.count - limit) more") }
        if !update.isEmpty {
            let examples = update.prefix(3).map { NameBytes.display($0.path) }.joined(separator: ", ")
            lines.append("  \(update.count) shipped code files changed in place (e.g. \(examples)): the app updated its own code")
        }
        return lines
    }

    /// The `classify` object that keeps every group but packages and a self-update's code, as it
    /// is pasted into persist-deploy.json; nil when nothing is left to keep that way.
    package static func classifySnippet(_ report: DriftReport) -> String? {
        let updated = Set(selfUpdate(report).map { NameBytes.Key($0.path) })
        let entries = report.groups.filter {
            !updated.contains(NameBytes.Key($0.path)) && !NameRules.isPackageManaged($0.path) && ($0.link == nil || reachesOwnSharedPath($0))
        }.map(\.entry)
        return entries.isEmpty ? nil : "\"classify\": {" + entries.joined(separator: ", ") + "}"
    }

    /// What to do with packages installed on the server: they are code, so keeping them in shared/
    /// would pin them (`"vendor": "user"` keeps every later release on the first copy of vendor/).
    static func packageAdvice(_ report: DriftReport) -> String? {
        let packages = report.groups.map(\.path).filter(NameRules.isPackageManaged)
        guard !packages.isEmpty else { return nil }
        let shown = Text.list(packages.prefix(4).map { "'\(NameBytes.display($0))'" }) + (packages.count > 4 ? " and more" : "")
        return "\(shown) \(packages.count == 1 ? "is" : "are") the package manager's: the app installed packages on the server "
            + "(an extension manager, or composer require run there). Packages are code and must not be kept in shared/: add them "
            + "to the release you build (composer require the same packages in the source, commit composer.json and composer.lock), "
            + "then deploy that release with --leave-behind once, which sets the live release's copies aside."
    }

    /// What to do with links the app made: a link holds no data, so no entry keeps one (kept,
    /// it would become a file or a link inside shared/). One into shared/ reaches data shared/
    /// keeps anyway (`rename(uploads, uploads.bak)` through current/ moves the tool's link).
    static func linkAdvice(_ report: DriftReport, release: String, root: DeployRoot) -> String? {
        let keeping = report.groups.filter(reachesOwnSharedPath).map { "'\(NameBytes.display($0.path))'" }
        let kept = keeping.isEmpty ? nil
            : "\(Text.list(keeping)) \(keeping.count == 1 ? "is a link" : "are links") to the same path in shared/, which holds data no "
                + "persistent path of this release keeps (a path dropped from persist-deploy.json, or an adoption `recover` finished): "
                + "keep \(keeping.count == 1 ? "it" : "them") persistent with the entry below; removing the link would leave that data unreachable."
        let links = report.groups.filter { $0.link != nil && !reachesOwnSharedPath($0) }
        guard !links.isEmpty else { return kept }
        let paths = links.map { Shell.quote(PathName.join(root.release(release), $0.path)) }.joined(separator: " ")
        let intoShared = links.allSatisfy { $0.link?.shared != nil }
        let advice = (links.count == 1 ? "The new link holds" : "The new links hold") + " no data"
            + (intoShared ? " (shared/ keeps what \(links.count == 1 ? "it reaches" : "they reach"))" : "")
            + ", so there is nothing to keep: remove \(links.count == 1 ? "it" : "them") (rm -- \(paths)) and deploy again, or deploy "
            + "with --leave-behind, which " + (intoShared ? "removes \(links.count == 1 ? "it" : "them")."
                : (links.contains { $0.link?.shared != nil } ? "removes those into shared/ and sets the others aside" : "sets them aside")
                    + "; if the app needs one, make it part of the release you build.")
        return advice + (kept.map { "\n" + $0 } ?? "")
    }

    /// A link at P to shared/P: the layout of a persistent path (its data is in shared/), at a
    /// path today's classification does not keep persistent, since the scan passes over those.
    static func reachesOwnSharedPath(_ group: DriftReport.Group) -> Bool {
        group.link?.shared.map { PathName.sameBytes(PathName.normalize($0), PathName.normalize(group.path)) } == true
    }

    static func stop(
        _ report: DriftReport, release: String, comparedWithManifest: Bool, leftBehind: String, root: DeployRoot
    ) -> ToolError {
        let how = comparedWithManifest
            ? "that releases/\(release) did not ship or that changed since it went live"
            : "that only releases/\(release) holds (it has no manifest of what it shipped, so it was compared with the new release)"
        let message = "The running app wrote data into the live release outside shared/: \(summary(report)) \(how). "
            + "The switch would leave them behind, so the deploy stopped.\n" + lines(report).joined(separator: "\n")
        var hint = "Nothing was changed. " + (packageAdvice(report).map { $0 + "\n" } ?? "")
            + (linkAdvice(report, release: release, root: root).map { $0 + "\n" } ?? "")
        if let snippet = classifySnippet(report) {
            hint += "To keep them, add these entries to persist-deploy.json at the app's root (in the release you deploy), "
                + "merged into any \"classify\" it has:\n  \(snippet)\n"
                + "then deploy again: they move into shared/ and stay there. "
        }
        if !selfUpdate(report).isEmpty {
            hint += "The app changed its own code in place (an auto-update, a plugin or theme editor): put that change into the "
                + "code you deploy and turn the app's self-update off (WordPress: define('AUTOMATIC_UPDATER_DISABLED', true) in "
                + "wp-config.php), since a copy kept in shared/ would hide every later version. "
        }
        // Only links into shared/: the link advice above says all there is.
        if report.groups.allSatisfy({ $0.link?.shared != nil }) { return ToolError(message, hint: String(hint.dropLast())) }
        hint += "To deploy without them this once, run the same command "
            + "with --leave-behind: they are moved to '\(leftBehind)'. Paths whose run-time files may be dropped (caches) can be "
            + "classified \"disposable\"."
        return ToolError(message, hint: hint)
    }
}
