import Glibc
import PersistDeployKit
import Synchronization

/// A file system held in memory that behaves like Linux (ext4, as root) for every `FileSystem`
/// operation: the same errno values, symlinks resolved the way the kernel resolves them
/// (intermediate links always, relative text against the link's parent, `ELOOP` after 40 hops),
/// rename(2) semantics, and device ids so that `mount(at:)` makes renames across it fail with
/// `EXDEV`. `FileSystemContractTests` runs the same bodies against it and `LocalFileSystem`.
///
/// Permission bits are kept but never enforced, as for root. Every mutation advances a clock by
/// one second, so modification times are deterministic.
package final class InMemoryFileSystem: FileSystem, @unchecked Sendable {
    private let state: Mutex<Tree>

    package init() {
        state = Mutex(Tree())
    }

    /// A tree holding `files` (path to text, mode 0644), `directories` (0755) and `symlinks`
    /// (path to link text); missing parents are created.
    package convenience init(
        files: [String: String] = [:], directories: [String] = [], symlinks: [String: String] = [:]
    ) throws(SystemCallError) {
        self.init()
        for directory in directories { try createDirectory(at: directory, permissions: 0o755) }
        for (path, text) in files {
            try createDirectory(at: PathName.parent(path), permissions: 0o755)
            try writeFile(at: path, contents: Array(text.utf8), permissions: 0o644)
        }
        for (path, target) in symlinks {
            try createSymlink(at: path, target: target)
        }
    }

    /// Makes `path` (created if missing) the root of another file system: it and everything made
    /// below it get a new device id, so renames between it and the rest fail with `EXDEV`.
    package func mount(at path: String) throws(SystemCallError) {
        try createDirectory(at: path, permissions: 0o755)
        try state.withLock { tree throws(SystemCallError) in
            let found = try tree.lookup(path, followFinal: true, call: "mount")
            guard let inode = found.inode else { throw SystemCallError(call: "mount", path: path, code: ENOENT) }
            tree.nextDevice += 1
            tree.nodes[inode]?.device = tree.nextDevice
            tree.mountPoints.insert(inode)
        }
    }

    /// Sets the modification time of `path` (not following a final link), as `touch -h -d` does.
    package func setModificationTime(at path: String, to time: Double) throws(SystemCallError) {
        try state.withLock { tree throws(SystemCallError) in
            let found = try tree.lookup(path, followFinal: false, call: "utimensat")
            guard let inode = found.inode else { throw SystemCallError(call: "utimensat", path: path, code: ENOENT) }
            let changed = tree.tick()
            tree.nodes[inode]?.modificationTime = time
            tree.nodes[inode]?.changeTime = changed
        }
    }

    /// Every path below `/` mapped to `"dir"`, `"file:<content>"` or `"link:<target>"`.
    package func snapshot() -> [String: String] {
        state.withLock { tree in
            var result: [String: String] = [:]
            tree.describe(Tree.rootInode, path: "", into: &result)
            return result
        }
    }

    // MARK: FileSystem

    package func status(at path: String, followSymlink: Bool) throws(SystemCallError) -> FileStatus? {
        try state.withLock { tree throws(SystemCallError) -> FileStatus? in
            let call = followSymlink ? "stat" : "lstat"
            let found: Lookup
            do throws(SystemCallError) {
                found = try tree.lookup(path, followFinal: followSymlink, call: call)
            } catch where error.code == ENOENT || error.code == ENOTDIR {
                return nil
            }
            guard let inode = found.inode, let node = tree.nodes[inode] else { return nil }
            return node.status(inode: inode)
        }
    }

    package func listDirectory(at path: String) throws(SystemCallError) -> [String] {
        try state.withLock { tree throws(SystemCallError) in
            let inode = try tree.openDirectory(path)
            return tree.entries(of: inode).keys.sorted(by: Tree.bytewise)
        }
    }

    package func someNames(in directory: String, limit: Int) throws(SystemCallError) -> [String] {
        Array(try listDirectory(at: directory).prefix(limit))
    }

    package func files(under directory: String) throws(SystemCallError) -> [String] {
        try state.withLock { tree throws(SystemCallError) in
            let inode = try tree.openDirectory(directory)
            var found: [String] = []
            tree.collectFiles(in: inode, prefix: "", into: &found)
            return found.sorted(by: Tree.bytewise)
        }
    }

    package func walk(_ directory: String) throws(SystemCallError) -> [WalkedEntry] {
        try state.withLock { tree throws(SystemCallError) in
            let inode = try tree.openDirectory(directory)
            var found: [WalkedEntry] = []
            tree.walk(inode, prefix: "", into: &found)
            return found
        }
    }

    package func readFile(at path: String) throws(SystemCallError) -> [UInt8] {
        try state.withLock { tree throws(SystemCallError) in
            let node = try tree.existing(path, followFinal: true, call: "open")
            switch node.content {
            case .file(let bytes): return bytes
            case .directory: throw SystemCallError(call: "read", path: path, code: EISDIR)
            case .symlink: throw SystemCallError(call: "open", path: path, code: ELOOP)
            }
        }
    }

    package func readBytes(at path: String, offset: Int64, count: Int) throws(SystemCallError) -> [UInt8] {
        let bytes = try readFile(at: path)
        let start = min(bytes.count, max(0, Int(offset)))
        return Array(bytes[start..<min(bytes.count, start + max(0, count))])
    }

    package func appendFile(at path: String, contents: [UInt8], permissions: UInt32) throws(SystemCallError) {
        try state.withLock { tree throws(SystemCallError) in
            let found = try tree.lookup(path, followFinal: false, call: "open")
            guard let inode = found.inode else {
                try tree.checkName(found.name, call: "open", path: path)
                let created = tree.makeNode(.file(contents), permissions: permissions & 0o7777, in: found.parent)
                tree.setEntry(found.name, to: created, in: found.parent)
                return
            }
            switch tree.nodes[inode]?.content {
            case .file(let bytes)?:
                let time = tree.tick()
                tree.nodes[inode]?.content = .file(bytes + contents)
                tree.nodes[inode]?.modificationTime = time
                tree.nodes[inode]?.changeTime = time
            case .directory?: throw SystemCallError(call: "open", path: path, code: EISDIR)
            default: throw SystemCallError(call: "open", path: path, code: ELOOP)
            }
        }
    }

    package func writeFile(at path: String, contents: [UInt8], permissions: UInt32) throws(SystemCallError) {
        try state.withLock { tree throws(SystemCallError) in
            // Like the real one: a new file under a temporary name, renamed over `path`.
            let found = try tree.lookup(path, followFinal: false, call: "open")
            let parent = found.parent
            if let existing = found.inode, case .directory = tree.nodes[existing]?.content {
                throw SystemCallError(call: "rename", path: path, code: EISDIR)
            }
            guard tree.isNameValid(found.name) else {
                throw SystemCallError(call: "open", path: path, code: found.name.utf8.count > 255 ? ENAMETOOLONG : EEXIST)
            }
            let inode = tree.makeNode(.file(contents), permissions: permissions & 0o7777, in: parent)
            if let existing = found.inode { tree.release(existing) }
            tree.setEntry(found.name, to: inode, in: parent)
        }
    }

    package func createDirectory(at path: String, permissions: UInt32) throws(SystemCallError) {
        try state.withLock { tree throws(SystemCallError) in
            try tree.createDirectories(path, permissions: permissions)
        }
    }

    package func createSymlink(at path: String, target: String) throws(SystemCallError) {
        try state.withLock { tree throws(SystemCallError) in
            if target.isEmpty { throw SystemCallError(call: "symlink", path: path, code: ENOENT) }
            let found = try tree.lookup(path, followFinal: false, call: "symlink")
            if found.inode != nil { throw SystemCallError(call: "symlink", path: path, code: EEXIST) }
            try tree.checkName(found.name, call: "symlink", path: path)
            let inode = tree.makeNode(.symlink(target), permissions: 0o777, in: found.parent)
            tree.setEntry(found.name, to: inode, in: found.parent)
        }
    }

    package func readSymlink(at path: String) throws(SystemCallError) -> String {
        try state.withLock { tree throws(SystemCallError) in
            let node = try tree.existing(path, followFinal: false, call: "readlink")
            guard case .symlink(let target) = node.content else {
                throw SystemCallError(call: "readlink", path: path, code: EINVAL)
            }
            return target
        }
    }

    package func rename(_ source: String, to destination: String, replacing: Bool) throws(SystemCallError) {
        try state.withLock { tree throws(SystemCallError) in
            try tree.rename(source, to: destination, replacing: replacing)
        }
    }

    package func exchange(_ first: String, _ second: String) throws(SystemCallError) {
        try state.withLock { tree throws(SystemCallError) in
            try tree.exchange(first, second)
        }
    }

    package func removeTree(at path: String) throws(SystemCallError) {
        let path = PathName.withoutTrailingSlashes(path)
        return try state.withLock { tree throws(SystemCallError) in
            let found: Lookup
            do throws(SystemCallError) {
                found = try tree.lookup(path, followFinal: false, call: "lstat")
            } catch where error.code == ENOENT || error.code == ENOTDIR {
                return
            }
            guard let inode = found.inode else { return }
            if tree.mountPoints.contains(inode) { throw SystemCallError(call: "rmdir", path: path, code: EBUSY) }
            if found.name == "." || found.name == ".." || inode == Tree.rootInode {
                throw SystemCallError(call: "rmdir", path: path, code: EINVAL)
            }
            tree.removeEntry(found.name, from: found.parent)
            tree.release(inode)
        }
    }

    package func copyTree(from source: String, to destination: String) throws(SystemCallError) {
        try state.withLock { tree throws(SystemCallError) in
            let sourceInode = try tree.existingInode(source, followFinal: false, call: "lstat")
            // The real copier opens the destination's parent as a directory, following links.
            let parent = try tree.openDirectory(PathName.parent(destination), call: "open", noFollow: false)
            let name = PathName.basename(destination)
            if tree.entries(of: parent)[name] != nil {
                throw SystemCallError(call: tree.nodes[sourceInode]?.isDirectory == true ? "mkdir" : "open", path: destination, code: EEXIST)
            }
            try tree.checkName(name, call: "open", path: destination)
            let copy = tree.copy(sourceInode, into: parent)
            tree.setEntry(name, to: copy, in: parent)
        }
    }

    package func setPermissions(at path: String, to permissions: UInt32) throws(SystemCallError) {
        let path = PathName.withoutTrailingSlashes(path)
        return try state.withLock { tree throws(SystemCallError) in
            let inode = try tree.existingInode(path, followFinal: false, call: "chmod")
            if case .symlink = tree.nodes[inode]?.content {
                throw SystemCallError(call: "chmod", path: path, code: ELOOP)
            }
            let changed = tree.tick()
            tree.nodes[inode]?.permissions = permissions & 0o7777
            tree.nodes[inode]?.changeTime = changed
        }
    }

    package func syncDirectory(at path: String) throws(SystemCallError) {
        try state.withLock { tree throws(SystemCallError) in
            _ = try tree.openDirectory(path, call: "open", noFollow: false)
        }
    }

    package func setOwner(at path: String, user: UInt32?, group: UInt32?) throws(SystemCallError) {
        let path = PathName.withoutTrailingSlashes(path)
        return try state.withLock { tree throws(SystemCallError) in
            let inode = try tree.existingInode(path, followFinal: false, call: "chown")
            if let user { tree.nodes[inode]?.owner = user }
            if let group { tree.nodes[inode]?.group = group }
        }
    }

    /// The ids new entries get, as if this user created them (root, 0:0, by default).
    package func actAs(user: UInt32, group: UInt32) {
        state.withLock { tree in
            tree.creator = (user, group)
        }
    }
}
