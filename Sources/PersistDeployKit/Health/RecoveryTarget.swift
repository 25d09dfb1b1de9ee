/// Which release `recover` (and `emergency-recovery.sh`) points a missing or broken `current`
/// at: never the newest folder just because it is newest (that may be a release a deploy was
/// still preparing), but the one the records say was live last.
package enum RecoveryTarget {
    /// Releases that went live, the most recent first: the site an adoption was moving (named by
    /// the marker), then every release the history says `current` was switched to (a deploy, an
    /// adoption or a rollback) whose last word is still that it went live (not bad, failed or
    /// only prepared).
    package static func candidates(adopting: String?, history: [HistoryRecord]) -> [String] {
        var lastWord: [String: HistoryRecord.Outcome] = [:]
        for record in history where record.outcome != .rolledBack { lastWord[record.release] = record.outcome }
        // A marker the history already answers is a leftover, not a site in mid-move.
        var ordered: [String] = adopting.flatMap { id in history.contains { $0.release == id } ? nil : [id] } ?? []
        let wentLive: Set<HistoryRecord.Outcome> = [.activated, .adopted, .rolledBack]
        for record in history.reversed() where wentLive.contains(record.outcome) {
            guard lastWord[record.release] == .activated || lastWord[record.release] == .adopted else { continue }
            if !ordered.contains(record.release) { ordered.append(record.release) }
        }
        return ordered
    }

    /// The first candidate that is a real release folder under releases/, or nil.
    package static func choose(root: DeployRoot, fileSystem: any FileSystem) -> String? {
        let marker = (try? fileSystem.readText(at: root.adoptionMarker)).map(Text.trimmed)
        let history = DeploymentHistory.load(root, fileSystem: fileSystem)
        return candidates(adopting: marker, history: history).first { id in
            ReleaseID.isValid(id) && (try? fileSystem.type(at: root.release(id))) == .directory
        }
    }
}
