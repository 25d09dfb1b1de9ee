/// The last gate before a release goes live.
extension PlanExecutor {
    /// Refuses `release` when the checks `health-check` makes would fail on it once live: a link
    /// that resolves nowhere or elsewhere, a shared folder that is missing or not writable, an
    /// asset folder that is a link, a link inside the app that does not resolve.
    ///
    /// The web user's access to each path is left to the deploy's own grants and to
    /// `health-check`: read for every path (a `getfacl` each), it cost seconds a deploy, and it is
    /// the same for the live release, since the data is shared. Only the folders on the way to the
    /// release and shared/ are checked for it here: the deploy does not open those.
    func checkRelease(_ release: String, record: PersistenceRecord) throws {
        let root = DeployRoot(path: record.deployRoot, shared: record.shared)
        try checkWebUserReach([release, root.shared], root: root, record: record)
        var layout = record
        layout.webUser = nil
        layout.webGroup = nil
        let report = HealthChecker(fileSystem: fileSystem).check(root: root, record: layout, release: release)
        let gating: Set<String> = ["link", "shared", "asset", "app-link"]
        let failures = report.checks.filter { $0.status == .fail && gating.contains($0.name) }
        guard !failures.isEmpty else { return }
        throw ToolError(
            "releases/\(PathName.basename(release)) would fail the health check, so it was not made live: "
                + failures.map { "\($0.name) \($0.path) \($0.message)" }.joined(separator: "; ") + ".",
            hint: "'current' was not moved and nothing in shared/ was lost. Fix what is named (run 'persist-deploy health-check' "
                + "for the live release) and deploy again.")
    }
}

extension PlanExecutor {
    /// Refuses when the record's web user may not search a folder on the way to one of
    /// `targets`, or the target itself (a release copied from a folder of mode 700).
    func checkWebUserReach(_ targets: [String], root: DeployRoot, record: PersistenceRecord) throws {
        let checker = HealthChecker(fileSystem: fileSystem)
        guard let web = checker.webAccess(LayoutExpectations(record: record, root: root), add: { _, _, _, _ in }) else { return }
        for target in targets {
            if let refusal = web.reachRefusal(target) { throw refusal }
        }
    }
}
