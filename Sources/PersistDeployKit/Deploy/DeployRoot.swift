/// The fixed places of a deploy root (see the contract's layout):
/// `current`, `releases/<id>/`, `shared/`, plus the tool's own state folder.
package struct DeployRoot: Sendable, Equatable {
    package let path: String
    package let shared: String

    package init(path: String, shared: String? = nil) {
        self.path = PathName.normalize(path)
        self.shared = PathName.normalize(shared ?? PathName.join(path, "shared"))
    }

    package var current: String { PathName.join(path, "current") }
    package var releases: String { PathName.join(path, "releases") }
    package var backups: String { PathName.join(path, "backups") }
    /// The tool's private state: the lock and what each release shipped. Outside `releases/` and
    /// the web root so nothing in it is ever served.
    package var state: String { PathName.join(path, ".persist-deploy") }
    package var lockFile: String { PathName.join(state, "lock") }
    package var manifests: String { PathName.join(state, "manifests") }
    /// Names the release an in-place site is being adopted as, from just before `current` is
    /// renamed until the adoption is recorded: a crash in between must not orphan the site.
    package var adoptionMarker: String { PathName.join(state, "adopting") }
    /// What the last `--public-html --sync` copied in, so the next one removes only what the
    /// code stopped shipping.
    package var publicHTMLShipped: String { PathName.join(state, "public-html-shipped.json") }
    /// The JSON report of the last native health check (the contract's health-check fields).
    package var lastHealthCheck: String { PathName.join(state, "last-health-check.json") }
    /// The output of each hook run, `<release>-<stage>.log`.
    package var hookLogs: String { PathName.join(state, "logs") }

    package func release(_ id: String) -> String { PathName.join(releases, id) }
    package func manifest(of id: String) -> String { PathName.join(manifests, id + ".json") }
    /// The whole-release manifest (`ReleaseTree`): what the release held when it went live.
    package func treeManifest(of id: String) -> String { PathName.join(manifests, id + ".tree") }
    /// Where files the running app wrote into a release are moved when they are left behind
    /// (`--leave-behind`, or cleanup of an old release), under their paths in the release.
    package var leftBehind: String { PathName.join(state, "left-behind") }
    package func leftBehind(of id: String) -> String { PathName.join(leftBehind, id) }

    /// Records and generated files in shared/ (everything else there is the app's data).
    package var historyFile: String { PathName.join(shared, ".deployment-history") }
    package var configRecord: String { PathName.join(shared, ".persistence-config") }
    package func sharedPath(_ relative: String) -> String { PathName.join(shared, relative) }

    /// The names in shared/ that belong to the tool, not to the app.
    package static let toolFilesInShared: Set<String> = [
        "health-check.sh", "emergency-recovery.sh", ".persistence-config", ".deployment-history",
        "DEPLOYMENT-SUMMARY.md", "MANUAL-SETUP-GUIDE.md", "SHARED-HOSTING-SETUP.md",
    ]

    /// Like `resolve`, for commands that read an existing root: a missing one is an error.
    package static func existing(option: String?, sharedOption: String?, context: Context) throws(ToolError) -> DeployRoot {
        let root = resolve(option: option, sharedOption: sharedOption, context: context)
        guard (try? context.fileSystem.isDirectory(root.path, followSymlink: true)) == true else {
            throw ToolError(
                "The deploy root '\(root.path)' does not exist.",
                hint: "Pass --root (or set PERSIST_DEPLOY_ROOT) with the folder that holds releases/, shared/ and current.")
        }
        return root
    }

    /// Resolves the root as the contract says: `--root`, else `PERSIST_DEPLOY_ROOT`, else the
    /// working directory, or two levels up when that is `ROOT/releases/ID`.
    package static func resolve(option: String?, sharedOption: String?, context: Context) -> DeployRoot {
        let shared = sharedOption.map(context.absolutePath)
        if let option { return DeployRoot(path: context.absolutePath(option), shared: shared) }
        if let variable = context.environment["PERSIST_DEPLOY_ROOT"], !variable.isEmpty {
            return DeployRoot(path: context.absolutePath(variable), shared: shared)
        }
        let working = PathName.normalize(context.workingDirectory)
        let parent = PathName.parent(working)
        if PathName.basename(parent) == "releases" {
            return DeployRoot(path: PathName.parent(parent), shared: shared)
        }
        return DeployRoot(path: working, shared: shared)
    }
}
