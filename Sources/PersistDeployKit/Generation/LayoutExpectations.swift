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
        persistent = record.persistentPaths.map { path in
            Persistent(
                path: path.path, kind: path.kind,
                linkText: PathName.relativeLink(at: PathName.join(release, path.path), to: root.sharedPath(path.path)))
        }
        assets = record.paths.filter { $0.class == .asset }.map(\.path)
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
        webUser = record.webUser ?? ""
        webGroup = record.webGroup ?? ""
        let storage = record.persistentPaths.contains { $0.path == "storage" && $0.kind == .dir }
        writableSubfolders = record.framework == .laravel && storage ? LaravelStorage.subfolders.map { "storage/" + $0 } : []
    }

    /// The placeholders shared by `health-check.sh` and `emergency-recovery.sh`.
    var scriptValues: [String: TemplateValue] {
        [
            "tool_version": .shellWord(toolVersion),
            "root_fallback": .shellWord(rootFallback),
            "persistent_rows": .shellRows(persistent.map { [$0.path, $0.kind.rawValue, $0.linkText] }),
            "app_link_rows": .shellRows(appLinks.map { [$0.path, $0.target, $0.linkText] }),
            "secret_rows": .shellRows(secrets.map { [$0] }),
        ]
    }
}
