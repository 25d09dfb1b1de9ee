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
    /// `--public-html`: the folder the host serves; nil keeps the recorded one.
    package var publicHTML: String?
    /// `--sync` (true) or `--no-sync` (false); nil keeps the recorded mode (link for a new folder).
    package var syncPublicHTML: Bool?
    /// `--served-links yes|no`: whether links work in the served folder; nil keeps the recorded
    /// answer, or probes.
    package var servedLinks: Bool?
    /// `--move-index-aside`: a host's index.html that would hide index.php is moved out of the
    /// served folder.
    package var moveIndexAside = false
    /// The served folder this deploy serves, worked out by `Deployer` from the options above and
    /// the record (and the probe) before planning.
    package var servedFolder: ServedFolder?
    /// Snapshot shared/ before anything changes.
    package var backupFirst = false
    /// `current` may be a real folder (a site deployed in place) that this deploy moves into
    /// releases/: given by `--adopt` or a yes at a terminal, since a mistyped root would move
    /// someone's site.
    package var adopt = false
    /// The new release may differ from the live one in framework or web root.
    package var allowFrameworkChange = false
    /// A path that was persistent may now be classified `asset` (its data stays in shared/).
    package var reclassify = false
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
