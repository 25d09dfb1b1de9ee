import Glibc
import PersistDeployKit
import Synchronization

// The tree behind `InMemoryFileSystem`: inodes, directory entries, path resolution as the
// kernel does it (links followed, ELOOP, ENOTDIR), and the changes the file system makes.

/// Where a path leads: the directory holding its last component, that component, and the node
/// there (nil when nothing is there yet).
struct Lookup {
    let parent: UInt64
    let name: String
    let inode: UInt64?
}

/// One file, directory or symlink.
struct Node {
    enum Content {
        case file([UInt8])
        case directory([String: UInt64])
        case symlink(String)
    }

    var content: Content
    var permissions: UInt32
    var modificationTime: Double
    var device: UInt64
    /// ctime: set by every change of the entry itself (creation, rename, chmod, times), never
    /// copied.
    var changeTime: Double = 0
    var owner: UInt32 = 0
    var group: UInt32 = 0

    var isDirectory: Bool {
        if case .directory = content { return true }
        return false
    }

    func status(inode: UInt64) -> FileStatus {
        let (type, size): (EntryType, Int64) =
            switch content {
            case .file(let bytes): (.file, Int64(bytes.count))
            case .directory: (.directory, 4096)
            case .symlink(let target): (.symlink, Int64(target.utf8.count))
            }
        return FileStatus(
            type: type, permissions: permissions, size: size, modificationTime: modificationTime,
            device: device, inode: inode, owner: owner, group: group, changeTime: changeTime)
    }
}

/// The whole tree, addressed by inode number; only touched with the lock held.
struct Tree {
    static let rootInode: UInt64 = 1
    /// Linux's MAXSYMLINKS.
    static let maximumSymlinkHops = 40

    var nodes: [UInt64: Node]
    var nextInode: UInt64 = 2
    var nextDevice: UInt64 = 1
    var mountPoints: Set<UInt64> = []
    var clock: Double = 1_700_000_000
    var creator: (user: UInt32, group: UInt32) = (0, 0)

    init() {
        nodes = [Tree.rootInode: Node(content: .directory([:]), permissions: 0o755, modificationTime: clock, device: 1)]
    }

    static func bytewise(_ a: String, _ b: String) -> Bool {
        PathName.bytewiseLess(a, b)
    }

    mutating func tick() -> Double {
        clock += 1
        return clock
    }

    func entries(of directory: UInt64) -> [String: UInt64] {
        if case .directory(let entries) = nodes[directory]?.content { return entries }
        return [:]
    }

    func isNameValid(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && name.utf8.count <= 255
    }

    func checkName(_ name: String, call: String, path: String) throws(SystemCallError) {
        if name.utf8.count > 255 { throw SystemCallError(call: call, path: path, code: ENAMETOOLONG) }
        if !isNameValid(name) { throw SystemCallError(call: call, path: path, code: EEXIST) }
    }

    // MARK: Path resolution

    /// Resolves `path` as the kernel's namei does: `.` and `..` physically, every intermediate
    /// symlink followed, the final one only with `followFinal` (or a trailing slash).
    func lookup(_ path: String, followFinal: Bool, call: String) throws(SystemCallError) -> Lookup {
        if path.isEmpty { throw SystemCallError(call: call, path: path, code: ENOENT) }
        if path.utf8.count >= Int(PATH_MAX) { throw SystemCallError(call: call, path: path, code: ENAMETOOLONG) }
        let trailingSlash = path.count > 1 && path.hasSuffix("/")
        var pending = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if pending.isEmpty {
            return Lookup(parent: Tree.rootInode, name: ".", inode: Tree.rootInode)
        }
        // The directories from the root down to the current one, so `..` can step back up.
        var stack: [UInt64] = [Tree.rootInode]
        var hops = 0
        while let name = pending.first {
            pending.removeFirst()
            let isLast = pending.isEmpty
            guard let current = stack.last else { break }
            guard case .directory(let entries) = nodes[current]?.content else {
                throw SystemCallError(call: call, path: path, code: ENOTDIR)
            }
            if name.utf8.count > 255 { throw SystemCallError(call: call, path: path, code: ENAMETOOLONG) }
            if name == "." || name == ".." {
                if name == "..", stack.count > 1 { stack.removeLast() }
                if isLast {
                    let here = stack.last ?? Tree.rootInode
                    return Lookup(parent: stack.dropLast().last ?? Tree.rootInode, name: name, inode: here)
                }
                continue
            }
            guard let child = entries[name], let node = nodes[child] else {
                if isLast { return Lookup(parent: current, name: name, inode: nil) }
                throw SystemCallError(call: call, path: path, code: ENOENT)
            }
            switch node.content {
            case .symlink(let target) where !isLast || followFinal || trailingSlash:
                hops += 1
                if hops > Tree.maximumSymlinkHops { throw SystemCallError(call: call, path: path, code: ELOOP) }
                if target.hasPrefix("/") { stack = [Tree.rootInode] }
                let targetParts = target.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
                if targetParts.isEmpty && isLast {
                    // A link to "/": the root itself.
                    return Lookup(parent: Tree.rootInode, name: ".", inode: Tree.rootInode)
                }
                pending = targetParts + pending
            case .directory:
                if isLast { return Lookup(parent: current, name: name, inode: child) }
                stack.append(child)
            default:
                if isLast {
                    if trailingSlash { throw SystemCallError(call: call, path: path, code: ENOTDIR) }
                    return Lookup(parent: current, name: name, inode: child)
                }
                stack.append(child)  // the next round reports ENOTDIR
            }
        }
        return Lookup(parent: Tree.rootInode, name: ".", inode: Tree.rootInode)
    }

    func existingInode(_ path: String, followFinal: Bool, call: String) throws(SystemCallError) -> UInt64 {
        guard let inode = try lookup(path, followFinal: followFinal, call: call).inode else {
            throw SystemCallError(call: call, path: path, code: ENOENT)
        }
        return inode
    }

    func existing(_ path: String, followFinal: Bool, call: String) throws(SystemCallError) -> Node {
        let inode = try existingInode(path, followFinal: followFinal, call: call)
        guard let node = nodes[inode] else { throw SystemCallError(call: call, path: path, code: ENOENT) }
        return node
    }

    /// The directory at `path`, opened as `open(O_DIRECTORY | O_NOFOLLOW)` would: a final link
    /// is refused (Linux says `ENOTDIR` there) unless `noFollow` is false.
    func openDirectory(_ path: String, call: String = "open", noFollow: Bool = true) throws(SystemCallError) -> UInt64 {
        let found = try lookup(path, followFinal: !noFollow, call: call)
        guard let inode = found.inode, let node = nodes[inode] else {
            throw SystemCallError(call: call, path: path, code: ENOENT)
        }
        switch node.content {
        case .directory: return inode
        case .symlink, .file: throw SystemCallError(call: call, path: path, code: ENOTDIR)
        }
    }

    // MARK: Reading

    func collectFiles(in directory: UInt64, prefix: String, into found: inout [String]) {
        for (name, child) in entries(of: directory) {
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            if nodes[child]?.isDirectory == true {
                collectFiles(in: child, prefix: relative, into: &found)
            } else {
                found.append(relative)
            }
        }
    }

    func walk(_ directory: UInt64, prefix: String, into found: inout [WalkedEntry]) {
        for (name, child) in entries(of: directory).sorted(by: { Tree.bytewise($0.key, $1.key) }) {
            guard let node = nodes[child] else { continue }
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            found.append(WalkedEntry(path: relative, status: node.status(inode: child)))
            if node.isDirectory { walk(child, prefix: relative, into: &found) }
        }
    }

    func describe(_ directory: UInt64, path: String, into result: inout [String: String]) {
        for (name, child) in entries(of: directory) {
            let childPath = path + "/" + name
            switch nodes[child]?.content {
            case .directory:
                result[childPath] = "dir"
                describe(child, path: childPath, into: &result)
            case .file(let bytes): result[childPath] = "file:" + String(decoding: bytes, as: UTF8.self)
            case .symlink(let target): result[childPath] = "link:" + target
            case nil: break
            }
        }
    }
}
