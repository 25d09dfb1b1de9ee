extension StatusReport {
    /// Each persistent path's files and bytes: the kept counts (`DataCounts`), or, with `exact`
    /// or where none were kept, a walk of the data where it lives (links of the deploy root
    /// followed), which is then kept. `status` does not take the lock, so a count is only kept when
    /// the counts file can be written; a failure to keep one changes nothing else.
    static func counts(
        of classified: [(String, String?)], root: DeployRoot, context: Context, exact: Bool, console: Console?
    ) throws(ToolError) -> [PathUsage] {
        let fileSystem = context.fileSystem
        let kept = exact ? nil : DataCounts.load(root, fileSystem: fileSystem)
        let now = context.now().timeIntervalSince1970
        var measured: [DataCounts.Count] = []
        var paths: [PathUsage] = []
        let meter = console?.meter(verb: "counting", label: "shared/")
        for (path, pathClass) in classified {
            let lookup = PersistentLocation.lookUp(path, root: root, fileSystem: fileSystem)
            var location: String?
            var problem: String?
            switch lookup {
            case .found(let found): location = PersistentLocation.followedLink(found, path: path, root: root, fileSystem: fileSystem)
            case .absent: break
            case .unusable(let reason): problem = reason
            }
            let count: DataCounts.Count
            if let keptCount = kept?.count(of: path) {
                count = keptCount
            } else {
                var usage = DataUsage()
                if case .found(let found) = lookup {
                    meter?.relabel("shared/" + NameBytes.display(path))
                    do {
                        usage = try DataUsage.measure(found, progress: meter)
                    } catch {
                        throw ToolError.system(error, while: "Counting the files in '\(found)'")
                    }
                }
                count = DataCounts.Count(
                    path: path, files: usage.files, bytes: usage.bytes, newestChange: usage.newestChange, counted: now,
                    by: exact ? "status --exact" : "status")
                if problem == nil { measured.append(count) }
            }
            paths.append(PathUsage(
                path: path, class: pathClass, files: count.files, bytes: count.bytes,
                newestChange: count.newestChange.map { Timestamp.iso8601(Date(timeIntervalSince1970: $0)) },
                counted: Timestamp.iso8601(Date(timeIntervalSince1970: count.counted)), countedBy: count.by,
                location: location, problem: problem, countedSeconds: count.counted))
        }
        console?.endProgress()
        if !measured.isEmpty { try? DataCounts.update(root, with: measured, fileSystem: fileSystem) }
        return paths
    }

    /// "counted 2 h 5 min ago by backup 2026-11-22_14-30-00; 'status --exact' counts now".
    static func countsAge(_ paths: [PathUsage], now: Date) -> String {
        guard let oldest = paths.min(by: { $0.countedSeconds < $1.countedSeconds }) else { return "" }
        let age = now.timeIntervalSince1970 - oldest.countedSeconds
        guard age >= 1 else { return "counted now" }
        let mixed = Set(paths.map(\.countedBy)).count > 1 ? ", the oldest" : ""
        return "counted \(duration(age)) ago by \(oldest.countedBy)\(mixed); 'status --exact' counts now"
    }
}
