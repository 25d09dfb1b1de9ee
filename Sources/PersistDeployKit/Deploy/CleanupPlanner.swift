/// Which old releases a deploy removes.
extension DeployPlanner {
    /// Old releases to remove: all but the newest `keep` finished ones, never the new, the live
    /// or the previous release, and never a not-yet-deployed release newer than the live one.
    package func releasesToRemove(state: DeployState, newID: String, previousLive: String?, keep: Int) -> [String] {
        let finished = Set(state.finishedIDs)
        let protected: Set<String> = [newID, previousLive, state.liveID].compactMap { $0 }.reduce(into: []) { $0.insert($1) }
        let candidates = state.releaseIDs.filter { $0 != newID }
        var keptFinished = 1  // the new release counts towards keep
        var removal: [String] = []
        for id in candidates.reversed() {
            if protected.contains(id) {
                if finished.contains(id) { keptFinished += 1 }
                continue
            }
            if finished.contains(id) {
                if keptFinished < keep { keptFinished += 1 } else { removal.append(id) }
            } else if let live = previousLive, ReleaseID.isOlder(id, than: live) {
                removal.append(id)
            }
        }
        return removal.sorted(by: ReleaseID.isOlder)
    }
}
