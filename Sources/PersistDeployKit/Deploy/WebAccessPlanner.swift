/// Who may use each persistent path in shared/: secrets closed to "others", and with a web user
/// everything opened to its group. Without `--web-user`/`--web-group` nothing the admin set on a
/// file in shared/ is widened or narrowed, except that a secret loses access for "others".
extension DeployPlanner {
    /// The access operations for one persistent path, planned after it was seeded or protected.
    /// `isNew`: shared/ lacked it before this deploy (what seeding moves in is walked once);
    /// `madeByTool`: it is new and not the running site's own file (adopted files are the admin's).
    func accessOperations(
        for path: ClassifiedPath, shared: String, isNew: Bool, madeByTool: Bool, seedingSteps: [DeployOperation],
        request: DeployRequest, record: PersistenceRecord?
    ) -> [DeployOperation] {
        let secret = path.isSecret
        guard let access = request.webAccess else {
            guard secret else { return [] }
            // The tool made it this deploy: 0600, as before; the admin's file: only "others" go.
            return [madeByTool ? .setPermissions(path: shared, permissions: 0o600) : .restrictSecret(path: shared)]
        }
        if secret || path.class == .config {
            return [.grantWebGroup(WebGroupGrant(path: shared, group: access.group, writable: false, secret: secret, recursive: false, folder: path.kind == .dir))]
        }
        // A new group (or the first deploy with one) opens what is already there once.
        let recursive = path.kind == .dir && (isNew || record?.webGroup != access.group.name)
        var operations: [DeployOperation] = [
            .grantWebGroup(WebGroupGrant(path: shared, group: access.group, writable: true, secret: false, recursive: recursive, folder: path.kind == .dir))
        ]
        let folder = PathName.parent(shared)
        if path.kind == .file && folder != root.shared {
            // A SQLite database needs its folder writable too, for its journal.
            operations.append(.grantWebGroup(WebGroupGrant(path: folder, group: access.group, writable: true, secret: false, recursive: false, folder: true)))
        }
        if !recursive {
            // Folders the deploy creates inside it (Laravel's storage/framework/cache…).
            for case .createDirectory(let created) in seedingSteps where PathName.isWithin(created, shared) && created != shared {
                if (try? fileSystem.type(at: created)) == nil {
                    operations.append(.grantWebGroup(WebGroupGrant(path: created, group: access.group, writable: true, secret: false, recursive: false, folder: true)))
                }
            }
        }
        return operations
    }
}

extension DeployPlanner {
    /// Whether shared/ needs its sticky bit checked: with a web group (which may be given
    /// shared/ to write an installer's config file into), or when shared/ is already writable
    /// by users other than its owner and lacks it. Root runs the scripts kept there from cron.
    func sharedNeedsProtection(_ request: DeployRequest) throws -> Bool {
        if request.webAccess != nil { return true }
        guard let status = try fileSystem.status(at: root.shared, followSymlink: false), status.type == .directory else { return false }
        return status.permissions & 0o022 != 0 && status.permissions & 0o1000 == 0
    }

    /// Folders of the release the app writes at run time (Laravel's bootstrap/cache), opened to
    /// the web group when there is one.
    func releaseWritableGrants(_ operations: [DeployOperation], request: DeployRequest) -> [DeployOperation] {
        guard let access = request.webAccess else { return [] }
        return operations.compactMap { operation in
            guard case .setPermissions(let path, _) = operation else { return nil }
            return .grantWebGroup(WebGroupGrant(path: path, group: access.group, writable: true, secret: false, recursive: true, folder: true))
        }
    }
}

extension ClassifiedPath {
    /// A persistent file holding secrets (`.env`, a config file): never readable by every user.
    package var isSecret: Bool {
        kind == .file && (self.class == .config || PathName.basename(path).hasPrefix(".env"))
    }
}

/// The folders Laravel writes below `storage/` and fails without (created by every deploy).
package enum LaravelStorage {
    package static let subfolders = ["app/public", "framework/cache", "framework/sessions", "framework/views", "logs"]
}
