/// What a healthy deploy root looks like for one persistence record: the facts the generated
/// scripts carry as quoted literals and the native checker and recovery read, computed in one
/// place so both sides agree.
package struct LayoutExpectations: Sendable, Equatable {
    /// A path that lives in shared/ and is linked into every release.
    package struct Persistent: Sendable, Equatable {
        package var path: String
        package var kind: PathKind
        /// The relative link text stored at `releases/ID/<path>`.
        package var linkText: String
        /// A config file the app's installer writes: until it does, its absence from shared/ is
        /// "not created yet", a warning, and nothing may create it.
        package var awaitsApp: Bool = false

        /// An awaited file the app reads only when present (`.env.local`): its absence passes.
        package var optional: Bool { awaitsApp && NameRules.isOptionalEnvOverride(path) }

        /// The kind column of the scripts' rows: `dir`, `file`, `app-file` for `awaitsApp`, or
        /// `optional-file` for `optional`.
        var scriptKind: String { optional ? "optional-file" : awaitsApp ? "app-file" : kind.rawValue }
    }

    /// A path that must link to another path of the app (Laravel's `public/storage`).
    package struct AppLink: Sendable, Equatable {
        package var path: String
        package var target: String
        package var linkText: String
    }

    package var framework: Framework
    package var webRoot: String
    package var persistent: [Persistent]
    package var assets: [String]
    package var appLinks: [AppLink]
    /// Persistent files holding secrets (`.env`): they must not be readable by every user.
    package var secrets: [String]
    /// Paths whose run-time writes may be dropped: the drift check passes over them.
    package var disposable: [String]
    /// The deploy root written into the scripts when shared/ is not `ROOT/shared` (the scripts
    /// otherwise find the root from their own location, so a moved root keeps working).
    package var rootFallback: String
    /// The folder the host serves (`--public-html`), or "" when the site is served from `current`.
    package var served: String
    /// The persistent folders visible in the web root, checked in a real served folder.
    package var servedFolders: [ServedPersistentFolder]
    /// shared/ when the record was written, for the link texts from the served folder.
    var sharedRoot: String
    /// The link text that makes the served folder show `current/<web root>` (link mode).
    package var servedLink: String
    /// The web user and group the record names ("" when none): access is checked for them.
    package var webUser: String
    package var webGroup: String
    /// Folders inside persistent folders the app must be able to write (Laravel's
    /// storage/framework/cache…), checked for the web user beside the persistent folders.
    package var writableSubfolders: [String]

    package init(record: PersistenceRecord, root: DeployRoot) {
        framework = record.framework
        webRoot = record.webRoot
        // The link text does not depend on the release id, only on the depth of the path.
        let release = root.release("ID")
        // A path inside another persistent folder lives in that folder's shared/ copy: it gets
        // no link of its own (recovery making one there would link the file to itself).
        let folders = record.persistentPaths.filter { $0.kind == .dir }.map(\.path)
        persistent = record.persistentPaths.filter { path in
            !folders.contains { !PathName.sameBytes($0, path.path) && PathName.isWithin(path.path, $0) }
        }.map { path in
            Persistent(
                path: path.path, kind: path.kind,
                linkText: PathName.relativeLink(at: PathName.join(release, path.path), to: root.sharedPath(path.path)),
                awaitsApp: path.awaitsApp)
        }
        assets = record.paths.filter { $0.class == .asset && $0.kind == .dir && $0.linkTarget == nil }.map(\.path)
        appLinks = record.paths.compactMap { path in
            path.linkTarget.map { target in
                AppLink(path: path.path, target: target,
                        linkText: PathName.relativeLink(at: PathName.join("/app", path.path), to: PathName.join("/app", target)))
            }
        }
        secrets = record.persistentPaths.filter { path in
            path.kind == .file && (path.class == .config || PathName.basename(path.path).hasPrefix(".env"))
        }.map(\.path)
        disposable = record.paths.filter { $0.class == .disposable }.map(\.path)
        rootFallback = root.shared == PathName.join(root.path, "shared") ? "" : root.path
        sharedRoot = root.shared
        served = record.servedFolder?.path ?? ""
        servedFolders = served.isEmpty ? [] : PublicHTML.persistentFolders(paths: record.paths, webRoot: record.webRoot)
        servedLink = served.isEmpty ? "" : PathName.relativeLink(at: served, to: PathName.join(root.current, record.webRoot))
        webUser = record.webUser ?? ""
        webGroup = record.webGroup ?? ""
        let storage = record.persistentPaths.contains { $0.path == "storage" && $0.kind == .dir }
        writableSubfolders = record.framework == .laravel && storage ? LaravelStorage.subfolders.map { "storage/" + $0 } : []
    }

    /// The layout with the app links a release's manifest names instead of the last deploy's:
    /// a rollback makes live a release that may ship a folder as a link another does not, or
    /// the other way round. Unchanged for a release whose manifest does not say.
    package func withAppLinks(_ appLinks: [ReleaseManifest.AppLink]?) -> LayoutExpectations {
        guard let appLinks else { return self }
        var layout = self
        layout.appLinks = appLinks.map { link in
            AppLink(path: link.path, target: link.target,
                    linkText: PathName.relativeLink(at: PathName.join("/app", link.path), to: PathName.join("/app", link.target)))
        }
        let linked = Set(appLinks.map { NameBytes.Key($0.path) })
        layout.assets = assets.filter { !linked.contains(NameBytes.Key($0)) }
        return layout
    }

    /// The placeholders shared by `health-check.sh` and `emergency-recovery.sh`.
    var scriptValues: [String: TemplateValue] {
        [
            "tool_version": .shellWord(toolVersion),
            "root_fallback": .shellWord(rootFallback),
            "persistent_rows": .shellRows(persistent.map { [$0.path, $0.scriptKind, $0.linkText] }),
            "app_link_rows": .shellRows(appLinks.map { [$0.path, $0.target, $0.linkText] }),
            "secret_rows": .shellRows(secrets.map { [$0] }),
            "served_folder": .shellWord(served),
            "served_rows": .shellRows(servedFolders.map { folder in
                [folder.name, folder.sharedPath, folder.kind.rawValue,
                 PathName.relativeLink(at: PathName.join(served, folder.name), to: PathName.join(sharedRoot, folder.sharedPath))]
            }),
        ]
    }
}
