/// `releases`: every release folder, newest first by the history, with its marks.
package struct ReleaseListing: Codable {
    package struct Entry: Codable {
        package var id: String
        package var live: Bool
        /// `live`, `finished` (went live before), `prepared`, `failed` (its before-switch hook
        /// failed), `bad` or `unrecorded` (a folder the history does not name).
        package var status: String
        /// Any of `live`, `previous` (where `rollback` goes), `bad`, `rolled-back-from` (a
        /// rollback left it) and `unfinished` (prepared or failed and never made live, or a deploy
        /// of it stopped before it was recorded).
        package var marks: [String]
        /// When it was last deployed, from the history.
        package var deployed: String?
    }

    package var live: String?
    /// The release `rollback` would go to.
    package var previous: String?
    package var releases: [Entry]

    package init(state: DeployState, root: DeployRoot, fileSystem: any FileSystem) {
        live = state.liveID
        previous = state.rollbackTarget
        let liveKey = live.map(NameBytes.Key.init)
        let previousKey = previous.map(NameBytes.Key.init)
        releases = state.releaseIDs.reversed().map { id in
            let key = NameBytes.Key(id)
            let standing = state.ledger.standing(of: id)
            var marks: [String] = []
            if key == liveKey { marks.append("live") }
            if key == previousKey { marks.append("previous") }
            if standing?.outcome == .bad { marks.append("bad") }
            if standing?.rolledBackFrom == true { marks.append("rolled-back-from") }
            let startedUnrecorded = standing == nil && (try? fileSystem.exists(root.manifest(of: id))) == true
            if standing?.outcome == .prepared || standing?.outcome == .failed || startedUnrecorded { marks.append("unfinished") }
            let status: String
            if key == liveKey {
                status = "live"
            } else if let standing {
                status = standing.isFinished ? "finished" : standing.outcome.rawValue
            } else {
                status = "unrecorded"
            }
            return Entry(id: id, live: key == liveKey, status: status, marks: marks, deployed: standing?.time)
        }
    }

    /// One line a release for people.
    package func lines() -> [String] {
        let width = releases.map { NameBytes.display($0.id).count }.max() ?? 0
        return releases.map { entry in
            let words = entry.marks.isEmpty ? [entry.status] : entry.marks.map { mark in
                switch mark {
                case "rolled-back-from": "rolled back from"
                case "unfinished" where entry.status == "prepared" || entry.status == "failed": "unfinished (\(entry.status))"
                default: mark
                }
            }
            let when = entry.deployed.map { "  (deployed \($0))" } ?? (entry.status == "unrecorded" ? "  (not in the history)" : "")
            return "\(entry.live ? "*" : " ") \(Text.padded(NameBytes.display(entry.id), to: width))  \(words.joined(separator: ", "))\(when)"
        }
    }
}
