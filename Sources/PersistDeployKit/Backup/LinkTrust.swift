import Glibc

/// Which links a backup or restore follows on the way to a persistent path: those made by root,
/// by the user running the tool, or by the owner of the deploy root. The app's user may write in
/// shared/ (and in folders a link of the deploy root leads to); a link it made could send a
/// restore, run as root, to replace whatever that link names, so it is never followed.
enum LinkTrust {
    /// `path` resolved the way `readlink -e` does (nil when something on the way is missing),
    /// and the first link on the way that was made by someone else, as a sentence.
    static func resolve(_ path: String, root: DeployRoot, fileSystem: any FileSystem) -> (location: String?, foreign: String?) {
        let trusted = trustedOwners(root)
        var resolved = "/"
        var pending = PathName.components(PathName.absolute(path, from: "/"))
        var hops = 0
        while !pending.isEmpty {
            let part = pending.removeFirst()
            if part == ".." {
                resolved = PathName.parent(resolved)
                continue
            }
            let candidate = PathName.join(resolved, part)
            guard let status = try? fileSystem.status(at: candidate, followSymlink: false) else { return (nil, nil) }
            guard status.type == .symlink else {
                if !pending.isEmpty && status.type != .directory { return (nil, nil) }
                resolved = candidate
                continue
            }
            if let owner = owner(of: candidate), !trusted.contains(owner) {
                return (nil, "'\(candidate)' is a link made by \(userName(owner)), not by root or the deploy root's owner; not followed")
            }
            hops += 1
            guard hops <= 40, let text = try? fileSystem.readSymlink(at: candidate) else { return (nil, nil) }
            if text.hasPrefix("/") { resolved = "/" }
            pending = PathName.components(text) + pending
        }
        return (resolved, nil)
    }

    /// Root, the user running the tool, and the owner of the deploy root.
    private static func trustedOwners(_ root: DeployRoot) -> Set<uid_t> {
        var owners: Set<uid_t> = [0, geteuid()]
        if let info = try? SystemCall.status(of: root.path, followSymlink: true) { owners.insert(info.st_uid) }
        return owners
    }

    /// The owner of the link itself; nil when it cannot be read (nothing is refused then).
    private static func owner(of link: String) -> uid_t? {
        ((try? SystemCall.status(of: link, followSymlink: false)) ?? nil)?.st_uid
    }

    private static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return "user '\(String(cString: name))' (uid \(uid))"
    }
}
