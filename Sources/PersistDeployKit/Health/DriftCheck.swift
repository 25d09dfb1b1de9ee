/// The health check's view of data rule 4: what the running app wrote into the live release
/// outside shared/ (which the next deploy would stop for), so a cron job sees it first. The
/// generated `health-check.sh` does the same walk and grouping in bash, with the same words.
extension HealthChecker {
    func driftChecks(live: String, root: DeployRoot, record: PersistenceRecord) -> [HealthCheckResult] {
        let id = PathName.basename(live)
        guard let bytes = try? fileSystem.readFile(at: root.treeManifest(of: id)) else {
            // A release deployed before manifests, or by hand: nothing to compare with yet.
            return [HealthCheckResult(
                name: "drift", path: "current", status: .pass,
                message: "releases/\(id) has no manifest of what it shipped; the next deploy compares it with the new release")]
        }
        guard let tree = ReleaseTree.parse(bytes) else {
            return [HealthCheckResult(
                name: "drift", path: "current", status: .warn,
                message: "the manifest of releases/\(id) cannot be read; the next deploy compares the release with the new one")]
        }
        let persistent = record.persistentPaths.map(\.path)
        let excluded = persistent + record.paths.filter { $0.linkTarget != nil || $0.class == .disposable }.map(\.path)
        let drift: Drift
        do {
            drift = try DriftScanner(fileSystem: fileSystem).scan(live, against: .manifest(tree), excluding: DriftExclusions(excluded))
        } catch {
            return [HealthCheckResult(name: "drift", path: "current", status: .warn, message: "the live release could not be read: \(error)")]
        }
        let report = DriftReport(drift, shipped: tree, persistent: persistent, webRoot: record.webRoot)
        guard !report.isEmpty else {
            return [HealthCheckResult(name: "drift", path: "current", status: .pass, message: "releases/\(id) holds only what it shipped")]
        }
        return report.groups.map { group in
            HealthCheckResult(name: "drift", path: NameBytes.display(group.path), status: .warn, message: Self.driftMessage(group))
        }
    }

    /// The words for one group (the script builds the same sentence).
    static func driftMessage(_ group: DriftReport.Group) -> String {
        let what: String
        switch (group.change, group.kind) {
        case ("changed", _): what = "shipped file changed in place, \(group.bytes) bytes"
        case ("grown", _): what = "shipped folder with \(Text.count(group.files, "new file")), \(group.bytes) bytes"
        case (_, .dir): what = "new folder, \(Text.count(group.files, "file")), \(group.bytes) bytes"
        default: what = "new file, \(group.bytes) bytes"
        }
        return "\(what): the next deploy would stop for it; classify it in persist-deploy.json ('persist-deploy plan' prints the entry)"
    }
}
