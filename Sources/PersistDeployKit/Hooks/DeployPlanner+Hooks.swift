/// The planner's part in hooks and in keeping releases still in use.
extension DeployPlanner {
    /// The hook `stage` running `command` in the new release.
    func hook(_ stage: Hook.Stage, _ command: String, request: DeployRequest, target: String, previous: String?) -> Hook {
        Hook(stage: stage, command: command, releaseID: target, releasePath: root.release(target), root: root.path,
             shared: root.shared, previousID: previous, timeoutSeconds: request.hooks.timeoutSeconds)
    }

    /// `ids` without the releases a running process uses, with a warning for each one kept.
    func keepingReleasesInUse(_ ids: [String], warnings: inout [String]) -> [String] {
        let inUse = ReleasesInUse.scan(ids.map(root.release), processTable: processTable, fileSystem: fileSystem, ownPID: ownPID)
        for (path, uses) in inUse.sorted(by: { $0.key < $1.key }) {
            warnings.append(ReleasesInUse.warning(release: PathName.basename(path), uses: uses))
        }
        return ids.filter { inUse[root.release($0)] == nil }
    }
}
