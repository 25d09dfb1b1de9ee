/// Data rule 4 for a rollback: what the running app wrote into the live release outside shared/
/// (new files, shipped files changed in place) would leave the site with the switch, just as
/// with a deploy. The rollback stops and says so, unless told `--leave-behind`, which sets
/// those files aside in `.persist-deploy/left-behind/ID/` after the switch. The comparison is the
/// health check's: the live release against the manifest recorded when it went live.
extension Rollback {
    /// The steps that set the app's writes aside after the switch (with `leaveBehind`), or none
    /// when the live release holds only what it shipped or has no readable manifest.
    /// - Throws: `ToolError` (exit 1, nothing changed) naming the files, without `leaveBehind`;
    ///   or when the live release cannot be read.
    func guardLiveRelease(
        _ live: String?, target: String, record: PersistenceRecord?, request: RollbackRequest
    ) throws(ToolError) -> (afterSwitch: [DeployOperation], warning: String?) {
        guard let live, let record, let bytes = try? context.fileSystem.readFile(at: root.treeManifest(of: live)),
            let tree = ReleaseTree.parse(bytes)
        else { return ([], nil) }
        let persistent = record.persistentPaths.map(\.path)
        let excluded = persistent + record.paths.filter { $0.linkTarget != nil || $0.class == .disposable }.map(\.path)
        let drift: Drift
        do {
            drift = try DriftScanner(fileSystem: context.fileSystem).scan(root.release(live), against: .manifest(tree), excluding: DriftExclusions(excluded))
        } catch {
            throw ToolError.system(error, while: "reading the live release releases/\(NameBytes.display(live)) before rolling back")
        }
        let report = DriftReport(drift, shipped: tree, persistent: persistent, webRoot: record.webRoot)
        guard !report.isEmpty else { return ([], nil) }
        let destination = root.leftBehind(of: live)
        let shown = "releases/\(NameBytes.display(live))"
        guard request.leaveBehind else {
            var again = "persist-deploy rollback --root \(Shell.quote(root.path))"
            if let to = request.target { again += " --to \(Shell.quote(to))" }
            if let ifCurrent = request.ifCurrent { again += " --if-current \(Shell.quote(ifCurrent))" }
            var hint = "Nothing was changed. To roll back now and set them aside in '\(destination)' (nothing is deleted; copy "
                + "back what you need): \(again) --leave-behind."
            if let snippet = DriftGuard.classifySnippet(report) {
                hint += " To keep them live instead, fix forward: deploy a release whose persist-deploy.json has\n  \(snippet)\n"
                    + "merged into any \"classify\" it has; they move into shared/ and stay there."
            }
            throw ToolError(
                "The running app wrote data into the live release \(shown) outside shared/: \(DriftGuard.summary(report)) that it "
                    + "did not ship or that changed since it went live. Rolling back to releases/\(NameBytes.display(target)) would take "
                    + "them off the site, so the rollback stopped.\n" + DriftGuard.lines(report).joined(separator: "\n"),
                hint: hint)
        }
        let step = DeployOperation.leaveBehind(release: root.release(live), paths: report.newTops, copies: report.changedFiles, to: destination)
        return ([step], "--leave-behind: what the app wrote into \(shown), \(DriftGuard.summary(report)), goes to '\(destination)' after the switch.")
    }
}
