/// Whether the web user the record names (not whoever runs the check, often root) may use a path
/// in shared/: every folder on the way searchable, then the path itself readable or writable, by
/// owner, group membership and mode bits, or by its ACL where `getfacl` can read one. The
/// generated `health-check.sh` decides the same way with `stat`, `id` and `getfacl`.
struct WebAccessCheck {
    let fileSystem: any FileSystem
    let access: WebAccess
    let accounts: Accounts
    /// `getfacl -n -p` of a path, or nil without getfacl.
    let readACL: (String) -> String?

    /// nil when the web user may do all of `wanted` at `path` (links followed); otherwise why not.
    func denial(_ path: String, _ wanted: [WebAccess.Permission]) -> String? {
        guard let resolved = PathResolver.resolve(path, fileSystem: fileSystem) else { return "is missing" }
        if let blocked = unreachable(Self.folders(to: resolved).dropLast()) {
            return "cannot be reached by \(access.subject): no search permission on \(blocked.folder) (\(describe(blocked.status))); "
                + "run: chmod o+x \(Shell.quote(blocked.folder)) (or, for it alone: setfacl -m \(aclQualifier):x \(Shell.quote(blocked.folder)))"
        }
        guard let status = status(resolved) else { return "is missing" }
        let acl = acl(resolved)
        for permission in wanted where !access.may(permission, status, acl: acl) {
            let verb = permission == .read ? "readable by" : permission == .write ? "writable for" : "searchable by"
            // What a deploy with --web-user does to a persistent path (PlanExecutor.grantWebGroup).
            let mode = !wanted.contains(.write) ? "g+r" : status.type == .directory ? "g+rwxs" : "g+rw"
            return "is not \(verb) \(access.subject) (\(describe(status))); "
                + "run: chgrp \(access.group.name) \(Shell.quote(resolved)) && chmod \(mode) \(Shell.quote(resolved))"
        }
        return nil
    }

    /// `/` and every folder down to `path` (canonical), `path` last.
    static func folders(to path: String) -> [String] {
        var folders = ["/"]
        for component in PathName.components(path) {
            folders.append(PathName.join(folders[folders.count - 1], component))
        }
        return folders
    }

    /// The first of `folders` (outermost first) the web user may not search, with its status.
    func unreachable(_ folders: some Sequence<String>) -> (folder: String, status: FileStatus)? {
        for folder in folders {
            if let status = status(folder), !access.may(.execute, status, acl: acl(folder)) { return (folder, status) }
        }
        return nil
    }

    /// The refusal of a deploy when the web user may not search a folder on the way to `target`
    /// or `target` itself, the deepest existing part of it followed through links (a parent of
    /// mode 700, as `mktemp -d` or a home folder makes): once live, every request would fail.
    func reachRefusal(_ target: String) -> ToolError? {
        let physical = DeployRoot.physical(target, fileSystem: fileSystem)
        guard let blocked = unreachable(Self.folders(to: physical)) else { return nil }
        let folder = Shell.quote(blocked.folder)
        // A release keeps the mode of the folder it was copied from: that one needs the fix.
        let copied = PathName.sameBytes(blocked.folder, physical) && PathName.basename(PathName.parent(physical)) == "releases"
            ? " (the release has the mode of the folder it was copied from: chmod o+rx that one)" : ""
        return ToolError(
            "The web user \(access.subject) could not reach '\(target)': no search permission on \(blocked.folder) "
                + "(\(describe(blocked.status))), so the site would fail once live.",
            hint: "Nothing went live; 'current' was not moved. Run: chmod o+x \(folder) "
                + "(or, for it alone: setfacl -m \(aclQualifier):x \(folder))\(copied), then deploy again.")
    }

    /// The `setfacl` entry naming the web user, or its group when no user was named.
    var aclQualifier: String { access.user.map { "u:\($0.name)" } ?? "g:\(access.group.name)" }

    /// `owner root, group www-data, mode 2775`, names where the host has them.
    func describe(_ status: FileStatus) -> String {
        let owner = accounts.userName(status.owner) ?? String(status.owner)
        let group = accounts.groupName(status.group) ?? String(status.group)
        return "owner \(owner), group \(group), mode \(String(status.permissions & 0o7777, radix: 8))"
    }

    private func status(_ path: String) -> FileStatus? {
        (try? fileSystem.status(at: path, followSymlink: true)) ?? nil
    }

    private func acl(_ path: String) -> AccessControlList? {
        readACL(path).flatMap(AccessControlList.parse)
    }
}

/// The checks that concern the host's web server: access for the web user, link owners
/// (`SymLinksIfOwnerMatch`), and what must not be served from the live release.
extension HealthChecker {
    /// The web user the record names, resolved; a name this host lacks is a failed check.
    func webAccess(_ expectations: LayoutExpectations?, add: (HealthCheckResult.Status, String, String, String) -> Void) -> WebAccessCheck? {
        guard let expectations, !expectations.webUser.isEmpty || !expectations.webGroup.isEmpty else { return nil }
        let name = expectations.webUser.isEmpty ? expectations.webGroup : expectations.webUser
        do {
            guard let access = try WebAccess.resolve(
                user: expectations.webUser, group: expectations.webGroup, accounts: accounts, source: { _ in "" }) else { return nil }
            return WebAccessCheck(fileSystem: fileSystem, access: access, accounts: accounts, readACL: probe.acl)
        } catch {
            add(.fail, "web-user", name, "does not exist on this host; access was checked for the user running this check instead")
            return nil
        }
    }

    /// A warning for each link whose owner differs from its target's: Apache with
    /// `SymLinksIfOwnerMatch` answers 403 for it, nginx with `disable_symlinks if_not_owner` too.
    func linkOwners(_ links: [(path: String, shown: String)], add: (HealthCheckResult.Status, String, String, String) -> Void) {
        for link in links {
            guard let own = try? fileSystem.status(at: link.path, followSymlink: false), own.type == .symlink,
                  let target = try? fileSystem.status(at: link.path, followSymlink: true), target.owner != own.owner else { continue }
            let linkOwner = accounts.userName(own.owner) ?? String(own.owner)
            let targetOwner = accounts.userName(target.owner) ?? String(target.owner)
            add(.warn, "link-owner", link.shown,
                "is a link owned by \(linkOwner) to what \(targetOwner) owns: Apache's SymLinksIfOwnerMatch and nginx's disable_symlinks if_not_owner refuse it; run: chown -h \(targetOwner) \(link.path)")
        }
    }
}
