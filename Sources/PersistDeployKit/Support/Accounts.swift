import Glibc

/// A user or group of the host, as the system's account database (`/etc/passwd`, NSS) knows it.
package struct Account: Sendable, Equatable {
    package var name: String
    package var id: UInt32

    package init(name: String, id: UInt32) {
        self.name = name
        self.id = id
    }
}

/// Look-ups in the host's account database, passed in so tests can describe a host of their own.
package struct Accounts: Sendable {
    /// The user named so (or with that numeric id) and its primary group id.
    package var user: @Sendable (String) -> (user: Account, primaryGroup: UInt32)?
    /// The group named so (or with that numeric id).
    package var group: @Sendable (String) -> Account?
    /// The group ids a user is a member of, its primary group included.
    package var memberships: @Sendable (_ user: String, _ primaryGroup: UInt32) -> [UInt32]
    /// The name of a user id, for messages; nil when the host has none.
    package var userName: @Sendable (UInt32) -> String?
    /// The name of a group id, for messages.
    package var groupName: @Sendable (UInt32) -> String?

    package init(
        user: @escaping @Sendable (String) -> (user: Account, primaryGroup: UInt32)?,
        group: @escaping @Sendable (String) -> Account?,
        memberships: @escaping @Sendable (String, UInt32) -> [UInt32],
        userName: @escaping @Sendable (UInt32) -> String?,
        groupName: @escaping @Sendable (UInt32) -> String?
    ) {
        self.user = user
        self.group = group
        self.memberships = memberships
        self.userName = userName
        self.groupName = groupName
    }

    /// The host's database, read with the reentrant calls (tests run commands on many threads).
    package static let system = Accounts(
        user: { name in
            SystemAccounts.passwd(name: name).map { (Account(name: $0.name, id: $0.uid), $0.gid) }
        },
        group: { name in SystemAccounts.group(name: name) },
        memberships: { user, primary in SystemAccounts.groupList(user: user, primary: primary) },
        userName: { SystemAccounts.passwd(uid: $0)?.name },
        groupName: { SystemAccounts.group(gid: $0)?.name })

    /// `owner:group` as names where the host has them, else as numbers.
    package func describe(user: UInt32, group: UInt32) -> String {
        "\(userName(user) ?? String(user)):\(groupName(group) ?? String(group))"
    }
}

/// The reentrant account calls (`getpwnam_r`, `getgrnam_r`, `getgrouplist`).
private enum SystemAccounts {
    static func passwd(name: String) -> (name: String, uid: UInt32, gid: UInt32)? {
        if let entry = withBuffer({ entry, buffer, size, result in getpwnam_r(name, &entry, buffer, size, &result) }) {
            return entry
        }
        return UInt32(name).flatMap { passwd(uid: $0) }
    }

    static func passwd(uid: UInt32) -> (name: String, uid: UInt32, gid: UInt32)? {
        withBuffer { entry, buffer, size, result in getpwuid_r(uid, &entry, buffer, size, &result) }
    }

    private static func withBuffer(
        _ call: (inout Glibc.passwd, UnsafeMutablePointer<CChar>, Int, inout UnsafeMutablePointer<Glibc.passwd>?) -> Int32
    ) -> (name: String, uid: UInt32, gid: UInt32)? {
        var size = 4096
        while size <= 1 << 20 {
            var entry = Glibc.passwd()
            var result: UnsafeMutablePointer<Glibc.passwd>?
            var buffer = [CChar](repeating: 0, count: size)
            let code = buffer.withUnsafeMutableBufferPointer { call(&entry, $0.baseAddress!, size, &result) }
            if code == ERANGE {
                size *= 4
                continue
            }
            guard code == 0, result != nil else { return nil }
            return (String(cString: entry.pw_name), entry.pw_uid, entry.pw_gid)
        }
        return nil
    }

    static func group(name: String) -> Account? {
        if let found = withGroupBuffer({ entry, buffer, size, result in getgrnam_r(name, &entry, buffer, size, &result) }) {
            return found
        }
        return UInt32(name).flatMap { group(gid: $0) }
    }

    static func group(gid: UInt32) -> Account? {
        withGroupBuffer { entry, buffer, size, result in getgrgid_r(gid, &entry, buffer, size, &result) }
    }

    private static func withGroupBuffer(
        _ call: (inout group, UnsafeMutablePointer<CChar>, Int, inout UnsafeMutablePointer<group>?) -> Int32
    ) -> Account? {
        var size = 4096
        while size <= 1 << 22 {
            var entry = Glibc.group()
            var result: UnsafeMutablePointer<Glibc.group>?
            var buffer = [CChar](repeating: 0, count: size)
            let code = buffer.withUnsafeMutableBufferPointer { call(&entry, $0.baseAddress!, size, &result) }
            if code == ERANGE {
                size *= 4
                continue
            }
            guard code == 0, result != nil else { return nil }
            return Account(name: String(cString: entry.gr_name), id: entry.gr_gid)
        }
        return nil
    }

    static func groupList(user: String, primary: UInt32) -> [UInt32] {
        var count: Int32 = 64
        while count <= 65536 {
            var groups = [gid_t](repeating: 0, count: Int(count))
            var found = count
            if getgrouplist(user, primary, &groups, &found) != -1 {
                return Array(groups.prefix(Int(found)))
            }
            count = max(found, count * 2)
        }
        return [primary]
    }
}
