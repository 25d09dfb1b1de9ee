/// The last gate before a release goes live.
extension PlanExecutor {
    /// Refuses `release` when the checks `health-check` makes would fail on it once live: a link
    /// that resolves nowhere or elsewhere, a shared folder that is missing or not writable, an
    /// asset folder that is a link, a link inside the app that does not resolve.
    func checkRelease(_ release: String, record: PersistenceRecord) throws {
        let root = DeployRoot(path: record.deployRoot, shared: record.shared)
        let report = HealthChecker(fileSystem: fileSystem).check(root: root, record: record, release: release)
        let failures = report.checks.filter { $0.status == .fail }
        guard !failures.isEmpty else { return }
        throw ToolError(
            "releases/\(PathName.basename(release)) would fail the health check, so it was not made live: "
                + failures.map { "\($0.name) \($0.path) \($0.message)" }.joined(separator: "; ") + ".",
            hint: "'current' was not moved and nothing in shared/ was lost. Fix what is named (run 'persist-deploy health-check' "
                + "for the live release) and deploy again.")
    }
}
