/// Which release `recover` (and `emergency-recovery.sh`) points a missing or broken `current`
/// at: never the newest folder just because it is newest (that may be a release a deploy was
/// still preparing), but the one the records say was live last.
package enum RecoveryTarget {
    /// The site an interrupted adoption was moving (named by its marker, which the history does
    /// not answer yet), else the release folder whose last word in the history is that it went
    /// live (not bad, failed or only prepared) and that went live most recently, by deploy or
    /// rollback. Nil when no folder qualifies.
    package static func choose(root: DeployRoot, fileSystem: any FileSystem) -> String? {
        guard let state = try? DeployState.read(root, fileSystem: fileSystem) else { return nil }
        if let adopting = state.interruptedAdoption { return adopting }
        var best: (id: String, lastLive: Int)?
        for id in state.releaseIDs {
            guard let standing = state.ledger.standing(of: id), standing.isFinished, let lastLive = standing.lastLive else { continue }
            if lastLive > best?.lastLive ?? Int.min { best = (id, lastLive) }
        }
        return best?.id
    }
}
