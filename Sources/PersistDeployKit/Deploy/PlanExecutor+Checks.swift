/// The last gate before a release goes live.
extension PlanExecutor {
    /// Refuses `release` when the checks `health-check` makes would fail on it once live: a link
    /// that resolves nowhere or elsewhere, a shared folder that is missing or not writable, an
    /// asset folder that is a link, a link inside the app that does not resolve.
    ///
    /// The web user's access is left to the deploy's own grants and to `health-check`: read for
    /// every path (a `getfacl` each), it cost seconds a deploy, and it is the same for the live
    /// release, since the data is shared.
    func checkRelease(_ release: String, record: PersistenceRecord) throws {
        let root = DeployRoot(path: record.deployRoot, shared: record.shared)
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
