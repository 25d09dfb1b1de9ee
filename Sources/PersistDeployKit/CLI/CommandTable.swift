/// One option of a command: a flag (`valueName == nil`) or an option taking a value.
package struct OptionSpec: Sendable, Equatable {
    package let name: String
    package let valueName: String?
    package let help: String

    package init(_ name: String, value: String? = nil, help: String) {
        self.name = name
        self.valueName = value
        self.help = help
    }
}

/// A command's name, arguments and options: the single table that parsing, `help` and the shell
/// completions are built from.
package struct CommandSpec: Sendable {
    package let name: String
    package let arguments: String
    package let summary: String
    package let options: [OptionSpec]
    package let positionalRange: ClosedRange<Int>

    init(_ name: String, arguments: String = "", positional: ClosedRange<Int> = 0...0, summary: String, options: [OptionSpec] = []) {
        self.name = name
        self.arguments = arguments
        self.summary = summary
        self.options = options
        self.positionalRange = positional
    }

    /// The command's own options followed by the common ones.
    package var allOptions: [OptionSpec] { options + CommandTable.commonOptions }
}

package enum CommandTable {
    package static let commonOptions: [OptionSpec] = [
        OptionSpec("--root", value: "DIR", help: "The deploy root (default: $PERSIST_DEPLOY_ROOT, else the working directory, or two levels up inside releases/ID)."),
        OptionSpec("--json", help: "Print one JSON object on stdout; human text goes to stderr."),
        OptionSpec("--quiet", help: "Print only warnings and errors."),
        OptionSpec("--verbose", help: "Also print each operation as it is applied."),
        OptionSpec("--no-color", help: "No colour (also NO_COLOR)."),
        OptionSpec("--help", help: "Show help for the command."),
    ]

    static let deployOptions: [OptionSpec] = [
        OptionSpec("--release", value: "DIR", help: "An existing folder under releases/ to deploy."),
        OptionSpec("--from", value: "SRC", help: "A folder or .tar.gz to copy in as a new release."),
        OptionSpec("--shared", value: "DIR", help: "The shared folder (default: the one the root recorded at its first deploy, else DEPLOY_ROOT/shared)."),
        OptionSpec("--keep", value: "N", help: "How many releases to keep (default 5)."),
        OptionSpec("--no-activate", help: "Prepare the release but leave `current` where it is."),
        OptionSpec("--dry-run", help: "Print the operations and change nothing."),
        OptionSpec("--public-html", value: "PATH", help: "Make this served folder show current/<web root>."),
        OptionSpec("--sync", help: "With --public-html: keep it a real folder and copy each release's web root into it (remembered)."),
        OptionSpec("--no-sync", help: "With --public-html: make it a link to current/<web root> again (link mode, the default)."),
        OptionSpec("--served-links", value: "yes|no", help: "With --sync: whether the web server follows links in the served folder (default: probed once, remembered)."),
        OptionSpec("--move-index-aside", help: "With --sync: move a host's index.html that would hide index.php out of the served folder."),
        OptionSpec("--verify", value: "CMD", help: "Run CMD after the switch; on failure put the previous release back."),
        OptionSpec("--before-switch", value: "CMD", help: "Run CMD in the new release once its links exist; on failure nothing goes live."),
        OptionSpec("--after-switch", value: "CMD", help: "Run CMD after the switch (reload PHP-FPM, restart workers); a failure is a warning."),
        OptionSpec("--hook-timeout", value: "SECONDS", help: "Stop a hook (or the verify command) after this long (default 600)."),
        OptionSpec("--web-user", value: "USER", help: "The user PHP runs as: shared folders writable, config readable for it (remembered)."),
        OptionSpec("--web-group", value: "GROUP", help: "The group shared/ is opened to (default: the web user's group)."),
        OptionSpec("--backup", help: "Snapshot shared/ before changing anything."),
        OptionSpec("--adopt", help: "Move a site deployed in place (a real current/ folder) into releases/ (asked at a terminal)."),
        OptionSpec("--allow-framework-change", help: "Deploy a release whose framework or web root differs from the live one."),
        OptionSpec("--reclassify", help: "Let a persistent path become an asset (its data stays in shared/; asked at a terminal)."),
        OptionSpec("--leave-behind", help: "This once, move what the app wrote into the live release outside shared/ to .persist-deploy/left-behind/ instead of stopping."),
        OptionSpec("--wait", value: "SECONDS", help: "Wait this long for another deploy's lock (default 0)."),
    ]

    /// What `plan` takes: the deploy options that change the list of operations. Those that act
    /// only when the deploy runs (a lock to wait for, a command to run, a backup) are refused.
    static let planOptions = deployOptions.filter { !["--dry-run", "--verify", "--backup", "--wait"].contains($0.name) }

    package static let all: [CommandSpec] = [
        CommandSpec("detect", arguments: "[APP_DIR]", positional: 0...1, summary: "Show the framework and the evidence for it."),
        CommandSpec("classify", arguments: "[APP_DIR]", positional: 0...1, summary: "Show every path's class (asset, user, runtime, config) with the reason."),
        CommandSpec("auto", summary: "Deploy, deciding first or subsequent per path.", options: deployOptions),
        CommandSpec("first", summary: "Deploy keeping the release's demo content; adds only what shared/ lacks.", options: deployOptions),
        CommandSpec("subsequent", summary: "Deploy protecting what users made in shared/.", options: deployOptions),
        CommandSpec("plan", summary: "Print the operations `auto` would apply; change nothing.", options: planOptions),
        CommandSpec("deploy", arguments: "RELEASE_DIR SHARED_DIR [auto|first|subsequent]", positional: 2...3,
                    summary: "The seed-compatible form of a deploy.", options: deployOptions),
        CommandSpec("health-check", summary: "Check the live layout (the same checks as shared/health-check.sh)."),
        CommandSpec("recover", summary: "Re-create what is missing or broken; loses nothing.",
                    options: [OptionSpec("--dry-run", help: "Print what would be done and change nothing."),
                              OptionSpec("--shared", value: "DIR", help: "The shared folder (default: the one the root recorded at its first deploy, else DEPLOY_ROOT/shared).")]),
        CommandSpec("rollback", summary: "Point `current` at the release live before this one, by the history (never forward), or the named one.",
                    options: [OptionSpec("--to", value: "RELEASE_ID",
                                         help: "The release to go back to (one that finished a deploy); already live: nothing to do (exit 0)."),
                              OptionSpec("--if-current", value: "RELEASE_ID",
                                         help: "Only if `current` still points at this release; otherwise change nothing (exit 0). Makes a retry safe: without it each run steps back once more."),
                              OptionSpec("--leave-behind", help: "Roll back even though the app wrote into the live release outside shared/ (which stops a rollback): those files go to .persist-deploy/left-behind/ID/."),
                              OptionSpec("--wait", value: "SECONDS", help: "Wait this long for another deploy's lock."),
                              OptionSpec("--dry-run", help: "Print the operations and change nothing.")]),
        CommandSpec("prune", summary: "Remove old finished releases beyond the newest N (never the live or the previous one).",
                    options: [OptionSpec("--keep", value: "N", help: "How many finished releases to keep, the live one included (default 5)."),
                              OptionSpec("--dry-run", help: "Print the operations and change nothing."),
                              OptionSpec("--wait", value: "SECONDS", help: "Wait this long for another deploy's lock.")]),
        CommandSpec("releases", summary: "List the releases, newest first by the history, with their marks (live, previous, bad, rolled back from, unfinished)."),
        CommandSpec("status", summary: "Show the data: each persistent path's files and bytes, last deploy, backups, health.",
                    options: [OptionSpec("--exact", help: "Count the files now instead of showing the counts the last backup kept.")]),
        CommandSpec("backup", summary: "Snapshot everything persistent in shared/.",
                    options: [OptionSpec("--keep", value: "N", help: "How many backups to keep (default 24)."),
                              OptionSpec("--wait", value: "SECONDS", help: "Wait this long for another deploy's lock.")]),
        CommandSpec("backups", summary: "List the backups, newest first.",
                    options: [OptionSpec("--verify", help: "Check every snapshot against its manifest.")]),
        CommandSpec("restore", arguments: "[BACKUP_ID]", positional: 0...1, summary: "Put a backup back (what it replaces is snapshotted first).",
                    options: [OptionSpec("--path", value: "P", help: "Restore only this persistent path."),
                              OptionSpec("--yes", help: "Do not ask."),
                              OptionSpec("--wait", value: "SECONDS", help: "Wait this long for another deploy's lock.")]),
        CommandSpec("generate", summary: "Write the scripts and guides in shared/ again.",
                    options: [OptionSpec("--shared", value: "DIR", help: "The shared folder (default: the one the root recorded at its first deploy, else DEPLOY_ROOT/shared)."),
                              OptionSpec("--public-html", value: "PATH", help: "The served folder, for the shared-hosting guide.")]),
        CommandSpec("bundle", arguments: "APP_DIR", positional: 1...1,
                    summary: "Write an upload folder with deploy.sh (bash only) for hosts that cannot run this binary.",
                    options: [OptionSpec("--remote-root", value: "PATH", help: "The deploy root on the host, absolute (required)."),
                              OptionSpec("--public-html", value: "PATH", help: "The folder the host serves, absolute."),
                              OptionSpec("--out", value: "DIR", help: "Where to write the bundle (default ./persist-deploy-bundle)."),
                              OptionSpec("--keep", value: "N", help: "How many releases deploy.sh keeps (default 5).")]),
        CommandSpec("completions", arguments: "SHELL", positional: 1...1, summary: "Print the completion script for bash, zsh or fish."),
        CommandSpec("help", arguments: "[COMMAND]", positional: 0...1, summary: "Show help for a command."),
    ]

    package static func command(named name: String) -> CommandSpec? {
        all.first { $0.name == name }
    }
}
