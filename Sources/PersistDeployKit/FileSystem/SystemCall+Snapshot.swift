import Glibc

/// The descriptor-relative calls that backups need: a snapshot walks shared/ and writes its copy
/// through directory descriptors, so no link on the way is ever followed and names stay raw bytes
/// (`[CChar]`, NUL-terminated). `label` is the path shown in an error.
extension SystemCall {
    /// `fstatat(2)` without following a final link; nil when nothing is there.
    package static func status(
        of name: [CChar], in directory: Int32, label: String
    ) throws(SystemCallError) -> stat? {
        var info = stat()
        while true {
            if fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 { return info }
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT || code == ENOTDIR { return nil }
            throw SystemCallError(call: "lstat", path: label, code: code)
        }
    }

    /// `fstat(2)` on an open descriptor.
    package static func status(of descriptor: Int32, label: String) throws(SystemCallError) -> stat {
        var info = stat()
        try retrying("fstat", label) { fstat(descriptor, &info) }
        return info
    }

    /// `openat(2)`; callers pass `O_NOFOLLOW` when a final link must not be followed.
    package static func open(
        _ name: [CChar], in directory: Int32, flags: Int32, mode: mode_t = 0, label: String
    ) throws(SystemCallError) -> Int32 {
        try retrying("open", label) { openat(directory, name, flags, mode) }
    }

    /// `mkdirat(2)`.
    package static func makeDirectory(
        _ name: [CChar], in directory: Int32, mode: mode_t, label: String
    ) throws(SystemCallError) {
        try retrying("mkdir", label) { mkdirat(directory, name, mode) }
    }

    /// `linkat(2)` without following a final link: a second name for the same inode.
    package static func hardLink(
        _ sourceName: [CChar], in sourceDirectory: Int32,
        as name: [CChar], in directory: Int32, label: String
    ) throws(SystemCallError) {
        try retrying("link", label) { linkat(sourceDirectory, sourceName, directory, name, 0) }
    }

    /// `readlinkat(2)`: the link's text, NUL-terminated.
    package static func readSymlink(_ name: [CChar], in directory: Int32, label: String) throws(SystemCallError) -> [CChar] {
        var text = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = try retrying("readlink", label) { readlinkat(directory, name, &text, text.count - 1) }
        return Array(text[..<length]) + [0]
    }

    /// `symlinkat(2)`: creates `name` holding `target` (NUL-terminated).
    package static func createSymlink(
        _ name: [CChar], in directory: Int32, target: [CChar], label: String
    ) throws(SystemCallError) {
        try retrying("symlink", label) { symlinkat(target, directory, name) }
    }

    /// `read(2)` into `buffer`; 0 at the end of the file.
    package static func read(_ descriptor: Int32, into buffer: inout [UInt8], label: String) throws(SystemCallError) -> Int {
        try retrying("read", label) {
            buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        }
    }

    /// `fchmod(2)`: the permission bits of an open file or directory.
    package static func setMode(of descriptor: Int32, to mode: mode_t, label: String) throws(SystemCallError) {
        try retrying("chmod", label) { fchmod(descriptor, mode) }
    }

    /// `futimens(2)`: access and modification times of an open file or directory.
    package static func setTimes(
        of descriptor: Int32, access: timespec, modification: timespec, label: String
    ) throws(SystemCallError) {
        var times = [access, modification]
        try retrying("utimens", label) { futimens(descriptor, &times) }
    }

    /// `utimensat(2)` on a link itself (`AT_SYMLINK_NOFOLLOW`).
    package static func setSymlinkTimes(
        _ name: [CChar], in directory: Int32, access: timespec, modification: timespec, label: String
    ) throws(SystemCallError) {
        var times = [access, modification]
        try retrying("utimens", label) { utimensat(directory, name, &times, AT_SYMLINK_NOFOLLOW) }
    }

    /// `syncfs(2)`: flushes the whole file system holding `descriptor`, one call instead of an
    /// `fsync` per file of a snapshot. Where the C library lacks it, `sync(2)` does the same for
    /// every file system.
    package static func syncFileSystem(of descriptor: Int32, label: String) throws(SystemCallError) {
        guard let syncfs = SnapshotCalls.syncfs else {
            sync()
            return
        }
        try retrying("syncfs", label) { syncfs(descriptor) }
    }

    /// `statvfs(2)`: bytes available to an unprivileged user and the file system's size.
    package static func space(at path: String) throws(SystemCallError) -> (available: UInt64, total: UInt64) {
        var info = statvfs()
        try retrying("statvfs", path) { statvfs(path, &info) }
        let block = UInt64(info.f_frsize == 0 ? info.f_bsize : info.f_frsize)
        return (UInt64(info.f_bavail) * block, UInt64(info.f_blocks) * block)
    }
}

/// `syncfs` is declared only under `_GNU_SOURCE`, which Glibc's Swift module hides; looked up at
/// run time like `renameat2`.
private enum SnapshotCalls {
    typealias SyncFileSystem = @convention(c) (Int32) -> Int32

    static let syncfs: SyncFileSystem? = dlsym(dlopen(nil, RTLD_NOW), "syncfs").map {
        unsafeBitCast($0, to: SyncFileSystem.self)
    }
}
