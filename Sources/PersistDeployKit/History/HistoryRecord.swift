/// One line of `shared/.deployment-history`.
package struct HistoryRecord: Sendable, Codable, Equatable {
    package enum Outcome: String, Sendable, Codable {
        /// The release went live.
        case activated
        /// The release was prepared with `--no-activate`.
        case prepared
        /// `current` was switched back to this release by `rollback` or a failed `--verify`.
        case rolledBack = "rolled-back"
        /// `--verify` failed after the switch; the release must not be used again.
        case bad
        /// An in-place site was adopted as this release.
        case adopted
        /// Its before-switch hook failed: it never went live.
        case failed

        /// The words that end a deploy of the release (the last word of its newest deploy is
        /// one of them).
        var isDeploy: Bool { self == .activated || self == .prepared || self == .adopted || self == .failed }
        /// The words after which the history says `current` points at the record's release.
        var setsLive: Bool { self == .activated || self == .adopted || self == .rolledBack }
    }

    /// The standing of a release carried into a new history file by a rotation, in place of the
    /// lines moved to the dated file: such a line is not an event, it summarises the release's
    /// older lines (its `outcome` is the release's last deploy word, its `time` that deploy's).
    package struct Checkpoint: Sendable, Codable, Equatable {
        /// The dated file the older lines were moved to, its name in shared/.
        package var archive: String
        /// The order of the release's last deploy among the carried lines.
        package var deployed: Int
        /// The order of the last time it went live (deploy or rollback), if it ever did.
        package var lastLive: Int?
        /// A rollback left it after its last deploy.
        package var rolledBackFrom: Bool

        package init(archive: String, deployed: Int, lastLive: Int?, rolledBackFrom: Bool) {
            self.archive = archive
            self.deployed = deployed
            self.lastLive = lastLive
            self.rolledBackFrom = rolledBackFrom
        }
    }

    package var release: String
    package var time: String
    package var outcome: Outcome
    package var framework: Framework
    package var paths: [PathRecord]
    package var host: String
    package var user: String
    package var toolVersion: String
    /// For `rolled-back`: the release `current` pointed at before, the one rolled back from.
    package var from: String?
    /// Only on lines a rotation carried over (see `Checkpoint`).
    package var checkpoint: Checkpoint?

    package init(
        release: String, time: String, outcome: Outcome, framework: Framework, paths: [PathRecord],
        host: String, user: String, from: String? = nil
    ) {
        self.release = release
        self.time = time
        self.outcome = outcome
        self.framework = framework
        self.paths = paths
        self.host = host
        self.user = user
        self.toolVersion = PersistDeployKit.toolVersion
        self.from = from
    }
}
