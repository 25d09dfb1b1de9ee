/// What the history says about each release still on disk: its last deploy word, when it last
/// went live, whether a rollback left it. Read from the end of the history, only as far back as
/// the last deploy of every release folder there (or a rotation's carried standing), so its cost
/// follows the releases kept, not the length of the history.
package struct ReleaseLedger: Sendable {
    package struct Standing: Sendable, Equatable {
        /// The release's last deploy word (`activated`, `adopted`, `prepared`, `failed`), or `bad`.
        package var outcome: HistoryRecord.Outcome
        /// When it was last deployed (the record's time).
        package var time: String?
        /// Order of its last deploy: larger is later.
        package var deployed: Int
        /// Order of the last time it went live (deploy or rollback), as far as the lines read show;
        /// a release prepared again keeps it (it still went live once).
        package var lastLive: Int?
        /// A rollback moved `current` away from it after it last went live.
        package var rolledBackFrom: Bool

        /// It went live and was not marked bad since its last deploy.
        package var isFinished: Bool { outcome == .activated || outcome == .adopted }
    }

    /// Lines read past the last deploy of every release, so a fresh id also avoids ids the
    /// newest lines name (deploys within one second, a release just removed).
    static let minimumLines = 32

    private var standings: [NameBytes.Key: Standing] = [:]
    /// Every release the lines read name (a new id avoids them).
    package private(set) var named: Set<NameBytes.Key> = []
    /// The release the history last says went live.
    package private(set) var live: String?
    private var order = 0

    package init() {}

    package func standing(of id: String) -> Standing? { standings[NameBytes.Key(id)] }

    /// Reads the history from its end until it has seen the last deploy of each of `releases`
    /// (and at least `minimumLines` lines), a rotation's carried standing, or the first line.
    package static func read(_ root: DeployRoot, fileSystem: any FileSystem, releases: [String]) -> ReleaseLedger {
        var unresolved = Set(releases.map(NameBytes.Key.init))
        var window: [HistoryLine] = []
        var carried: [(line: HistoryLine, checkpoint: HistoryRecord.Checkpoint)] = []
        var carriedFile: String?
        let decoder = JSONDecoder()
        // The carried lines open their file: older files hold only what they summarise.
        HistoryFiles(fileSystem: fileSystem, root: root).linesNewestFirst(intoOlderFile: { carriedFile == nil }) { bytes, complete, file in
            guard complete, let line = HistoryLine.scan(bytes) else { return true }
            if let raw = line.checkpoint {
                if let checkpoint = try? decoder.decode(HistoryRecord.Checkpoint.self, from: Data(raw)) {
                    carried.append((line, checkpoint))
                    carriedFile = file
                }
                return true
            }
            guard carriedFile == nil else { return false }
            window.append(line)
            if line.outcome.isDeploy { unresolved.remove(NameBytes.Key(line.release)) }
            return !unresolved.isEmpty || window.count < minimumLines
        }
        var ledger = ReleaseLedger()
        for (line, checkpoint) in carried.reversed() { ledger.carry(line, checkpoint) }
        for line in window.reversed() { ledger.apply(line) }
        return ledger
    }

    /// Takes in one line a rotation carried over.
    mutating func carry(_ line: HistoryLine, _ checkpoint: HistoryRecord.Checkpoint) {
        let key = NameBytes.Key(line.release)
        named.insert(key)
        standings[key] = Standing(
            outcome: line.outcome, time: line.time, deployed: checkpoint.deployed, lastLive: checkpoint.lastLive,
            rolledBackFrom: checkpoint.rolledBackFrom)
        if let lastLive = checkpoint.lastLive, lastLive > (live.flatMap { standing(of: $0)?.lastLive } ?? Int.min) {
            live = line.release
        }
        order = max(order, checkpoint.deployed, checkpoint.lastLive ?? 0)
    }

    /// Takes in the next line of the history (oldest first).
    package mutating func apply(_ line: HistoryLine) {
        order += 1
        let key = NameBytes.Key(line.release)
        named.insert(key)
        switch line.outcome {
        case .activated, .adopted:
            standings[key] = Standing(outcome: line.outcome, time: line.time, deployed: order, lastLive: order, rolledBackFrom: false)
            live = line.release
        case .prepared, .failed:
            standings[key] = Standing(outcome: line.outcome, time: line.time, deployed: order, lastLive: standings[key]?.lastLive, rolledBackFrom: false)
        case .bad:
            if standings[key] == nil {
                standings[key] = Standing(outcome: .bad, time: line.time, deployed: order, lastLive: nil, rolledBackFrom: false)
            } else {
                standings[key]?.outcome = .bad
            }
        case .rolledBack:
            if let source = line.from ?? live, NameBytes.Key(source) != key {
                standings[NameBytes.Key(source)]?.rolledBackFrom = true
            }
            standings[key]?.lastLive = order
            standings[key]?.rolledBackFrom = false
            live = line.release
        }
    }

    /// Where `rollback` goes from `live`: among `releases`, the finished one that was live most
    /// recently, never one a rollback left or one marked bad, and never one deployed after
    /// `live` (a rollback does not move forward). Nil when there is none.
    package func rollbackTarget(from live: String?, among releases: [String]) -> String? {
        let liveKey = live.map(NameBytes.Key.init)
        let liveDeployed = live.flatMap { standing(of: $0)?.deployed }
        var best: (id: String, lastLive: Int)?
        for id in releases where NameBytes.Key(id) != liveKey {
            guard let standing = standing(of: id), standing.isFinished, !standing.rolledBackFrom,
                let lastLive = standing.lastLive
            else { continue }
            if let liveDeployed, standing.deployed >= liveDeployed { continue }
            if lastLive > best?.lastLive ?? Int.min { best = (id, lastLive) }
        }
        return best?.id
    }

    /// The lines a rotation writes at the top of the new file: the standing of each of
    /// `releases` the ledger knows, in the order of their last deploy.
    package func carriedLines(for releases: [String], archive: String, framework: Framework, host: String, user: String, now: String) -> [String] {
        let known = releases.compactMap { id in standing(of: id).map { (id, $0) } }.sorted { $0.1.deployed < $1.1.deployed }
        return known.map { id, standing in
            var record = HistoryRecord(
                release: id, time: standing.time ?? now, outcome: standing.outcome, framework: framework, paths: [],
                host: host, user: user)
            record.checkpoint = HistoryRecord.Checkpoint(
                archive: archive, deployed: standing.deployed, lastLive: standing.lastLive, rolledBackFrom: standing.rolledBackFrom)
            return Text.json(record)
        }
    }
}
