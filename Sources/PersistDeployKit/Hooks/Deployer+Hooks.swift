/// Applying the plan around its hooks: a failed before-switch hook marks the release failed, a
/// failed after-switch hook is a warning, `--verify` runs after both, cleanup last (keeping
/// releases still in use), and SIGINT/SIGTERM stop it all cleanly.
extension Deployer {
    /// Applies `plan.operations[first...]`. Before the switch, anything that fails leaves nothing
    /// live (and the release this deploy made is removed at once, `madeHere`); after it, a failure
    /// puts the previous release back (`putBack`) or says the new one is live; cleanup failures
    /// are warnings.
    func apply(
        _ plan: DeployPlan, from first: Int, executor: PlanExecutor, request: DeployRequest, report: inout DeployReport,
        madeHere: Bool
    ) throws(ToolError) {
        let operations = plan.operations
        let cleanupStart = Self.afterVerifyStart(operations)
        let switchAt = operations[first..<cleanupStart].firstIndex { operation in
            if case .switchCurrent(_, let id) = operation { id == plan.releaseID } else { false }
        } ?? cleanupStart
        // A release refused by a check goes at once; one whose before-switch hook failed stays,
        // recorded as failed, for the failure to be looked into (and so does an interrupted one).
        var hookFailed = false
        try discardOnRefusal(madeHere ? plan.releaseID : nil, unless: { hookFailed || executor.interruption?.received != nil }) { () throws(ToolError) in
            try applyRunningHooks(first..<switchAt, plan: plan, executor: executor, report: &report, hookFailed: &hookFailed)
        }
        do throws(ToolError) {
            try applyRunningHooks(switchAt..<cleanupStart, plan: plan, executor: executor, report: &report, hookFailed: &hookFailed)
        } catch {
            if executor.interruption?.received != nil || !currentPoints(at: plan.releaseID) { throw error }
            throw putBack(after: error, plan: plan, executor: executor)
        }
        report.activated = plan.activates

        if plan.activates, let command = request.hooks.verify {
            try verify(command, plan: plan, executor: executor, request: request)
        }
        // The new release is live and recorded: a failure from here on stops the rest of the
        // cleanup (nothing is removed past a move that did not happen) and is a warning; the
        // next deploy finishes it.
        do throws(ToolError) {
            try cleanUp(operations[cleanupStart...], from: cleanupStart, executor: executor, report: &report)
        } catch {
            if executor.interruption?.received != nil { throw error }
            let left = operations[cleanupStart...].compactMap { operation -> String? in
                guard case .removeRelease(let path, _, _) = operation, (try? context.fileSystem.exists(path)) == true else { return nil }
                return PathName.basename(path)
            }
            report.removedReleases.removeAll { left.contains($0) }
            report.warnings.append("\(error.message) releases/\(plan.releaseID) is live; the next deploy finishes this cleanup.")
        }
    }

    /// Applies `range` of the plan; a failed before-switch hook marks the release failed and
    /// stops, a failed after-switch hook is a warning.
    private func applyRunningHooks(
        _ range: Range<Int>, plan: DeployPlan, executor: PlanExecutor, report: inout DeployReport, hookFailed: inout Bool
    ) throws(ToolError) {
        let operations = plan.operations
        var next = range.lowerBound
        for index in range {
            guard case .runHook(let hook) = operations[index] else { continue }
            if index > next { try executor.apply(operations[next..<index], root: root.path, counted: next) }
            next = index + 1
            do {
                try executor.apply(operations[index...index], root: root.path, counted: index)
            } catch {
                if executor.interruption?.received != nil { throw error }
                switch hook.stage {
                case .beforeSwitch:
                    hookFailed = true
                    try record(plan.releaseID, outcome: .failed, plan: plan, executor: executor)
                    throw error
                case .afterSwitch, .verify:
                    report.warnings.append(error.message + (error.hint.map { "\n" + $0 } ?? ""))
                }
            }
        }
        if range.upperBound > next { try executor.apply(operations[next..<range.upperBound], root: root.path, counted: next) }
    }

    /// The cleanup operations, minus the releases a process uses right now: the after-switch hook
    /// may just have restarted the workers that were using them, so this is checked again here.
    private func cleanUp(
        _ operations: ArraySlice<DeployOperation>, from start: Int, executor: PlanExecutor, report: inout DeployReport
    ) throws(ToolError) {
        let removals = operations.compactMap { if case .removeRelease(let path, _, _) = $0 { path } else { nil } }
        let inUse = ReleasesInUse.scan(removals, fileSystem: context.fileSystem, ownPID: context.processID)
        for path in removals where inUse[path] != nil {
            let id = PathName.basename(path)
            report.warnings.append(ReleasesInUse.warning(release: id, uses: inUse[path] ?? []))
            report.removedReleases.removeAll { $0 == id }
        }
        // A kept release keeps what the app wrote in it too: nothing is moved out from under the process.
        let kept = operations.filter { operation in
            switch operation {
            case .removeRelease(let path, _, _): inUse[path] == nil
            case .leaveBehind(let release, _, _, _): inUse[release] == nil
            default: true
            }
        }
        try executor.apply(kept[...], root: root.path, counted: start)
    }

    /// Appends a history line for `release`.
    func record(_ release: String, outcome: HistoryRecord.Outcome, plan: DeployPlan, executor: PlanExecutor) throws(ToolError) {
        let line = HistoryRecord(
            release: release, time: Timestamp.iso8601(context.now()), outcome: outcome, framework: plan.classification.framework,
            paths: [], host: context.hostName, user: context.userName)
        try executor.apply([.appendHistory(root: root.path, shared: root.shared, line: Text.json(line))][...], root: root.path)
    }

    /// The error for a deploy stopped by SIGINT/SIGTERM. When `current` had moved under `--verify`,
    /// the previous release is put back first, as a failed check would have.
    func interrupted(by signal: Int32, plan: DeployPlan, request: DeployRequest) -> ToolError {
        let name = Interruption.name(of: signal)
        let executor = PlanExecutor(fileSystem: context.fileSystem, console: console, environment: [:])
        let live = DeployState.liveID(root, fileSystem: context.fileSystem)
        let switched = plan.activates && live == plan.releaseID && plan.previousLiveID != plan.releaseID
        guard switched else {
            return ToolError(
                "Interrupted by \(name) before releases/\(plan.releaseID) went live.",
                hint: "'current' was not moved\(live.map { " (it points at releases/\($0))" } ?? ""). Nothing was lost; run the deploy again to finish it.")
        }
        guard request.hooks.verify != nil, let previous = plan.previousLiveID else {
            return ToolError(
                "Interrupted by \(name) after releases/\(plan.releaseID) went live.",
                hint: "'current' points at the new release; old releases were not cleaned up (the next deploy does it). Use 'persist-deploy rollback' to go back.")
        }
        do {
            try putPrevious(previous, back: plan, executor: executor)
        } catch {
            return ToolError(
                "Interrupted by \(name) after releases/\(plan.releaseID) went live under --verify, and putting releases/\(previous) back failed: \(error.message)",
                hint: "Run 'persist-deploy rollback --root \(Shell.quote(root.path)) --to \(previous)'.")
        }
        return ToolError(
            "Interrupted by \(name) after releases/\(plan.releaseID) went live under --verify: 'current' was switched back to releases/\(previous).",
            hint: "The new release is marked bad; nothing in shared/ was changed. Deploy again when ready.")
    }

    /// Switches back to `previous` and records the new release as bad and the previous one as
    /// rolled back to (what a failed `--verify` does).
    func putPrevious(_ previous: String, back plan: DeployPlan, executor: PlanExecutor) throws(ToolError) {
        let time = Timestamp.iso8601(context.now())
        let bad = HistoryRecord(release: plan.releaseID, time: time, outcome: .bad, framework: plan.classification.framework,
                                paths: [], host: context.hostName, user: context.userName)
        let back = HistoryRecord(release: previous, time: time, outcome: .rolledBack, framework: plan.classification.framework,
                                 paths: [], host: context.hostName, user: context.userName, from: plan.releaseID)
        // A synced served folder shows the previous release's files again.
        let served = try servedFolderSteps(showing: previous, record: PersistenceRecord.load(from: root, fileSystem: context.fileSystem))
        try executor.apply(([.switchCurrent(root: root.path, releaseID: previous)] + served + [
            .appendHistory(root: root.path, shared: root.shared, line: Text.json(bad)),
            .appendHistory(root: root.path, shared: root.shared, line: Text.json(back)),
        ])[...], root: root.path)
    }

    /// Works out the web user and the hooks: an option wins over `persist-deploy.json`, which wins
    /// over the web user the last deploy recorded.
    func resolveSettings(_ request: inout DeployRequest, appDirectory: String, record: PersistenceRecord?, verify: String?) throws(ToolError) {
        let config = try ProjectConfig.load(appDirectory: appDirectory, fileSystem: context.fileSystem)
        let settings = config?.deploy ?? DeploySettings()
        let file = config?.file ?? ProjectConfig.fileName
        let names: (user: String?, group: String?, source: (String) -> String)
        if request.webUserOption != nil || request.webGroupOption != nil {
            names = (request.webUserOption, request.webGroupOption, { "--" + ($0 == "webUser" ? "web-user" : "web-group") })
        } else if settings.webUser != nil || settings.webGroup != nil {
            names = (settings.webUser, settings.webGroup, { "key '\($0)' of \(file)" })
        } else {
            names = (record?.webUser, record?.webGroup, { _ in "remembered in \(root.configRecord); pass --web-user '' to forget it" })
        }
        request.webAccess = try WebAccess.resolve(user: names.user, group: names.group, accounts: context.accounts, source: names.source)

        func command(_ option: String?, _ configured: String?) -> String? {
            let chosen = option ?? configured
            return chosen.flatMap { Text.trimmed($0).isEmpty ? nil : $0 }
        }
        request.hooks = HookCommands(
            beforeSwitch: command(request.beforeSwitchOption, settings.beforeSwitch),
            afterSwitch: command(request.afterSwitchOption, settings.afterSwitch),
            verify: command(verify, nil),
            timeoutSeconds: request.hookTimeoutOption ?? settings.hookTimeout ?? Hook.defaultTimeout)
    }
}
