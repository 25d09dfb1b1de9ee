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
    /// What `--public-html --sync` copied in (`last` names the release, `<id>.files` lists its
    /// files), so the next sync removes only what the code stopped shipping. `deploy.sh` keeps
    /// the same files.
    package var syncState: String { PathName.join(state, "public-html") }
    package var lastSynced: String { PathName.join(syncState, "last") }
    package func syncedFiles(of id: String) -> String { PathName.join(syncState, id + ".files") }
    /// Where a host's placeholder `index.html` is moved by `--move-index-aside`, per release.
    package func movedAside(for id: String) -> String { PathName.join(state, "moved-aside/" + id) }
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

    /// True for a name in shared/ that belongs to the tool: `toolFilesInShared` and the dated
    /// files a rotation moved older history lines to.
    package static func isToolFileInShared(_ name: String) -> Bool {
        toolFilesInShared.contains(name) || name.hasPrefix(HistoryFiles.archivePrefix)
    }

    /// Like `resolve`, for every command but a deploy (the only one that makes a root): a folder
    /// that is missing or shows none of a root's marks is an error, before anything is created
    /// there (not even the lock), so a mistyped `--root` leaves no trace.
    package static func existing(option: String?, sharedOption: String?, context: Context) throws(ToolError) -> DeployRoot {
        let root = resolve(option: option, sharedOption: sharedOption, context: context)
        let hint = "Nothing was created or changed. Pass --root (or set PERSIST_DEPLOY_ROOT) with the folder that holds releases/, "
            + "shared/ and current; only a deploy makes a new one (persist-deploy auto --root DIR --from SRC)."
        guard (try? context.fileSystem.isDirectory(root.path, followSymlink: true)) == true else {
            throw ToolError("The deploy root '\(root.path)' does not exist.", hint: hint)
        }
        guard root.showsDeployRoot(context.fileSystem) else {
            throw ToolError(
                "'\(root.path)' is not a deploy root: it has no current, releases/, shared/ or .persist-deploy/.", hint: hint)
        }
        if sharedOption != nil { try root.refuseOtherShared(fileSystem: context.fileSystem) }
        return root
    }

    /// True when the folder holds any mark a deploy leaves: `current` (a link, or a site deployed
    /// in place), `releases/`, the shared folder (data set up before a first deploy counts), or
    /// the tool's folder. Not `backups/` alone: many folders that are no deploy root have one.
    package func showsDeployRoot(_ fileSystem: any FileSystem) -> Bool {
        [current, releases, shared, state].contains { ((try? fileSystem.type(at: $0)) ?? nil) != nil }
    }

    /// Resolves the root as the contract says: `--root`, else `PERSIST_DEPLOY_ROOT`, else the
    /// working directory, or two levels up when that is `ROOT/releases/ID`, or the deploy root
    /// holding the release when it lies deeper inside one. Its shared folder is `sharedOption`,
    /// else the one the root recorded (`located`).
    package static func resolve(option: String?, sharedOption: String?, context: Context) -> DeployRoot {
        let shared = sharedOption.map(context.absolutePath)
        func root(_ path: String) -> DeployRoot { located(path, sharedOption: shared, fileSystem: context.fileSystem) }
        if let option { return root(context.absolutePath(option)) }
        if let variable = context.environment["PERSIST_DEPLOY_ROOT"], !variable.isEmpty {
            return root(context.absolutePath(variable))
        }
        let working = PathName.normalize(context.workingDirectory)
        let parent = PathName.parent(working)
        if PathName.basename(parent) == "releases" {
            return root(PathName.parent(parent))
        }
        // Deeper inside a release (its web root, through `current/`): the root that holds it,
        // never a new root nested in the live site.
        if let outer = enclosingRelease(of: physical(working, fileSystem: context.fileSystem), fileSystem: context.fileSystem) {
            return root(outer.root)
        }
        return root(working)
    }
}
