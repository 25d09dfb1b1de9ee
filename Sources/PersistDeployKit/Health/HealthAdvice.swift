/// What a person does after a health check that failed: the lines the native check and
/// `health-check.sh` both print after the results line, so cron mail and monitoring that only
/// see the output still know the next step. Word for word the same on both sides (tests compare).
package enum HealthAdvice {
    /// The message of a `shared` check whose data is gone (the script prints the same words).
    package static let missingFromShared = "is missing from shared/"

    /// The line after a failure recovery does not fix: access to shared/ (owners, modes, ACLs,
    /// an immutable flag), whose FAIL lines each say what to run.
    package static let accessStep =
        "Next: give the access each FAIL line above names (the command it ends with, as root or the owner), then check again; "
        + "recover does not change owners or modes."

    /// True for a failed check of access to a path in shared/ (its message starts with one of
    /// these words on both sides), which `recover` leaves as it is.
    package static func isAccessFailure(_ check: HealthCheckResult) -> Bool {
        check.status == .fail && check.name == "shared"
            && ["cannot be reached by ", "is not writable", "is not readable by ", "is not searchable by "].contains { check.message.hasPrefix($0) }
    }

    /// Nothing for a healthy report or warnings only (each warning says its own fix); for a
    /// failure: recovery when it fixes any of them, the access commands when access failed, and
    /// for data missing from shared/ the restore of each such path.
    package static func nextSteps(_ report: HealthReport, root: DeployRoot) -> [String] {
        guard report.status == .failed else { return [] }
        // No record and no current: a first deploy that stopped before anything went live
        // (it removes the record it wrote); recovery has nothing to go by.
        let failed = Set(report.checks.filter { $0.status == .fail }.map(\.name))
        if failed.contains("record"), failed.contains("current"), report.checks.contains(where: { $0.name == "current" && $0.message == "is missing" }) {
            return ["Next: the first deploy did not finish (nothing went live); fix what it reported and run it again."]
        }
        var lines: [String] = []
        if report.checks.contains(where: { $0.status == .fail && !isAccessFailure($0) }) {
            lines.append(
                "Next: persist-deploy recover --root \(Shell.quote(root.path)) "
                    + "(or, without the tool: bash \(Shell.quote(root.sharedPath("emergency-recovery.sh")))); it loses nothing.")
        }
        if report.checks.contains(where: isAccessFailure) { lines.append(accessStep) }
        let missing = report.checks.filter { $0.name == "shared" && $0.status == .fail && $0.message == missingFromShared }
        for check in missing {
            lines.append(
                "Data missing from shared/\(check.path): put it back from a backup with persist-deploy restore --root "
                    + "\(Shell.quote(root.path)) --path \(Shell.quote(check.path)) (backups are in \(Shell.quote(root.backups))).")
        }
        return lines
    }
}
