/// Which old releases a deploy (or `prune`) removes, and how: by the history, whatever the
/// folders' names (the tool's ids, Deployer's `1`, `2`, Capistrano's stamps, git shas).
extension DeployPlanner {
    /// Old releases a deploy removes: all but the newest `keep` finished ones (the new release
    /// counts), never the new, the live or the previous release, and never a release not yet
    /// deployed that is newer than the live one.
    package func releasesToRemove(state: DeployState, newID: String, previousLive: String?, keep: Int) -> [String] {
        releasesToRemove(state: state, keep: keep, newID: newID, protecting: [previousLive, state.liveID].compactMap { $0 }, staleBefore: previousLive)
    }

    /// The releases beyond the newest `keep` finished ones (`newID`, when given, counts as the
    /// newest), oldest first. `protecting` are never removed. A release recorded as prepared or
    /// bad whose last deploy came before `staleBefore`'s is removed too; a folder the history does
    /// not name is left alone, unless it carries the tool's own id and that id is older than
    /// `staleBefore` (a deploy that failed before it was recorded).
    package func releasesToRemove(state: DeployState, keep: Int, newID: String?, protecting: [String], staleBefore: String?) -> [String] {
        let protected = Set((protecting + [newID].compactMap { $0 }).map(NameBytes.Key.init))
        let newKey = newID.map(NameBytes.Key.init)
        let staleOrder = staleBefore.flatMap { state.ledger.standing(of: $0)?.deployed }
        // What is kept anyway counts first: the new release, the live and the previous one.
        var keptFinished = (newID == nil ? 0 : 1) + state.releaseIDs.filter { id in
            NameBytes.Key(id) != newKey && protected.contains(NameBytes.Key(id)) && state.ledger.standing(of: id)?.isFinished == true
        }.count
        var removal: [String] = []
        for id in state.releaseIDs.reversed() where NameBytes.Key(id) != newKey && !protected.contains(NameBytes.Key(id)) {
            let standing = state.ledger.standing(of: id)
            let finished = standing?.isFinished == true
            if finished {
                if keptFinished < keep { keptFinished += 1 } else { removal.append(id) }
            } else if let standing {
                if let staleOrder, standing.deployed < staleOrder { removal.append(id) }
            } else if let stale = staleBefore, ReleaseID.isValid(id), ReleaseID.isValid(stale), ReleaseID.isOlder(id, than: stale) {
                removal.append(id)
            }
        }
        return removal.reversed()
    }

    /// The operations that remove `ids`: the one removal every cleanup uses (a deploy's, `prune`'s),
    /// which moves what the app wrote into a release to left-behind/ first. `exclusions` are the
    /// paths its drift scan passes over; `compareWith` the release to compare one without a
    /// manifest with (nil: the live one).
    package func cleanupOperations(_ ids: [String], exclusions: [String], compareWith: String?) -> [DeployOperation] {
        ids.map { .removeRelease(path: root.release($0), exclusions: exclusions, compareWith: compareWith) }
    }

    /// The drift scan's exclusions from the record alone (for a cleanup with no new release):
    /// persistent paths, links to other app paths, disposable paths.
    package static func recordedExclusions(_ record: PersistenceRecord?) -> [String] {
        let paths = record?.paths ?? []
        let kept = paths.filter { ($0.class.isPersistent) || $0.linkTarget != nil || $0.class == .disposable }
        return Array(Set(kept.map(\.path))).sorted()
    }
}
