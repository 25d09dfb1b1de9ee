/// How a deploy treats persistent paths that shared/ already holds.
package enum DeployMode: String, Sendable, Codable {
    /// Decide per path: seed what shared/ lacks, protect what it has.
    case auto
    /// Keep the release's demo content: add every shipped file shared/ lacks.
    case first
    /// Protect users' data: add only files new to the code since the live release.
    case subsequent
}

/// Where the new release comes from.
package enum ReleaseSource: Sendable, Equatable {
    /// A folder already under releases/.
    case existing(path: String)
    /// A folder elsewhere, copied in.
    case directory(path: String)
    /// A `.tar.gz`, extracted in.
    case archive(path: String)
    /// The newest folder under releases/ that is not live.
    case newestNotLive
}

/// Everything a deploy was asked to do.
package struct DeployRequest: Sendable {
    package var mode: DeployMode = .auto
    package var source: ReleaseSource = .newestNotLive
    package var keep: Int = 5
    package var activate: Bool = true
    /// The folder the host serves, made to show `current/<web root>` (link mode).
    package var publicHTML: String?
    /// With `publicHTML`: keep it a real folder and copy the release's web root into it.
    package var syncPublicHTML = false
    /// Snapshot shared/ before anything changes.
    package var backupFirst = false
    /// `--web-user`/`--web-group` as given (an empty value clears a remembered one); nil when absent.
    package var webUserOption: String?
    package var webGroupOption: String?
    /// The web user the deploy opens shared/ to, resolved from the options, `persist-deploy.json`
    /// or the last deploy's record.
    package var webAccess: WebAccess?
    /// `--before-switch`, `--after-switch` and `--hook-timeout` as given (an empty command
    /// cancels the one in `persist-deploy.json`).
    package var beforeSwitchOption: String?
    package var afterSwitchOption: String?
    package var hookTimeoutOption: Int?
    /// The hooks the deploy runs, resolved from the options and `persist-deploy.json`.
    package var hooks = HookCommands()
    /// For this deploy only: move what the running app wrote into the live release outside
    /// shared/ to `.persist-deploy/left-behind/<id>/` instead of stopping (data rule 4).
    package var leaveBehind = false
    package init() {}
}
