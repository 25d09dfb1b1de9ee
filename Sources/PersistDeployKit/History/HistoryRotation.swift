/// Rotation of a long `shared/.deployment-history`: the whole file is renamed to a dated file
/// next to it (one rename, so no line is lost or written twice), and the new file starts with
/// the standing of each release still on disk, so readers stop there.
extension DeployPlanner {
    /// The current file's size from which a command that appends rotates it first (a few
    /// thousand deploys).
    package static let historyRotationBytes: Int64 = 512 * 1024

    /// The rotation to run before this command appends, when the file has grown past
    /// `historyRotationBytes`; none otherwise.
    package func historyRotation(state: DeployState, framework: Framework) -> [DeployOperation] {
        guard state.historyBytes >= Self.historyRotationBytes else { return [] }
        let files = HistoryFiles(fileSystem: fileSystem, root: root)
        let archive = files.nextArchiveName(day: String(ReleaseID.timestamp(now).prefix(10)))
        let carried = state.ledger.carriedLines(
            for: state.releaseIDs, archive: archive, framework: framework, host: host, user: user, now: Timestamp.iso8601(now))
        return [.rotateHistory(shared: root.shared, archive: archive, carried: carried)]
    }
}
