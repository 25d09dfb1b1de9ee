/// What runs around the switch: the `--verify` gate.
extension Deployer {
    /// Runs the health gate; on failure switches back to the previous release and records the
    /// new one as bad.
    func verify(_ command: String, plan: DeployPlan, executor: PlanExecutor) throws(ToolError) {
        console.say("Verifying with: \(command)")
        var environment = context.environment
        environment["PERSIST_DEPLOY_RELEASE"] = plan.releaseID
        environment["PERSIST_DEPLOY_ROOT"] = root.path
        let status: Int32
        do {
            status = try Subprocess.shell(command, environment: environment)
        } catch {
            throw ToolError.system(error, while: "Running the --verify command")
        }
        guard status != 0 else { return }
        let time = Timestamp.iso8601(context.now())
        let bad = HistoryRecord(release: plan.releaseID, time: time, outcome: .bad, framework: plan.classification.framework,
                                paths: [], host: context.hostName, user: context.userName)
        var steps: [DeployOperation] = [.appendHistory(root: root.path, shared: root.shared, line: Text.json(bad))]
        if let previous = plan.previousLiveID {
            let back = HistoryRecord(release: previous, time: time, outcome: .rolledBack, framework: plan.classification.framework,
                                     paths: [], host: context.hostName, user: context.userName)
            steps.insert(contentsOf: [.switchCurrent(root: root.path, releaseID: previous)]
                + (try servedFolderSteps(showing: previous, record: PersistenceRecord.load(from: root, fileSystem: context.fileSystem))), at: 0)
            steps.append(.appendHistory(root: root.path, shared: root.shared, line: Text.json(back)))
        }
        try executor.apply(steps[...], root: root.path)
        throw ToolError(
            "The --verify command failed (exit \(status)) after releases/\(plan.releaseID) went live.",
            hint: plan.previousLiveID.map { "'current' was switched back to releases/\($0); the new release is marked bad. Nothing in shared/ was changed." }
                ?? "There was no previous release to go back to; the new release stays live and is marked bad.")
    }
}
