/// What `rollback` was asked to do.
package struct RollbackRequest: Sendable {
    /// `--to ID`: the release to go to; nil for the one the history says was live before.
    package var target: String?
    /// `--if-current ID`: roll back only while `current` points at this release (a CI step
    /// undoing its own deploy must not undo someone else's, or one already undone by
    /// `--verify`); otherwise nothing changes and the result says `rolledBack: false`.
    package var ifCurrent: String?
    package var waitSeconds = 0
    package var dryRun = false
    /// `--leave-behind`: roll back even though the app wrote into the live release outside
    /// shared/, setting those files aside in `.persist-deploy/left-behind/ID/`.
    package var leaveBehind = false
    package init() {}
}

/// `rollback`: points `current` at the release that was live before the current one, by the
/// history (never by folder names, never forward), or at a named one, with the same atomic switch
/// as a deploy. A target from before a path became persistent is re-linked first.
package struct Rollback {
    package struct Result: Codable {
        package var release: String
        package var from: String?
        /// Persistent paths the target had as real files or folders (or lacked) and now links.
        package var relinked: [String]
        /// Present for `--dry-run`: the operations, in order.
        package var operations: [PlannedOperationJSON]?
        /// False when this run changed nothing: `--if-current` found `current` elsewhere, or
        /// the named release is already live.
        package var rolledBack = true
        /// True when `--to` named the live release (a retry of a rollback that landed): exit 0.
        package var alreadyLive = false
    }

    let context: Context
    let console: Console
    let root: DeployRoot

    package init(context: Context, console: Console, root: DeployRoot) {
        self.context = context
        self.console = console
        self.root = root
    }

    package func run(_ request: RollbackRequest) throws(ToolError) -> Result {
        let lock = request.dryRun ? nil : try DeployLock.acquire(
            root: root, command: "rollback", waitSeconds: request.waitSeconds, context: context, notice: console.notice)
        defer { lock?.release() }
        let state = try DeployState.read(root, fileSystem: context.fileSystem)
        let unrecorded = unrecordedRollback(state, requested: request.target)
        // A retry of a rollback killed after its switch finds `current` moved already: it
        // records that rollback rather than reading the move as someone else's.
        if let ifCurrent = request.ifCurrent, !(state.liveID?.utf8.elementsEqual(ifCurrent.utf8) ?? false),
            !(unrecorded?.from.utf8.elementsEqual(ifCurrent.utf8) ?? false)
        {
            var result = Result(release: state.liveID ?? "", from: state.liveID, relinked: [])
            result.rolledBack = false
            return result
        }
        if let unrecorded {
            // A rollback stopped between its switch and its line (or `current` was moved back
            // by hand to where a rollback would go): only the line is missing.
            let record = HistoryRecord(
                release: unrecorded.to, time: Timestamp.iso8601(context.now()), outcome: .rolledBack,
                framework: state.record?.framework ?? .unknown, paths: [], host: context.hostName, user: context.userName,
                from: unrecorded.from)
            let operations: [DeployOperation] = [.appendHistory(root: root.path, shared: root.shared, line: Text.json(record))]
            var result = Result(release: unrecorded.to, from: unrecorded.from, relinked: [])
            if request.dryRun {
                result.operations = operations.map { PlannedOperationJSON(op: $0.name, description: $0.describe(relativeTo: root.path)) }
                return result
            }
            console.say("current already points at releases/\(NameBytes.display(unrecorded.to)), where a rollback from releases/\(NameBytes.display(unrecorded.from)) goes; recording it.")
            try PlanExecutor(fileSystem: context.fileSystem, console: console, environment: context.environment).apply(operations[...], root: root.path)
            return result
        }
        if let requested = request.target, let live = state.liveID, live.utf8.elementsEqual(requested.utf8) {
            // Where the pipeline wanted it (a retry of a rollback that landed): done, not failed.
            var result = Result(release: live, from: live, relinked: [])
            result.rolledBack = false
            result.alreadyLive = true
            return result
        }
        let target = try self.target(request.target, state: state)
        let planner = DeployPlanner(fileSystem: context.fileSystem, root: root, now: context.now(), host: context.hostName, user: context.userName)
        let framework = state.record?.framework ?? .unknown
        try refuseReplacedLinks(state.liveID, record: state.record, request: request)
        let leaving = try guardLiveRelease(state.liveID, target: target, record: state.record, request: request)
        let servedWarning = try guardServedFolder(live: state.liveID, target: target, record: state.record, request: request)
        let relink = try planner.relinkPlan(release: target, record: state.record)
        let record = HistoryRecord(
            release: target, time: Timestamp.iso8601(context.now()), outcome: .rolledBack, framework: framework, paths: [],
            host: context.hostName, user: context.userName, from: state.liveID)
        let switchOperations = planner.historyRotation(state: state, framework: framework) + relink.operations + [
            .verifyLinks(release: root.release(target), links: relink.links, awaiting: relink.awaiting),
        ] + (try scriptSteps(showing: target, from: state.liveID, record: state.record)) + [
            .switchCurrent(root: root.path, releaseID: target),
        ] + (try Deployer.servedFolderSteps(showing: target, record: state.record, root: root, fileSystem: context.fileSystem))
        let line = DeployOperation.appendHistory(root: root.path, shared: root.shared, line: Text.json(record))
        for warning in [leaving.warning, servedWarning].compactMap({ $0 }) { console.warn(warning) }
        var result = Result(release: target, from: state.liveID, relinked: relink.relinked)
        if request.dryRun {
            result.operations = (switchOperations + [line] + leaving.afterSwitch).map { PlannedOperationJSON(op: $0.name, description: $0.describe(relativeTo: root.path)) }
            return result
        }
        let executor = PlanExecutor(fileSystem: context.fileSystem, console: console, environment: context.environment)
        try executor.apply(switchOperations[...], root: root.path)
        do throws(ToolError) {
            try executor.apply([line][...], root: root.path, counted: switchOperations.count)
        } catch {
            let back = state.liveID.map { previous in
                ((try? Deployer.servedFolderSteps(showing: previous, record: state.record, root: root, fileSystem: context.fileSystem)) ?? [])
                    + ((try? scriptSteps(showing: previous, from: target, record: state.record)) ?? [])
            } ?? []
            throw Self.undo(target: target, from: state.liveID, failure: error, executor: executor, root: root, served: back)
        }
        // After the line: a crash before this leaves the files in the old release, which
        // cleanup moves to the same place.
        try executor.apply(leaving.afterSwitch[...], root: root.path, counted: switchOperations.count + 1)
        return result
    }

    /// health-check.sh and emergency-recovery.sh rewritten for release `id` when its app links
    /// differ from those of `live` (which the scripts describe): they judge the live release's
    /// own layout, which may differ from the release the record was written for.
    private func scriptSteps(showing id: String, from live: String?, record: PersistenceRecord?) throws(ToolError) -> [DeployOperation] {
        guard let record else { return [] }
        let links = ReleaseManifest.appLinks(of: id, root: root, fileSystem: context.fileSystem)
        let layout = LayoutExpectations(record: record, root: root)
        let before = live.flatMap { ReleaseManifest.appLinks(of: $0, root: root, fileSystem: context.fileSystem) }
        guard layout.withAppLinks(links) != layout.withAppLinks(before) else { return [] }
        return try SafetyNet.render(root: root, record: record, history: [], publicHTML: nil, liveAppLinks: links)
            .filter { $0.name.hasSuffix(".sh") }
            .map { .writeFile(path: root.sharedPath($0.name), contents: $0.text, permissions: $0.permissions) }
    }

    /// The history says `from` is live, `current` points at `to`, and `to` is where this
    /// rollback goes (the named release, or the history's choice from `from`): a rollback whose
    /// switch happened and whose line did not.
    private func unrecordedRollback(_ state: DeployState, requested: String?) -> (from: String, to: String)? {
        guard let historyLive = state.ledger.live, let live = state.liveID, !historyLive.utf8.elementsEqual(live.utf8),
            state.hasRelease(historyLive),
            let target = requested ?? state.ledger.rollbackTarget(from: historyLive, among: state.releaseIDs),
            target.utf8.elementsEqual(live.utf8), state.ledger.standing(of: live)?.isFinished == true
        else { return nil }
        return (historyLive, live)
    }

    /// The release to go to: the named one when it finished a deploy, else the history's choice.
    private func target(_ requested: String?, state: DeployState) throws(ToolError) -> String {
        if let requested {
            guard state.hasRelease(requested) else {
                throw ToolError("There is no release '\(NameBytes.display(requested))' under '\(root.releases)'.", hint: "Run 'persist-deploy releases' to see them.")
            }
            guard state.ledger.standing(of: requested)?.isFinished == true else {
                throw ToolError(
                    "releases/\(NameBytes.display(requested)) never finished a deploy (or was marked bad), so it is not safe to make live.",
                    hint: "Deploy it with 'persist-deploy auto --release \(Shell.quote(requested))' instead, which checks it first.")
            }
            return requested
        }
        if let previous = state.rollbackTarget { return previous }
        let live = state.liveID.map { "releases/\(NameBytes.display($0))" } ?? "the live release"
        var skipped: [String] = []
        for id in state.releaseIDs where !(state.liveID?.utf8.elementsEqual(id.utf8) ?? false) {
            guard let standing = state.ledger.standing(of: id) else { continue }
            if standing.outcome == .bad {
                skipped.append("\(NameBytes.display(id)) (marked bad)")
            } else if standing.rolledBackFrom {
                skipped.append("\(NameBytes.display(id)) (rolled back from)")
            } else if standing.isFinished, let liveDeployed = state.liveID.flatMap({ state.ledger.standing(of: $0)?.deployed }),
                standing.deployed > liveDeployed
            {
                skipped.append("\(NameBytes.display(id)) (deployed after it: a rollback never moves forward)")
            }
        }
        throw ToolError(
            "There is no release before \(live) to roll back to"
                + (skipped.isEmpty ? "." : "; skipped: " + skipped.joined(separator: ", ") + "."),
            hint: "Nothing was changed. See the releases and their marks with: persist-deploy releases --root \(Shell.quote(root.path)) "
                + "(to go to one that finished a deploy anyway: persist-deploy rollback --root \(Shell.quote(root.path)) --to ID).")
    }

    /// The history could not record the rollback: `current` goes back where it was, so the
    /// command's exit 1 means nothing moved; or the error says where it points.
    /// `served` are the steps that show `previous` in a synced served folder again.
    static func undo(
        target: String, from previous: String?, failure: ToolError, executor: PlanExecutor, root: DeployRoot, served: [DeployOperation] = []
    ) -> ToolError {
        guard let previous else {
            return ToolError("current now points at releases/\(NameBytes.display(target)), but recording the rollback failed: \(failure.message)",
                             hint: failure.hint, activated: true, live: target)
        }
        do throws(ToolError) {
            try executor.apply(([.switchCurrent(root: root.path, releaseID: previous)] + served)[...], root: root.path)
        } catch {
            return ToolError(
                "current now points at releases/\(NameBytes.display(target)), but recording the rollback failed: \(failure.message) "
                    + "Switching back to releases/\(NameBytes.display(previous)) failed too: \(error.message)",
                hint: failure.hint, activated: true, live: target)
        }
        return ToolError(
            "\(failure.message) The rollback could not be recorded, so current was put back to releases/\(NameBytes.display(previous)); nothing changed.",
            hint: failure.hint, activated: false, live: previous)
    }
}
