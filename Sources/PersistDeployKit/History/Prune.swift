/// What `prune` was asked to do.
package struct PruneRequest: Sendable {
    /// Finished releases kept, the live one included.
    package var keep = 5
    package var dryRun = false
    package var waitSeconds = 0
    package init() {}
}

/// `prune`: removes old finished releases beyond the newest N by the history, never the live
/// one nor the one `rollback` would go to, with the same planner and removal as a deploy's
/// cleanup; also the leftovers of crashed commands.
package struct Prune {
    package struct Result: Codable {
        package var removedReleases: [String]
        package var dryRun: Bool
        /// What the removal did besides removing (files the app wrote into a release moved to
        /// `.persist-deploy/left-behind/`).
        package var warnings: [String] = []
        /// Present for `--dry-run`: the operations, in order.
        package var operations: [PlannedOperationJSON]?
    }

    let context: Context
    let console: Console
    let root: DeployRoot

    package init(context: Context, console: Console, root: DeployRoot) {
        self.context = context
        self.console = console
        self.root = root
    }

    package func run(_ request: PruneRequest) throws(ToolError) -> Result {
        let lock = request.dryRun ? nil : try DeployLock.acquire(root: root, command: "prune", waitSeconds: request.waitSeconds, context: context)
        defer { lock?.release() }
        let state = try DeployState.read(root, fileSystem: context.fileSystem)
        let planner = DeployPlanner(fileSystem: context.fileSystem, root: root, now: context.now(), host: context.hostName, user: context.userName)
        let removed = Self.releasesToRemove(state: state, planner: planner, keep: request.keep)
        let exclusions = DeployPlanner.recordedExclusions(state.record)
        // A release whose removal a crash interrupted is finished the way cleanup does it.
        let leftovers = state.leftovers.map { leftover in
            PathName.basename(leftover).hasPrefix(".removing-")
                ? DeployOperation.removeRelease(path: leftover, exclusions: exclusions, compareWith: nil)
                : .removeLeftover(path: leftover)
        }
        let operations = leftovers + planner.cleanupOperations(removed, exclusions: exclusions, compareWith: nil)
        var result = Result(removedReleases: removed, dryRun: request.dryRun)
        if request.dryRun {
            result.operations = operations.map { PlannedOperationJSON(op: $0.name, description: $0.describe(relativeTo: root.path)) }
            return result
        }
        let executor = PlanExecutor(fileSystem: context.fileSystem, console: console, environment: context.environment)
        try executor.apply(operations[...], root: root.path)
        result.warnings = executor.notes.all
        return result
    }

    /// The releases `prune --keep keep` removes: the live one and the rollback target stay.
    package static func releasesToRemove(state: DeployState, planner: DeployPlanner, keep: Int) -> [String] {
        planner.releasesToRemove(
            state: state, keep: keep, newID: nil, protecting: [state.liveID, state.rollbackTarget].compactMap { $0 },
            staleBefore: state.liveID)
    }

    /// For a deploy that ran out of space: how much the releases `prune --keep 1` would remove
    /// hold, and the command; nil when there are none (or the root cannot be read).
    package static func diskFullAdvice(root: DeployRoot, context: Context) -> String? {
        let fileSystem = context.fileSystem
        guard let state = try? DeployState.read(root, fileSystem: fileSystem) else { return nil }
        let planner = DeployPlanner(fileSystem: fileSystem, root: root, now: context.now(), host: context.hostName, user: context.userName)
        let old = releasesToRemove(state: state, planner: planner, keep: 1)
        guard !old.isEmpty else { return nil }
        var bytes: Int64 = 0
        for id in old {
            let release = root.release(id)
            for file in (try? fileSystem.files(under: release)) ?? [] {
                bytes += (try? fileSystem.status(at: PathName.join(release, file), followSymlink: false)).flatMap { $0?.type == .file ? $0?.size : 0 } ?? 0
            }
        }
        return "\(Text.count(old.count, "old release")) hold \(Text.bytes(bytes)): "
            + "'persist-deploy prune --root \(Shell.quote(root.path)) --keep 1' removes them (the live and the previous release stay; "
            + "add --dry-run to see the list first), then run the deploy again."
    }
}
