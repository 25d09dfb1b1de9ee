/// Resolves a path the way `readlink -e` does, through the `FileSystem` seam: every link
/// followed, every component required to exist.
package enum PathResolver {
    /// The canonical absolute path of `path`, or nil when it (or a link on the way) is missing,
    /// loops, or passes through something that is not a directory.
    package static func resolve(_ path: String, fileSystem: any FileSystem) -> String? {
        var resolved = "/"
        var pending = PathName.components(PathName.absolute(path, from: "/"))
        var hops = 0
        while !pending.isEmpty {
            let part = pending.removeFirst()
            if part.utf8.elementsEqual("..".utf8) {
                resolved = PathName.parent(resolved)
                continue
            }
            let candidate = PathName.join(resolved, part)
            guard let status = try? fileSystem.status(at: candidate, followSymlink: false) else { return nil }
            if status.type == .symlink {
                hops += 1
                guard hops <= 40, let text = try? fileSystem.readSymlink(at: candidate) else { return nil }
                if text.utf8.first == UInt8(ascii: "/") { resolved = "/" }
                pending = PathName.components(text) + pending
            } else {
                if !pending.isEmpty && status.type != .directory { return nil }
                resolved = candidate
            }
        }
        return resolved
    }
}
