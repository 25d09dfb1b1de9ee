/// Data rule 4 for a synced served folder, on a rollback: the app runs from that folder, and the
/// sync that shows the target release there writes over what the app or an admin changed since
/// the last sync (a self-updated index.php, an edited robots.txt) and puts back what they
/// removed. A deploy stops for this (`ServedDrift.stop`); so does a rollback, unless told
/// `--leave-behind`, when the sync's own steps first copy the changed files to left-behind/.
extension Rollback {
    /// The warning to print with `--leave-behind`, or nil when the folder is not synced or
    /// unchanged since the last sync.
    /// - Throws: `ToolError` (exit 1, nothing changed) naming the changes, without `leaveBehind`.
    func guardServedFolder(live: String?, target: String, record: PersistenceRecord?, request: RollbackRequest) throws(ToolError) -> String? {
        guard let record, let served = record.servedFolder, served.mode == .sync else { return nil }
        let found: ServedDrift?
        do {
            found = try PublicHTML.drift(
                served: served.path, root: root, paths: record.paths, webRoot: record.webRoot, liveRelease: live, fileSystem: context.fileSystem)
        } catch {
            throw ToolError.system(error, while: "reading the served folder '\(served.path)' before rolling back")
        }
        guard let drift = found, !drift.isEmpty else { return nil }
        let app = drift.appReport(webRoot: record.webRoot)
        let shown = { (path: String) in NameBytes.display(record.webRoot == "." ? path : PathName.join(record.webRoot, path)) }
        let what = [app.isEmpty ? nil : DriftGuard.summary(app), drift.removed.isEmpty ? nil : Text.count(drift.removed.count, "removed file")]
            .compactMap { $0 }.joined(separator: " and ")
        let destination = root.servedLeftBehind(of: drift.syncedID)
        if request.leaveBehind {
            return "--leave-behind: what the app changed in the served folder '\(served.path)', \(what), is copied to '\(destination)' "
                + "before the sync of releases/\(NameBytes.display(target)) writes over it."
        }
        var lines = app.isEmpty ? [] : DriftGuard.lines(app)
        lines += drift.removed.prefix(12).map { "  \(shown($0))  (shipped file removed)" }
        var again = "persist-deploy rollback --root \(Shell.quote(root.path))"
        if let to = request.target { again += " --to \(Shell.quote(to))" }
        if let ifCurrent = request.ifCurrent { again += " --if-current \(Shell.quote(ifCurrent))" }
        var hint = "Nothing was changed. To roll back now, with a copy of each changed file kept in '\(destination)' (copy back what "
            + "you need): \(again) --leave-behind."
        if let snippet = DriftGuard.classifySnippet(app) {
            hint += " To keep them live instead, fix forward: deploy a release whose persist-deploy.json has\n  \(snippet)\n"
                + "merged into any \"classify\" it has; they stay in the served folder, kept out of every sync."
        }
        throw ToolError(
            "The app changed the served folder '\(served.path)' since the sync of releases/\(NameBytes.display(drift.syncedID)): \(what). "
                + "In sync mode the app runs from there, and the sync of releases/\(NameBytes.display(target)) would write over them, "
                + "so the rollback stopped.\n" + lines.joined(separator: "\n"),
            hint: hint)
    }
}
