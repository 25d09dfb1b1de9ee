import Glibc

/// What `status` shows: the live release, the data in each persistent path, free disk, backups,
/// the last health check and the last deploys. Its JSON holds the contract's fields
/// (`release`, `framework`, `paths`, `backups`, `health`) and a few more.
package struct StatusReport: Sendable, Encodable {
    package struct PathUsage: Sendable, Encodable {
        package var path: String
        /// Nil before the first deploy, when no record says what the path is.
        package var `class`: String?
        package var files: Int
        package var bytes: Int64
        package var newestChange: String?
        /// When the files were counted (UTC) and by what ("backup ID", "status --exact"…):
        /// `status` shows kept counts rather than walk shared/ on every call.
        package var counted: String
        package var countedBy: String
        /// Where the data is when a link of the deploy root leads elsewhere.
        package var location: String?
        /// Why the path could not be counted (a broken link on the way).
        package var problem: String?
        var countedSeconds: Double

        enum CodingKeys: String, CodingKey {
            case path, `class`, files, bytes, newestChange, counted, countedBy, location, problem
        }
    }

    package struct Deploy: Sendable, Encodable {
        package var release: String
        package var time: String
        package var outcome: String
    }

    package var release: String?
    /// When `current` was last switched (the time of its link).
    package var releaseSince: String?
    package var framework: String
    package var paths: [PathUsage]
    package var backups: Int
    package var newestBackup: String?
    /// The last health check's `status`, or, when none was recorded, that of a check made now.
    package var health: String
    /// When that check ran (native or `health-check.sh`), ISO 8601 UTC.
    package var healthChecked: String?
    package var freeBytes: UInt64?
    package var totalBytes: UInt64?
    package var lastDeploys: [Deploy]

    var releaseSinceSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case release, releaseSince, framework, paths, backups, newestBackup, health, healthChecked, freeBytes, totalBytes, lastDeploys
    }

    var json: StatusReport { self }

    /// The report; the files of each persistent path come from the kept counts (`DataCounts`)
    /// unless `exact`, and are counted now (and kept) where none were kept.
    package static func gather(root: DeployRoot, context: Context, exact: Bool = false, console: Console?) throws(ToolError) -> StatusReport {
        let fileSystem = context.fileSystem
        let record = try PersistenceRecord.load(from: root, fileSystem: fileSystem)
        var release: String?
        var since: Double?
        if let link = try? fileSystem.readSymlink(at: root.current) {
            release = PathName.basename(link)
            since = (try? fileSystem.status(at: root.current, followSymlink: false))??.modificationTime
        }
        let classified: [(String, String?)] =
            if let record {
                record.persistentPaths.map { ($0.path, $0.class.rawValue) }
            } else {
                try BackupStore.persistentPaths(root: root, fileSystem: fileSystem).map { ($0, nil) }
            }
        let paths = try counts(of: classified, root: root, context: context, exact: exact, console: console)
        let backups = try BackupStore(root: root, now: context.now).list()
        let space = try? SystemCall.space(at: root.shared)
        let history = DeploymentHistory.recent(root, fileSystem: fileSystem, limit: 5)
        var lastCheck = lastHealth(root: root, fileSystem: fileSystem)
        if lastCheck.status == nil {
            // The contract's three values only: with no check kept, one is made (it reads links
            // and modes, never the data).
            lastCheck = (HealthChecker(fileSystem: fileSystem).check(root: root, record: record).status.rawValue, Timestamp.iso8601(context.now()))
        }
        return StatusReport(
            release: release, releaseSince: since.map { Timestamp.iso8601(Date(timeIntervalSince1970: $0)) },
            framework: record?.framework.rawValue ?? "unknown", paths: paths, backups: backups.count,
            newestBackup: backups.first?.id, health: lastCheck.status ?? "failed", healthChecked: lastCheck.checked,
            freeBytes: space?.available, totalBytes: space?.total,
            lastDeploys: history.reversed().map { Deploy(release: $0.release, time: $0.time, outcome: $0.outcome.rawValue) },
            releaseSinceSeconds: since)
    }

    /// The `status` of the last health check's report (nil without one) and when it ran: its
    /// `checked` field, else the time the report was written.
    static func lastHealth(root: DeployRoot, fileSystem: any FileSystem) -> (status: String?, checked: String?) {
        struct LastCheck: Decodable {
            var status: String
            var checked: String?
        }
        guard let bytes = try? fileSystem.readFile(at: root.lastHealthCheck),
            let check = try? JSONDecoder().decode(LastCheck.self, from: Data(NameBytes.string(bytes).utf8))
        else { return (nil, nil) }
        let written = (try? fileSystem.status(at: root.lastHealthCheck, followSymlink: false))??.modificationTime
        return (check.status, check.checked ?? written.map { Timestamp.iso8601(Date(timeIntervalSince1970: $0)) })
    }

    func lines(now: Date) -> [String] {
        var lines: [String] = []
        if let release {
            let age = releaseSinceSeconds.map { " (live for \(Self.duration(now.timeIntervalSince1970 - $0)))" } ?? ""
            lines.append("Live release: \(release)\(age)")
        } else {
            lines.append("Live release: none (no 'current' link)")
        }
        lines.append("Framework: \(framework)")
        if paths.isEmpty {
            lines.append("Persistent paths: none found")
        } else {
            lines.append("Persistent paths (\(Self.countsAge(paths, now: now))):")
            let width = paths.map { NameBytes.display($0.path).count }.max() ?? 0
            for path in paths {
                let newest = path.newestChange.map { ", newest change \($0)" } ?? ""
                let location = path.problem.map { " (NOT counted: \($0))" } ?? path.location.map { " (at \($0))" } ?? ""
                lines.append("  \(Text.padded(NameBytes.display(path.path), to: width))  \(Text.padded(path.class ?? "-", to: 7))  "
                    + "\(Text.count(path.files, "file")), \(Text.bytes(path.bytes))\(newest)\(location)")
            }
        }
        if let freeBytes, let totalBytes {
            lines.append("Free disk: \(Text.bytes(Int64(clamping: freeBytes))) of \(Text.bytes(Int64(clamping: totalBytes)))")
        }
        lines.append("Backups: \(backups)" + (newestBackup.map { " (newest \($0))" } ?? ""))
        lines.append("Last health check: \(health)" + (healthChecked.map { " at \($0)" + Self.ago($0, now: now) } ?? ""))
        if lastDeploys.isEmpty {
            lines.append("Last deploys: none recorded")
        } else {
            lines.append("Last deploys:")
            for deploy in lastDeploys { lines.append("  \(deploy.release)  \(deploy.outcome)  \(deploy.time)") }
        }
        return lines
    }

    /// " (5 min ago)" for an ISO 8601 time, "" when it cannot be read.
    static func ago(_ time: String, now: Date) -> String {
        guard let date = Timestamp.date(iso8601: time) else { return "" }
        return " (\(duration(now.timeIntervalSince(date))) ago)"
    }

    /// "3 d 4 h", "2 h 5 min", "40 s".
    static func duration(_ seconds: Double) -> String {
        let total = max(0, Int(seconds))
        let days = total / 86_400, hours = total % 86_400 / 3600, minutes = total % 3600 / 60
        if days > 0 { return "\(days) d \(hours) h" }
        if hours > 0 { return "\(hours) h \(minutes) min" }
        if minutes > 0 { return "\(minutes) min" }
        return "\(total) s"
    }
}
