import Glibc

/// What kind of thing a path names, seen without following a final symlink.
package enum EntryType: String, Sendable, Codable {
    case directory, file, symlink, other
}

/// The facts the tool reads about a path.
package struct FileStatus: Sendable, Equatable {
    package var type: EntryType
    /// Permission bits only (`0o7777`).
    package var permissions: UInt32
    package var size: Int64
    /// Seconds since 1970 (UTC), with nanoseconds in the fraction.
    package var modificationTime: Double
    /// The same time, exactly, in nanoseconds since 1970: what manifests store and compare (a
    /// `Double` cannot hold every nanosecond of today's dates).
    package var modificationNanoseconds: Int64
    /// The file system the path lives on: two paths with different devices cannot be renamed
    /// into each other.
    package var device: UInt64
    package var inode: UInt64
    /// Seconds since 1970 of the last change of the entry itself (ctime): unlike the
    /// modification time, no copy or archive can set it, so it tells when a folder arrived.
    package var changeTime: Double
    /// The owning user and group ids (`st_uid`, `st_gid`).
    package var owner: UInt32
    package var group: UInt32

    package init(
        type: EntryType, permissions: UInt32, size: Int64 = 0, modificationTime: Double = 0,
        device: UInt64 = 1, inode: UInt64 = 0, modificationNanoseconds: Int64? = nil, owner: UInt32 = 0, group: UInt32 = 0,
        changeTime: Double? = nil
    ) {
        self.type = type
        self.permissions = permissions
        self.size = size
        self.modificationTime = modificationTime
        self.modificationNanoseconds = modificationNanoseconds ?? Int64((modificationTime * 1e9).rounded())
        self.device = device
        self.inode = inode
        self.changeTime = changeTime ?? modificationTime
        self.owner = owner
        self.group = group
    }
}

/// One entry met by `FileSystem.walk`: its path relative to the walked folder and its status.
package struct WalkedEntry: Sendable, Equatable {
    package var path: String
    package var status: FileStatus

    package init(path: String, status: FileStatus) {
        self.path = path
        self.status = status
    }
}

/// The file-system operations the tool uses, and nothing more. Logic receives a `FileSystem`
/// so it can be tested against `InMemoryFileSystem`; only the top level passes the real one.
/// Every failure is a `SystemCallError` carrying the path and `errno`.
package protocol FileSystem: Sendable {
    /// The status of `path`, or nil when nothing is there.
    func status(at path: String, followSymlink: Bool) throws(SystemCallError) -> FileStatus?
    /// The names in a directory, sorted bytewise, without `.` and `..`.
    func listDirectory(at path: String) throws(SystemCallError) -> [String]
    /// The names in a directory with the type of each (a link's own type, never its target's),
    /// sorted bytewise: `readdir` reports the types, so no name costs a `stat` where the file
    /// system fills them in. A name gone before its type was read is left out.
    func listDirectoryWithTypes(at path: String) throws(SystemCallError) -> [(name: String, type: EntryType)]
    /// `listDirectoryWithTypes`, keeping only folders and the other entries whose name, as raw
    /// bytes, passes `keep`: a folder of 54,000 images costs no string and no sort per image.
    func listDirectoryWithTypes(
        at path: String, keeping keep: (UnsafeBufferPointer<UInt8>) -> Bool
    ) throws(SystemCallError) -> [(name: String, type: EntryType)]
    /// Up to `limit` names in a directory, in no particular order: enough to tell an empty or
    /// placeholder-only folder from one holding data without reading all of it.
    func someNames(in directory: String, limit: Int) throws(SystemCallError) -> [String]
    /// Every non-directory entry below `directory` (files and symlinks, never followed), as
    /// paths relative to it, sorted.
    func files(under directory: String) throws(SystemCallError) -> [String]
    /// Calls `body` with each path `files(under:)` lists, in no particular order, until it
    /// returns false: a test that one file can decide stops there, however many the folder holds.
    func visitFiles(under directory: String, _ body: (String) throws(SystemCallError) -> Bool) throws(SystemCallError)
    /// Every entry below `directory` (folders, files, links and others) with its `lstat` facts,
    /// parents before their children, never following a link: what a release manifest records.
    func walk(_ directory: String) throws(SystemCallError) -> [WalkedEntry]
    /// `walk`, one entry at a time, with its path as raw bytes valid only during the call: a
    /// release of 60,000 files is compared with its manifest without a string per entry. `visit`
    /// returns whether to enter the entry when it is a folder (false: its contents are skipped).
    func visitTree(
        _ directory: String, _ visit: (_ path: UnsafeBufferPointer<UInt8>, _ status: FileStatus) throws(SystemCallError) -> Bool
    ) throws(SystemCallError)
    func readFile(at path: String) throws(SystemCallError) -> [UInt8]
    /// Up to `count` bytes of the file at `path` from byte `offset` on (fewer at its end), so a
    /// log can be read from its end without reading all of it.
    func readBytes(at path: String, offset: Int64, count: Int) throws(SystemCallError) -> [UInt8]
    /// Appends `contents` in one `write(2)` on a descriptor opened with `O_APPEND` (creating the
    /// file with `permissions` when missing, never following a final link), then `fsync`s it,
    /// and its directory when the file is new. Nothing already in the file is rewritten.
    func appendFile(at path: String, contents: [UInt8], permissions: UInt32) throws(SystemCallError)
    /// Writes through a temporary name and a rename, so readers see the old or the new file.
    func writeFile(at path: String, contents: [UInt8], permissions: UInt32) throws(SystemCallError)
    /// Creates `path` and any missing parents; succeeds when it is already a directory.
    func createDirectory(at path: String, permissions: UInt32) throws(SystemCallError)
    func createSymlink(at path: String, target: String) throws(SystemCallError)
    func readSymlink(at path: String) throws(SystemCallError) -> String
    /// Renames `source`; with `replacing: false` it fails with `EEXIST` rather than replace.
    /// Fails with `EXDEV` across file systems.
    func rename(_ source: String, to destination: String, replacing: Bool) throws(SystemCallError)
    /// Swaps two existing entries in one step (`renameat2` with `RENAME_EXCHANGE`), so a real
    /// folder can become a link with no moment where neither is there. Fails with `EINVAL` or
    /// `ENOSYS` where the file system or kernel cannot; callers then take two steps.
    func exchange(_ first: String, _ second: String) throws(SystemCallError)
    /// Removes a file, link or whole directory tree; never follows a symlink out of it.
    func removeTree(at path: String) throws(SystemCallError)
    /// Copies a tree keeping modes, times and symlinks as symlinks; fails if `destination` exists.
    func copyTree(from source: String, to destination: String) throws(SystemCallError)
    /// Sets permission bits; refuses a symlink (chmod would act on what it points to).
    func setPermissions(at path: String, to permissions: UInt32) throws(SystemCallError)
    /// Makes the directory's entries (new names, renames) durable.
    func syncDirectory(at path: String) throws(SystemCallError)
    /// Changes the owner and/or group of `path` itself, never what a link points at (lchown(2));
    /// nil leaves that id as it is. Only root may give a file away (`EPERM` otherwise).
    func setOwner(at path: String, user: UInt32?, group: UInt32?) throws(SystemCallError)
}

extension FileSystem {
    /// Through the whole listing, for file systems with no faster way.
    package func listDirectoryWithTypes(
        at path: String, keeping keep: (UnsafeBufferPointer<UInt8>) -> Bool
    ) throws(SystemCallError) -> [(name: String, type: EntryType)] {
        try listDirectoryWithTypes(at: path).filter { entry in
            entry.type == .directory || NameBytes.bytes(entry.name).withUnsafeBufferPointer(keep)
        }
    }

    /// Through `files(under:)`, for file systems with no faster way.
    package func visitFiles(under directory: String, _ body: (String) throws(SystemCallError) -> Bool) throws(SystemCallError) {
        for file in try files(under: directory) where !(try body(file)) { return }
    }

    /// Through `walk`, for file systems with no faster way.
    package func visitTree(
        _ directory: String, _ visit: (_ path: UnsafeBufferPointer<UInt8>, _ status: FileStatus) throws(SystemCallError) -> Bool
    ) throws(SystemCallError) {
        var skipped: [UInt8]?  // a folder not entered: the entries below it are passed over
        for item in try walk(directory) {
            let bytes = NameBytes.bytes(item.path)
            if let prefix = skipped, bytes.count > prefix.count, bytes[prefix.count] == UInt8(ascii: "/"), bytes.starts(with: prefix) { continue }
            skipped = nil
            let enter = try bytes.withUnsafeBufferPointer { path throws(SystemCallError) in try visit(path, item.status) }
            if !enter, item.status.type == .directory { skipped = bytes }
        }
    }

    /// Without a native swap: the caller's fallback runs.
    package func exchange(_ first: String, _ second: String) throws(SystemCallError) {
        throw SystemCallError(call: "rename exchange", path: "\(first) <-> \(second)", code: ENOSYS)
    }

    /// One `status` a name, for file systems that have no cheaper way.
    package func listDirectoryWithTypes(at path: String) throws(SystemCallError) -> [(name: String, type: EntryType)] {
        var listed: [(name: String, type: EntryType)] = []
        for name in try listDirectory(at: path) {
            if let type = try type(at: PathName.join(path, name)) { listed.append((name, type)) }
        }
        return listed
    }

    /// The type of what is at `path` without following a final link; nil when nothing is there.
    package func type(at path: String) throws(SystemCallError) -> EntryType? {
        try status(at: path, followSymlink: false)?.type
    }

    package func exists(_ path: String) throws(SystemCallError) -> Bool {
        try status(at: path, followSymlink: false) != nil
    }

    /// True when both are regular files (links not followed) holding the same bytes, read in
    /// chunks of 1 MiB, so a large upload is never held whole.
    package func sameContents(_ a: String, _ b: String) throws(SystemCallError) -> Bool {
        guard let first = try status(at: a, followSymlink: false), first.type == .file,
            let second = try status(at: b, followSymlink: false), second.type == .file, first.size == second.size
        else { return false }
        let chunk = 1 << 20
        var offset: Int64 = 0
        while offset < first.size {
            let left = try readBytes(at: a, offset: offset, count: chunk)
            let right = try readBytes(at: b, offset: offset, count: chunk)
            guard left == right, !left.isEmpty else { return false }
            offset += Int64(left.count)
        }
        return true
    }

    /// The paths under `folder` (relative, sorted) whose namesake under `other` is something
    /// else: other bytes, a link with other text, or another kind of entry. These are the clashes
    /// a merge of the two folders cannot settle without choosing which copy is kept at the name;
    /// files only one side holds, and identical copies, are not among them.
    package func differingCopies(of folder: String, in other: String) throws(SystemCallError) -> [String] {
        var differing: [String] = []
        for file in try files(under: folder) {
            let own = PathName.join(folder, file)
            let stored = PathName.join(other, file)
            let storedType: EntryType?
            do {
                storedType = try type(at: stored)
            } catch where error.code == ENOTDIR {
                // `other` holds a file where `folder` holds a folder on the way to this one.
                differing.append(file)
                continue
            }
            guard let storedType else { continue }
            if storedType == .symlink, try type(at: own) == .symlink,
                PathName.sameBytes(try readSymlink(at: own), try readSymlink(at: stored)) { continue }
            if try !sameContents(own, stored) { differing.append(file) }
        }
        return differing
    }

    /// True when `path` is a directory, or a link that resolves to one.
    package func isDirectory(_ path: String, followSymlink: Bool = false) throws(SystemCallError) -> Bool {
        try status(at: path, followSymlink: followSymlink)?.type == .directory
    }

    /// The file as text, with bytes that are not UTF-8 kept as `NameBytes` escapes: a name in a
    /// record or script reads back as the same name.
    package func readText(at path: String) throws(SystemCallError) -> String {
        NameBytes.string(try readFile(at: path))
    }

    /// Writes `text` with every `NameBytes` escape as the byte it stands for: a path in a script,
    /// guide or record is written as its real bytes, so `bash` (and `readText`) find the file.
    package func writeText(_ text: String, to path: String, permissions: UInt32 = 0o644) throws(SystemCallError) {
        try writeFile(at: path, contents: NameBytes.bytes(text), permissions: permissions)
    }
}
