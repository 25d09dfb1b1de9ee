/// What runs after the switch: the `--verify` gate.
extension Deployer {
    /// Runs the health gate (with the hooks' time limit, in its own process group); on failure
    /// switches back to the previous release, records the new one as bad, and runs the
    /// after-switch hook again for the release that is live once more.
    func verify(_ command: String, plan: DeployPlan, executor: PlanExecutor, request: DeployRequest) throws(ToolError) {
        let hook = Hook(
            stage: .verify, command: command, releaseID: plan.releaseID, releasePath: plan.releasePath, root: root.path,
            shared: root.shared, previousID: plan.previousLiveID, timeoutSeconds: request.hooks.timeoutSeconds)
        let runner = HookRunner(fileSystem: context.fileSystem, console: console, environment: context.environment,
                                interruption: executor.interruption, now: context.now)
        let result = try runner.run(hook)
        if result.succeeded { return }
        if case .interrupted(let signal) = result.end {
            // `interrupted(by:)` answers it: it puts the previous release back.
            throw ToolError("Interrupted by \(Interruption.name(of: signal)) while --verify ran.")
        }
        let restoring = PlanExecutor(fileSystem: context.fileSystem, console: console, environment: context.environment)
        guard let previous = plan.previousLiveID else {
            try record(plan.releaseID, outcome: .bad, plan: plan, executor: restoring)
            throw ToolError(
                "The --verify command \(HookRunner.ending(result)) after releases/\(plan.releaseID) went live. Its last lines:\n\(HookRunner.tail(result))",
                hint: "There was no previous release to go back to; the new release stays live and is marked bad. Output: \(hook.logPath)")
        }
        try putPrevious(previous, back: plan, executor: restoring)
        if let command = request.hooks.afterSwitch {
            // The live code changed again: what reloaded PHP-FPM for the new release must run for this one.
            let again = Hook(
                stage: .afterSwitch, command: command, releaseID: previous, releasePath: root.release(previous), root: root.path,
                shared: root.shared, previousID: plan.releaseID, timeoutSeconds: request.hooks.timeoutSeconds)
            let rerun = try runner.run(again)
            if !rerun.succeeded { console.warn(PlanExecutor.hookFailure(again, rerun).message) }
        }
        throw ToolError(
            "The --verify command \(HookRunner.ending(result)) after releases/\(plan.releaseID) went live. Its last lines:\n\(HookRunner.tail(result))",
            hint: "'current' was switched back to releases/\(previous); the new release is marked bad. Nothing in shared/ was changed. Output: \(hook.logPath)")
    }
}

extension DeployState {
    /// The release `current` points at now, when it resolves; read without the rest of the state.
    static func liveID(_ root: DeployRoot, fileSystem: any FileSystem) -> String? {
        guard let text = try? fileSystem.readSymlink(at: root.current) else { return nil }
        let resolved = PathName.absolute(text, from: root.path)
        guard PathName.parent(resolved) == root.releases, (try? fileSystem.isDirectory(resolved)) == true else { return nil }
        return PathName.basename(resolved)
    }
}
