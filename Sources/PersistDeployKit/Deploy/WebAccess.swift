/// The user the web server's PHP runs as (`--web-user`, `--web-group`, or `webUser`/`webGroup` in
/// `persist-deploy.json`), resolved against the host's accounts: shared folders are made writable
/// and config files readable for its group, and the health check checks access for it.
package struct WebAccess: Sendable, Equatable {
    /// The user, when one was named (a group alone is enough to open folders to it).
    package var user: Account?
    /// The group folders and config files are given to: `--web-group`, else the user's primary group.
    package var group: Account
    /// Every group id the user is a member of (just the group's when no user was named).
    package var memberships: [UInt32]

    package init(user: Account?, group: Account, memberships: [UInt32]) {
        self.user = user
        self.group = group
        self.memberships = memberships
    }

    /// Who the checks are for, in messages: `www-data`, or `group www-data` without a user.
    package var subject: String { user?.name ?? "group \(group.name)" }

    /// Resolves the names against `accounts`. An empty or absent user and group mean none (nil);
    /// a name the host does not know is an error naming where it came from.
    package static func resolve(
        user userName: String?, group groupName: String?, accounts: Accounts, source: (String) -> String
    ) throws(ToolError) -> WebAccess? {
        let userName = userName.flatMap { $0.isEmpty ? nil : $0 }
        let groupName = groupName.flatMap { $0.isEmpty ? nil : $0 }
        guard userName != nil || groupName != nil else { return nil }
        var user: (user: Account, primaryGroup: UInt32)?
        if let userName {
            guard let found = accounts.user(userName) else {
                throw ToolError(
                    "The web user '\(userName)' (\(source("webUser"))) does not exist on this host.",
                    hint: "Give the user PHP-FPM or the web server runs as (ps -o user= -C php-fpm8.2, or the 'user' line of its pool); nothing was changed.")
            }
            user = found
        }
        let group: Account
        if let groupName {
            guard let found = accounts.group(groupName) else {
                throw ToolError(
                    "The web group '\(groupName)' (\(source("webGroup"))) does not exist on this host.",
                    hint: "Give a group that exists (getent group NAME); nothing was changed.")
            }
            group = found
        } else if let user {
            let id = user.primaryGroup
            group = Account(name: accounts.groupName(id) ?? String(id), id: id)
        } else {
            return nil
        }
        let memberships = user.map { accounts.memberships($0.user.name, $0.primaryGroup) } ?? [group.id]
        return WebAccess(user: user?.user, group: group, memberships: memberships)
    }

    /// True when the web user (or, without one, any member of the group) may `read`/`write`/`search`
    /// an entry with `status`, by its owner, group and mode bits; `acl` (from `getfacl -n`), when
    /// given, decides instead, as the kernel's access check does.
    package func may(_ wanted: Permission, _ status: FileStatus, acl: AccessControlList? = nil) -> Bool {
        let bits = wanted.bits
        if let uid = user?.id, uid == 0 { return wanted != .execute || status.permissions & 0o111 != 0 || status.type == .directory }
        if let acl { return acl.grants(bits, uid: user?.id, groups: memberships, owner: status.owner, group: status.group) }
        let mode = status.permissions
        if let uid = user?.id, uid == status.owner { return (mode >> 6) & bits == bits }
        if memberships.contains(status.group) { return (mode >> 3) & bits == bits }
        return mode & bits == bits
    }

    /// What a check needs: read, write or search/execute (the `rwx` bits, as 4, 2, 1).
    package enum Permission: Sendable, Equatable {
        case read, write, execute
        var bits: UInt32 {
            switch self {
            case .read: 4
            case .write: 2
            case .execute: 1
            }
        }
    }
}

/// A POSIX access ACL as `getfacl -n` prints it (`user::rwx`, `group:33:rwx`, `mask::rwx`…).
package struct AccessControlList: Sendable, Equatable {
    package var ownerBits: UInt32 = 0
    package var users: [UInt32: UInt32] = [:]
    package var owningGroupBits: UInt32 = 0
    package var groups: [UInt32: UInt32] = [:]
    package var mask: UInt32?
    package var otherBits: UInt32 = 0

    /// Parses `getfacl -n` output; nil when it holds no extended entry (the mode bits say it all).
    package static func parse(_ text: String) -> AccessControlList? {
        var acl = AccessControlList()
        var extended = false
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("default:") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3 else { continue }
            let permissions = fields[2].prefix(3)
            var bits: UInt32 = 0
            if permissions.contains("r") { bits |= 4 }
            if permissions.contains("w") { bits |= 2 }
            if permissions.contains("x") { bits |= 1 }
            switch (fields[0], fields[1]) {
            case ("user", ""): acl.ownerBits = bits
            case ("user", let id): if let id = UInt32(id) { acl.users[id] = bits; extended = true }
            case ("group", ""): acl.owningGroupBits = bits
            case ("group", let id): if let id = UInt32(id) { acl.groups[id] = bits; extended = true }
            case ("mask", _): acl.mask = bits
            case ("other", _): acl.otherBits = bits
            default: continue
            }
        }
        return extended ? acl : nil
    }

    /// The kernel's ACL check (acl(5), "ACCESS CHECK ALGORITHM") for `bits`.
    func grants(_ bits: UInt32, uid: UInt32?, groups memberships: [UInt32], owner: UInt32, group: UInt32) -> Bool {
        let mask = self.mask ?? 7
        if let uid, uid == owner { return ownerBits & bits == bits }
        if let uid, let named = users[uid] { return named & mask & bits == bits }
        var matched = false
        if memberships.contains(group) {
            matched = true
            if owningGroupBits & mask & bits == bits { return true }
        }
        for (id, granted) in groups where memberships.contains(id) {
            matched = true
            if granted & mask & bits == bits { return true }
        }
        if matched { return false }
        return otherBits & bits == bits
    }
}
