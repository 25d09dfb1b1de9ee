/// Where a persistent path of shared/ lives, with the deploy root's own links followed: shared/
/// itself may be a link (to a data disk), and so may a persistent path or a folder above it
/// (`shared/public/uploads -> /mnt/media/uploads`); only links root or the deploy root's owner
/// made are followed (`LinkTrust`). Links *below* a persistent path are the app's own and are
/// saved as links. A backup saves the data where it really is; a restore puts
/// it back there, so the links stay as they are.
package enum PersistentLocation {
    package enum Lookup: Equatable {
        /// The data is at `location` (absolute, every link resolved).
        case found(location: String)
        /// Nothing is there, and no link on the way is broken: nothing to save.
        case absent
        /// The path cannot be saved; `reason` says why (for a message naming it).
        case unusable(reason: String)
    }

    /// Looks up `path` (relative to shared/) for a backup. A location that holds the backups
    /// folder, or lies inside it, is unusable: a snapshot would contain itself.
    package static func lookUp(_ path: String, root: DeployRoot, fileSystem: any FileSystem) -> Lookup {
        let components = PathName.components(path)
        guard !components.isEmpty, !components.contains(".."), !path.hasPrefix("/") else {
            return .unusable(reason: "is not a path inside shared/")
        }
        let live = PathName.join(root.shared, path)
        let (found, foreign) = LinkTrust.resolve(live, root: root, fileSystem: fileSystem)
        if let foreign { return .unusable(reason: "lies behind a link the app's user could have made: \(foreign)") }
        guard let location = found else {
            return brokenStep(path, root: root, fileSystem: fileSystem).map { .unusable(reason: $0) } ?? .absent
        }
        let backups = PathResolver.resolve(root.backups, fileSystem: fileSystem) ?? root.backups
        if PathName.isWithin(backups, location) {
            return .unusable(reason: "resolves to '\(location)', which holds the backups folder '\(root.backups)' (a snapshot cannot hold itself)")
        }
        if PathName.isWithin(location, backups) {
            return .unusable(reason: "resolves to '\(location)', inside the backups folder '\(root.backups)' (a snapshot cannot hold itself)")
        }
        return .found(location: location)
    }

    /// `location` when it is not where `path` lies lexically in shared/ (shared/ itself, or a
    /// folder in it, is a link the lookup followed); nil otherwise.
    package static func followedLink(_ location: String, path: String, root: DeployRoot, fileSystem: any FileSystem) -> String? {
        let parent = PathName.parent(root.shared)
        let lexical = PathName.join(
            PathResolver.resolve(parent, fileSystem: fileSystem) ?? parent, PathName.basename(root.shared), path)
        return location == lexical ? nil : location
    }

    /// Where `restore` writes `path`: its current location, or where it would be created (through
    /// the same links: a link whose target is missing is restored at that target). Nil with the
    /// reason when there is no such place (a file where a folder is needed, a folder that a
    /// broken link names and that does not exist).
    package static func destination(_ path: String, root: DeployRoot, fileSystem: any FileSystem) -> (String?, String?) {
        let live = PathName.join(root.shared, path)
        let (found, foreign) = LinkTrust.resolve(live, root: root, fileSystem: fileSystem)
        if let foreign { return (nil, foreign) }
        if let location = found { return (location, nil) }
        // Resolve the longest prefix that exists, then follow or create the rest.
        guard let sharedLocation = PathResolver.resolve(root.shared, fileSystem: fileSystem) else {
            return (nil, "the shared folder '\(root.shared)' does not resolve")
        }
        var resolved = sharedLocation
        let components = PathName.components(path)
        for (index, component) in components.enumerated() {
            let candidate = PathName.join(resolved, component)
            let rest = components[(index + 1)...].joined(separator: "/")
            guard let status = try? fileSystem.status(at: candidate, followSymlink: false) else {
                return (PathName.join(candidate, rest), nil)  // missing from here on: created
            }
            if let next = PathResolver.resolve(candidate, fileSystem: fileSystem) {
                guard rest.isEmpty || (try? fileSystem.isDirectory(next, followSymlink: true)) == true else {
                    return (nil, "'\(candidate)' is not a directory")
                }
                resolved = next
                continue
            }
            guard status.type == .symlink, let text = try? fileSystem.readSymlink(at: candidate) else {
                return (nil, "'\(candidate)' does not resolve")
            }
            let target = PathName.absolute(text, from: resolved)
            guard let folder = PathResolver.resolve(PathName.parent(target), fileSystem: fileSystem) else {
                return (nil, "'\(candidate)' is a link to '\(text)', whose folder does not exist")
            }
            return (PathName.join(PathName.join(folder, PathName.basename(target)), rest), nil)
        }
        return (resolved, nil)
    }

    /// Why `path` does not resolve when something on the way is broken (a dangling or looping
    /// link, a file where a folder is needed); nil when it is simply missing.
    private static func brokenStep(_ path: String, root: DeployRoot, fileSystem: any FileSystem) -> String? {
        let components = PathName.components(path)
        /// The subject of the reason: the path itself, or the folder on the way that is broken.
        func subject(_ shown: String) -> String {
            shown == "shared/" + components.joined(separator: "/") ? "" : "lies below '\(shown)', which "
        }
        func linkProblem(_ lexical: String, shown: String) -> String {
            let text = (try? fileSystem.readSymlink(at: lexical)) ?? "?"
            return "\(subject(shown))is a link to '\(text)', which does not resolve (a disk not mounted?)"
        }
        guard let sharedStatus = try? fileSystem.status(at: root.shared, followSymlink: false) else { return nil }
        guard var resolved = PathResolver.resolve(root.shared, fileSystem: fileSystem) else {
            return sharedStatus.type == .symlink ? linkProblem(root.shared, shown: root.shared) : "lies below '\(root.shared)', which does not resolve"
        }
        for (index, component) in components.enumerated() {
            let candidate = PathName.join(resolved, component)
            let shown = "shared/" + components[...index].joined(separator: "/")
            guard let status = try? fileSystem.status(at: candidate, followSymlink: false) else { return nil }
            guard let next = PathResolver.resolve(candidate, fileSystem: fileSystem) else {
                return status.type == .symlink ? linkProblem(candidate, shown: shown) : "\(subject(shown))does not resolve"
            }
            if index < components.count - 1, (try? fileSystem.isDirectory(next, followSymlink: true)) != true {
                return "lies below '\(shown)', which is not a directory"
            }
            resolved = next
        }
        return nil
    }
}
