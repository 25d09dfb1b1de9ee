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
            tree.nodes[inode]?.modificationTime = time
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
            tree.nodes[inode]?.permissions = permissions & 0o7777
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

/// Where a path leads: the directory holding its last component, that component, and the node
/// there (nil when nothing is there yet).
private struct Lookup {
    let parent: UInt64
    let name: String
    let inode: UInt64?
}

/// One file, directory or symlink.
private struct Node {
    enum Content {
        case file([UInt8])
        case directory([String: UInt64])
        case symlink(String)
    }

    var content: Content
    var permissions: UInt32
    var modificationTime: Double
    var device: UInt64
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
            device: device, inode: inode, owner: owner, group: group)
    }
}

/// The whole tree, addressed by inode number; only touched with the lock held.
private struct Tree {
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

    // MARK: Changes

    mutating func makeNode(_ content: Node.Content, permissions: UInt32, in parent: UInt64) -> UInt64 {
        let inode = nextInode
        nextInode += 1
        // A folder with the setgid bit passes its group on, as on Linux.
        let parentNode = nodes[parent]
        let group = (parentNode?.permissions ?? 0) & 0o2000 != 0 ? parentNode?.group ?? creator.group : creator.group
        nodes[inode] = Node(
            content: content, permissions: permissions, modificationTime: tick(),
            device: parentNode?.device ?? 1, owner: creator.user, group: group)
        return inode
    }

    mutating func setEntry(_ name: String, to inode: UInt64, in directory: UInt64) {
        guard case .directory(var entries) = nodes[directory]?.content else { return }
        entries[name] = inode
        nodes[directory]?.content = .directory(entries)
        let time = tick()
        nodes[directory]?.modificationTime = time
    }

    mutating func removeEntry(_ name: String, from directory: UInt64) {
        guard case .directory(var entries) = nodes[directory]?.content else { return }
        entries[name] = nil
        nodes[directory]?.content = .directory(entries)
        let time = tick()
        nodes[directory]?.modificationTime = time
    }

    /// Frees a node no longer named anywhere, and everything below it.
    mutating func release(_ inode: UInt64) {
        guard let node = nodes.removeValue(forKey: inode) else { return }
        mountPoints.remove(inode)
        if case .directory(let entries) = node.content {
            for child in entries.values { release(child) }
        }
    }

    /// `mkdir -p` the way `LocalFileSystem` does it: existing directories (or links to them)
    /// are fine, anything else in the way is `EEXIST`; created directories get `permissions`.
    mutating func createDirectories(_ path: String, permissions: UInt32) throws(SystemCallError) {
        if let inode = try? lookup(path, followFinal: true, call: "stat").inode, nodes[inode]?.isDirectory == true {
            return
        }
        let parent = PathName.parent(path)
        if parent != path { try createDirectories(parent, permissions: permissions) }
        let found = try lookup(path, followFinal: false, call: "mkdir")
        if found.inode != nil { throw SystemCallError(call: "mkdir", path: path, code: EEXIST) }
        try checkName(found.name, call: "mkdir", path: path)
        let inode = makeNode(.directory([:]), permissions: permissions & 0o7777, in: found.parent)
        setEntry(found.name, to: inode, in: found.parent)
    }

    /// rename(2), or renameat2(2) with `RENAME_NOREPLACE` when `replacing` is false.
    mutating func rename(_ source: String, to destination: String, replacing: Bool) throws(SystemCallError) {
        let label = "\(source) -> \(destination)"
        func fail(_ code: Int32) -> SystemCallError { SystemCallError(call: "rename", path: label, code: code) }
        let from: Lookup
        let to: Lookup
        do throws(SystemCallError) {
            from = try lookup(source, followFinal: false, call: "rename")
            to = try lookup(destination, followFinal: false, call: "rename")
        } catch {
            throw fail(error.code)
        }
        if nodes[from.parent]?.device != nodes[to.parent]?.device { throw fail(EXDEV) }
        guard let moving = from.inode, let movingNode = nodes[moving] else { throw fail(ENOENT) }
        if from.name == "." || from.name == ".." || to.name == "." || to.name == ".." { throw fail(EBUSY) }
        if mountPoints.contains(moving) { throw fail(EBUSY) }
        if !replacing, to.inode != nil { throw fail(EEXIST) }
        if to.inode == moving { return }
        if let replaced = to.inode, let replacedNode = nodes[replaced] {
            if mountPoints.contains(replaced) { throw fail(EBUSY) }
            switch (movingNode.isDirectory, replacedNode.isDirectory) {
            case (true, false): throw fail(ENOTDIR)
            case (false, true): throw fail(EISDIR)
            case (true, true) where !entries(of: replaced).isEmpty: throw fail(ENOTEMPTY)
            default: break
            }
        }
        if movingNode.isDirectory, isAncestor(moving, of: to.parent) { throw fail(EINVAL) }
        try checkName(to.name, call: "rename", path: label)
        removeEntry(from.name, from: from.parent)
        if let replaced = to.inode { release(replaced) }
        setEntry(to.name, to: moving, in: to.parent)
    }

    /// renameat2(2) with `RENAME_EXCHANGE`: both must exist, on one device, neither inside the other.
    mutating func exchange(_ first: String, _ second: String) throws(SystemCallError) {
        func fail(_ code: Int32) -> SystemCallError { SystemCallError(call: "rename exchange", path: "\(first) <-> \(second)", code: code) }
        let one: Lookup
        let other: Lookup
        do throws(SystemCallError) {
            one = try lookup(first, followFinal: false, call: "rename")
            other = try lookup(second, followFinal: false, call: "rename")
        } catch {
            throw fail(error.code)
        }
        guard let oneInode = one.inode, let otherInode = other.inode else { throw fail(ENOENT) }
        if nodes[one.parent]?.device != nodes[other.parent]?.device { throw fail(EXDEV) }
        if mountPoints.contains(oneInode) || mountPoints.contains(otherInode) { throw fail(EBUSY) }
        if oneInode == otherInode { return }
        if isAncestor(oneInode, of: other.parent) || isAncestor(otherInode, of: one.parent) { throw fail(EINVAL) }
        setEntry(one.name, to: otherInode, in: one.parent)
        setEntry(other.name, to: oneInode, in: other.parent)
    }

    /// True when `directory` is `ancestor` or lies below it.
    func isAncestor(_ ancestor: UInt64, of directory: UInt64) -> Bool {
        if ancestor == directory { return true }
        for child in entries(of: ancestor).values where nodes[child]?.isDirectory == true {
            if isAncestor(child, of: directory) { return true }
        }
        return false
    }

    /// A deep copy of `inode` placed on `parent`'s device, keeping modes, times and link text.
    mutating func copy(_ inode: UInt64, into parent: UInt64) -> UInt64 {
        guard let node = nodes[inode] else { return inode }
        let copyInode = nextInode
        nextInode += 1
        var copied = node
        copied.device = nodes[parent]?.device ?? 1
        // Like the real copier: the copy belongs to whoever made it (owners are not kept).
        let parentNode = nodes[parent]
        copied.owner = creator.user
        copied.group = (parentNode?.permissions ?? 0) & 0o2000 != 0 ? parentNode?.group ?? creator.group : creator.group
        nodes[copyInode] = copied
        if case .directory(let entries) = node.content {
            var copiedEntries: [String: UInt64] = [:]
            for (name, child) in entries { copiedEntries[name] = copy(child, into: copyInode) }
            nodes[copyInode]?.content = .directory(copiedEntries)
        }
        return copyInode
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
