/// The releases, newest first, with the live one and each one's standing in the history.
package struct ReleaseListing: Codable {
    package struct Entry: Codable {
        package var id: String
        package var live: Bool
        /// `live`, `finished` (went live before), `prepared`, `bad` or `unrecorded`.
        package var status: String
    }

    package var live: String?
    package var releases: [Entry]

    package init(state: DeployState) {
        let finished = Set(state.finishedIDs)
        var last: [String: HistoryRecord.Outcome] = [:]
        for record in state.history where record.outcome != .rolledBack { last[record.release] = record.outcome }
        live = state.liveID
        releases = state.releaseIDs.reversed().map { id in
            let status: String
            if id == state.liveID {
                status = "live"
            } else if finished.contains(id) {
                status = "finished"
            } else if let outcome = last[id] {
                status = outcome.rawValue
            } else {
                status = "unrecorded"
            }
            return Entry(id: id, live: id == state.liveID, status: status)
        }
    }
}

/// `rollback`: points `current` at the previous finished release (by the history, never by folder
/// times) or a named one, with the same atomic switch as a deploy.
package struct Rollback {
    package struct Result: Codable {
        package var release: String
        package var from: String?
        /// False when `--if-current` found `current` elsewhere and nothing was changed.
        package var rolledBack = true
    }

    let context: Context
    let console: Console
    let root: DeployRoot

    package init(context: Context, console: Console, root: DeployRoot) {
        self.context = context
        self.console = console
        self.root = root
    }

    /// - Parameter ifCurrent: roll back only while `current` points at this release (a CI
    ///   step undoing its own deploy must not undo someone else's, or one already undone by
    ///   `--verify`); otherwise nothing changes and the result says `rolledBack: false`.
    package func run(to requested: String?, ifCurrent: String? = nil, waitSeconds: Int, dryRun: Bool) throws(ToolError) -> Result {
        let lock = dryRun ? nil : try DeployLock.acquire(
            root: root, command: "rollback", waitSeconds: waitSeconds, context: context, notice: console.notice)
        defer { lock?.release() }
        let state = try DeployState.read(root, fileSystem: context.fileSystem)
        if let ifCurrent, state.liveID != ifCurrent {
            return Result(release: state.liveID ?? "", from: state.liveID, rolledBack: false)
        }
        let finished = state.finishedIDs.filter { state.releaseIDs.contains($0) }
        let target: String
        if let requested {
            guard state.releaseIDs.contains(requested) else {
                throw ToolError("There is no release '\(requested)' under '\(root.releases)'.", hint: "Run 'persist-deploy releases' to see them.")
            }
            guard finished.contains(requested) else {
                throw ToolError(
                    "releases/\(requested) never finished a deploy (or was marked bad), so it is not safe to make live.",
                    hint: "Deploy it with 'persist-deploy auto --release \(requested)' instead, which checks it first.")
            }
            target = requested
        } else {
            // The release that went live before the current one, by the order of the history.
            let live = state.liveID
            let candidates = finished.filter { $0 != live }
            let beforeLive = live.flatMap { id in finished.firstIndex(of: id) }.map { Array(finished[..<$0]) } ?? candidates
            guard let previous = (beforeLive.last ?? candidates.last) else {
                throw ToolError(
                    "There is no earlier finished release under '\(root.releases)' to roll back to.",
                    hint: "Run 'persist-deploy releases --root \(root.path)' to see them; only releases this tool deployed (named YYYY-MM-DD_HH-MM-SS) can be rolled back to.")
            }
            target = previous
        }
        if target == state.liveID {
            throw ToolError("releases/\(target) is already live.", hint: "Nothing was changed.")
        }
        let record = HistoryRecord(
            release: target, time: Timestamp.iso8601(context.now()), outcome: .rolledBack,
            framework: state.record?.framework ?? .unknown, paths: [], host: context.hostName, user: context.userName)
        if !dryRun {
            try PlanExecutor(fileSystem: context.fileSystem, console: console, environment: context.environment).apply(
                [.switchCurrent(root: root.path, releaseID: target),
                 .appendHistory(root: root.path, shared: root.shared, line: Text.json(record))][...],
                root: root.path)
        }
        return Result(release: target, from: state.liveID)
    }
}
