/// A command run around the switch (`--before-switch`, `--after-switch`, `--verify`), with
/// everything it needs to run on its own: where, with which environment, for how long.
package struct Hook: Sendable, Equatable {
    package enum Stage: String, Sendable, Equatable {
        /// In the new release once its links exist, before `current` moves; failure stops the deploy.
        case beforeSwitch = "before-switch"
        /// After `current` moved; failure is a warning.
        case afterSwitch = "after-switch"
        /// `--verify`: after the switch (and the after-switch hook); failure puts the previous release back.
        case verify
    }

    package var stage: Stage
    package var command: String
    package var releaseID: String
    /// The release folder, the command's working folder.
    package var releasePath: String
    package var root: String
    package var shared: String
    /// The release that was live before this deploy, if any.
    package var previousID: String?
    package var timeoutSeconds: Int

    package init(
        stage: Stage, command: String, releaseID: String, releasePath: String, root: String, shared: String,
        previousID: String?, timeoutSeconds: Int
    ) {
        self.stage = stage
        self.command = command
        self.releaseID = releaseID
        self.releasePath = releasePath
        self.root = root
        self.shared = shared
        self.previousID = previousID
        self.timeoutSeconds = timeoutSeconds
    }

    /// Ten minutes: room for migrations, short enough that a hung command does not hold the
    /// deploy lock for hours.
    package static let defaultTimeout = 600

    /// The variables the command finds in its environment, beside the deploy's own.
    package var environment: [String: String] {
        [
            "PERSIST_DEPLOY_HOOK": stage.rawValue,
            "PERSIST_DEPLOY_RELEASE": releaseID,
            "PERSIST_DEPLOY_RELEASE_PATH": releasePath,
            "PERSIST_DEPLOY_ROOT": root,
            "PERSIST_DEPLOY_SHARED": shared,
            "PERSIST_DEPLOY_PREVIOUS": previousID ?? "",
        ]
    }

    /// Where its output is kept: `.persist-deploy/logs/<release>-<stage>.log`.
    package var logPath: String {
        PathName.join(DeployRoot(path: root, shared: shared).hookLogs, "\(releaseID)-\(stage.rawValue).log")
    }

    /// The command on one line, for plans and messages.
    package var shownCommand: String {
        command.split(whereSeparator: \.isNewline).joined(separator: "; ")
    }

    /// The option or key that set it, for messages.
    package var optionName: String {
        switch stage {
        case .beforeSwitch: "--before-switch"
        case .afterSwitch: "--after-switch"
        case .verify: "--verify"
        }
    }
}

/// The hook commands a deploy runs and their time limit, from the command line or
/// `persist-deploy.json`.
package struct HookCommands: Sendable, Equatable {
    package var beforeSwitch: String?
    package var afterSwitch: String?
    package var verify: String?
    package var timeoutSeconds = Hook.defaultTimeout

    package init(beforeSwitch: String? = nil, afterSwitch: String? = nil, verify: String? = nil, timeoutSeconds: Int = Hook.defaultTimeout) {
        self.beforeSwitch = beforeSwitch
        self.afterSwitch = afterSwitch
        self.verify = verify
        self.timeoutSeconds = timeoutSeconds
    }
}

/// Opening one shared path to the web server's group (`--web-group`): its group set to it, and
/// read (config files) or read-write (everything else) access for it.
package struct WebGroupGrant: Sendable, Equatable {
    package var path: String
    package var group: Account
    /// Read-write, with the setgid bit on folders so what is created below keeps the group;
    /// otherwise read only.
    package var writable: Bool
    /// A secret (`.env`): access for "others" is removed too.
    package var secret: Bool
    /// Every entry below `path` too (what seeding moved in); otherwise `path` alone.
    package var recursive: Bool
    /// A folder (for the plan's wording; the executor looks at what is there).
    package var folder: Bool

    package init(path: String, group: Account, writable: Bool, secret: Bool, recursive: Bool, folder: Bool) {
        self.path = path
        self.group = group
        self.writable = writable
        self.secret = secret
        self.recursive = recursive
        self.folder = folder
    }
}
