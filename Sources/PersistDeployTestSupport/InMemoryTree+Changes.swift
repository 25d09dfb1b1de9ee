import Glibc
import PersistDeployKit

/// What changes the in-memory tree: nodes made and released, entries set and removed, rename,
/// exchange and copy with the kernel's refusals.
extension Tree {
    mutating func makeNode(_ content: Node.Content, permissions: UInt32, in parent: UInt64) -> UInt64 {
        let inode = nextInode
        nextInode += 1
        // A folder with the setgid bit passes its group on, as on Linux.
        let parentNode = nodes[parent]
        let group = (parentNode?.permissions ?? 0) & 0o2000 != 0 ? parentNode?.group ?? creator.group : creator.group
        let time = tick()
        nodes[inode] = Node(
            content: content, permissions: permissions, modificationTime: time,
            device: parentNode?.device ?? 1, changeTime: time, owner: creator.user, group: group)
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
        let changed = tick()
        nodes[moving]?.changeTime = changed
    }

    /// `renameat2(RENAME_EXCHANGE)`: both must exist, on one device, neither inside the other.
    mutating func exchange(_ first: String, _ second: String) throws(SystemCallError) {
        let label = "\(first) <-> \(second)"
        func fail(_ code: Int32) -> SystemCallError { SystemCallError(call: "rename exchange", path: label, code: code) }
        let a: Lookup
        let b: Lookup
        do throws(SystemCallError) {
            a = try lookup(first, followFinal: false, call: "rename")
            b = try lookup(second, followFinal: false, call: "rename")
        } catch {
            throw fail(error.code)
        }
        guard let inodeA = a.inode, let inodeB = b.inode else { throw fail(ENOENT) }
        if nodes[a.parent]?.device != nodes[b.parent]?.device { throw fail(EXDEV) }
        if mountPoints.contains(inodeA) || mountPoints.contains(inodeB) { throw fail(EBUSY) }
        if inodeA == inodeB { return }
        if isAncestor(inodeA, of: b.parent) || isAncestor(inodeB, of: a.parent) { throw fail(EINVAL) }
        setEntry(a.name, to: inodeB, in: a.parent)
        setEntry(b.name, to: inodeA, in: b.parent)
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
        copied.changeTime = tick()
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
}
