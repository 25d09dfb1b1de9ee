import Glibc

/// A file system that gives what it creates to the owner of the deploy root. Run as root on a
/// root that another user owns, a deploy would otherwise leave releases, links, `current`,
/// shared folders and records owned by root: Apache's `SymLinksIfOwnerMatch` (and nginx's
/// `disable_symlinks if_not_owner`) then refuses every link, and the next deploy run as that
/// user cannot replace them. Only entries root made (user or group id 0) change; a group passed
/// on by a setgid folder (the web group) stays. Links are changed themselves (lchown), never
/// what they point at.
package struct OwningFileSystem: FileSystem {
    package let base: any FileSystem
    package let user: UInt32
    package let group: UInt32

    package init(base: any FileSystem, user: UInt32, group: UInt32) {
        self.base = base
        self.user = user
        self.group = group
    }

    /// `fileSystem` wrapped for `root` when this process runs as root and the root (or, before it
    /// exists, its nearest existing parent) belongs to another user; `fileSystem` itself otherwise.
    package static func forRoot(_ root: String, fileSystem: any FileSystem, runningAsRoot: Bool = geteuid() == 0) -> any FileSystem {
        guard runningAsRoot, !(fileSystem is OwningFileSystem) else { return fileSystem }
        var path = PathName.normalize(root)
        while true {
            if let status = try? fileSystem.status(at: path, followSymlink: true) {
                guard status.owner != 0 else { return fileSystem }
                return OwningFileSystem(base: fileSystem, user: status.owner, group: status.group)
            }
            let parent = PathName.parent(path)
            if parent == path { return fileSystem }
            path = parent
        }
    }

    /// Gives `path` itself to the owner when root made it.
    package func claim(_ path: String) throws(SystemCallError) {
        guard let status = try base.status(at: path, followSymlink: false) else { return }
        let newUser = status.owner == 0 ? user : nil
        let newGroup = status.group == 0 ? group : nil
        if newUser != nil || newGroup != nil {
            try base.setOwner(at: path, user: newUser, group: newGroup)
        }
    }

    /// Gives `path` and everything below it to the owner where root made it; never follows a link.
    package func claimTree(_ path: String) throws(SystemCallError) {
        try claim(path)
        guard try base.type(at: path) == .directory else { return }
        for name in try base.listDirectory(at: path) {
            try claimTree(PathName.join(path, name))
        }
    }

    package func status(at path: String, followSymlink: Bool) throws(SystemCallError) -> FileStatus? {
        try base.status(at: path, followSymlink: followSymlink)
    }

    package func listDirectory(at path: String) throws(SystemCallError) -> [String] {
        try base.listDirectory(at: path)
    }

    package func listDirectoryWithTypes(at path: String) throws(SystemCallError) -> [(name: String, type: EntryType)] {
        try base.listDirectoryWithTypes(at: path)
    }

    package func listDirectoryWithTypes(
        at path: String, keeping keep: (UnsafeBufferPointer<UInt8>) -> Bool
    ) throws(SystemCallError) -> [(name: String, type: EntryType)] {
        try base.listDirectoryWithTypes(at: path, keeping: keep)
    }

    package func someNames(in directory: String, limit: Int) throws(SystemCallError) -> [String] {
        try base.someNames(in: directory, limit: limit)
    }

    package func files(under directory: String) throws(SystemCallError) -> [String] {
        try base.files(under: directory)
    }

    package func visitFiles(under directory: String, _ body: (String) throws(SystemCallError) -> Bool) throws(SystemCallError) {
        try base.visitFiles(under: directory, body)
    }

    package func walk(_ directory: String) throws(SystemCallError) -> [WalkedEntry] {
        try base.walk(directory)
    }

    package func visitTree(
        _ directory: String, _ visit: (_ path: UnsafeBufferPointer<UInt8>, _ status: FileStatus) throws(SystemCallError) -> Bool
    ) throws(SystemCallError) {
        try base.visitTree(directory, visit)
    }

    package func readFile(at path: String) throws(SystemCallError) -> [UInt8] {
        try base.readFile(at: path)
    }

    package func writeFile(at path: String, contents: [UInt8], permissions: UInt32) throws(SystemCallError) {
        try base.writeFile(at: path, contents: contents, permissions: permissions)
        try claim(path)
    }

    package func readBytes(at path: String, offset: Int64, count: Int) throws(SystemCallError) -> [UInt8] {
        try base.readBytes(at: path, offset: offset, count: count)
    }

    package func appendFile(at path: String, contents: [UInt8], permissions: UInt32) throws(SystemCallError) {
        let existed = try base.status(at: path, followSymlink: false) != nil
        try base.appendFile(at: path, contents: contents, permissions: permissions)
        if !existed { try claim(path) }
    }

    package func createDirectory(at path: String, permissions: UInt32) throws(SystemCallError) {
        // The folders missing now are the ones this call makes, outermost first.
        var missing: [String] = []
        var probe = PathName.normalize(path)
        while try base.status(at: probe, followSymlink: true) == nil {
            missing.insert(probe, at: 0)
            let parent = PathName.parent(probe)
            if parent == probe { break }
            probe = parent
        }
        try base.createDirectory(at: path, permissions: permissions)
        for created in missing { try claim(created) }
    }

    package func createSymlink(at path: String, target: String) throws(SystemCallError) {
        try base.createSymlink(at: path, target: target)
        try claim(path)
    }

    package func readSymlink(at path: String) throws(SystemCallError) -> String {
        try base.readSymlink(at: path)
    }

    package func rename(_ source: String, to destination: String, replacing: Bool) throws(SystemCallError) {
        try base.rename(source, to: destination, replacing: replacing)
    }

    /// Swaps two entries: nothing new is made, so nothing to give away.
    package func exchange(_ first: String, _ second: String) throws(SystemCallError) {
        try base.exchange(first, second)
    }

    package func removeTree(at path: String) throws(SystemCallError) {
        try base.removeTree(at: path)
    }

    package func copyTree(from source: String, to destination: String) throws(SystemCallError) {
        try base.copyTree(from: source, to: destination)
        try claimTree(destination)
    }

    package func setPermissions(at path: String, to permissions: UInt32) throws(SystemCallError) {
        try base.setPermissions(at: path, to: permissions)
    }

    package func syncDirectory(at path: String) throws(SystemCallError) {
        try base.syncDirectory(at: path)
    }

    package func setOwner(at path: String, user: UInt32?, group: UInt32?) throws(SystemCallError) {
        try base.setOwner(at: path, user: user, group: group)
    }
}
