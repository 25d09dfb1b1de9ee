import Glibc

/// The descriptor-relative calls that backups need: a snapshot walks shared/ and writes its copy
/// through directory descriptors, so no link on the way is ever followed and names stay raw bytes
/// (`[CChar]`, NUL-terminated, from `readdir` or `NameBytes.cString`). `label` is the path shown
/// in an error, built only when one happens: a snapshot makes a few calls for each of hundreds of
/// thousands of files. Calls that change the disk pass the crash hook first.
extension SystemCall {
    /// `retrying` with the label built only on failure.
    @discardableResult @inline(__always)
    static func retrying<T: BinaryInteger>(
        _ call: String, lazy label: () -> String, _ body: () -> T
    ) throws(SystemCallError) -> T {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = errno
            if code != EINTR { throw SystemCallError(call: call, path: label(), code: code) }
        }
    }

    /// `retrying` for a call that changes the disk, counted by the crash hook on entry.
    @discardableResult @inline(__always)
    static func changing<T: BinaryInteger>(
        _ call: String, lazy label: () -> String, _ body: () -> T
    ) throws(SystemCallError) -> T {
        CrashHook.willChange()
        return try retrying(call, lazy: label, body)
    }

    /// `fstatat(2)` without following a final link; nil when nothing is there.
    package static func status(
        of name: UnsafePointer<CChar>, in directory: Int32, label: @autoclosure () -> String
    ) throws(SystemCallError) -> stat? {
        var info = stat()
        while true {
            if fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 { return info }
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT || code == ENOTDIR { return nil }
            throw SystemCallError(call: "lstat", path: label(), code: code)
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
        _ name: [CChar], in directory: Int32, flags: Int32, mode: mode_t = 0, label: @autoclosure () -> String
    ) throws(SystemCallError) -> Int32 {
        if opensForChange(flags) { CrashHook.willChange() }
        return try retrying("open", lazy: label) { openat(directory, name, flags, mode) }
    }

    /// `mkdirat(2)`.
    package static func makeDirectory(
        _ name: [CChar], in directory: Int32, mode: mode_t, label: @autoclosure () -> String
    ) throws(SystemCallError) {
        try changing("mkdir", lazy: label) { mkdirat(directory, name, mode) }
    }

    /// `linkat(2)` without following a final link: a second name for the same inode.
    package static func hardLink(
        _ sourceName: [CChar], in sourceDirectory: Int32,
        as name: [CChar], in directory: Int32, label: @autoclosure () -> String
    ) throws(SystemCallError) {
        try changing("link", lazy: label) { linkat(sourceDirectory, sourceName, directory, name, 0) }
    }

    /// `readlinkat(2)`: the link's text, NUL-terminated (raw bytes: a snapshot copies it as it is).
    package static func readSymlink(
        _ name: [CChar], in directory: Int32, label: @autoclosure () -> String
    ) throws(SystemCallError) -> [CChar] {
        var text = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = try retrying("readlink", lazy: label) { readlinkat(directory, name, &text, text.count - 1) }
        return Array(text[..<length]) + [0]
    }

    /// `symlinkat(2)`: creates `name` holding `target` (NUL-terminated).
    package static func createSymlink(
        _ name: [CChar], in directory: Int32, target: [CChar], label: @autoclosure () -> String
    ) throws(SystemCallError) {
        try changing("symlink", lazy: label) { symlinkat(target, directory, name) }
    }

    /// `read(2)` into `buffer`; 0 at the end of the file.
    package static func read(
        _ descriptor: Int32, into buffer: inout [UInt8], label: @autoclosure () -> String
    ) throws(SystemCallError) -> Int {
        try retrying("read", lazy: label) {
            buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        }
    }

    /// `write(2)` of `buffer[..<count]`, continuing after short writes.
    package static func writeAll(
        _ descriptor: Int32, _ buffer: [UInt8], count: Int, label: @autoclosure () -> String
    ) throws(SystemCallError) {
        var offset = 0
        while offset < count {
            offset += try changing("write", lazy: label) {
                buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, count - offset) }
            }
        }
    }

    /// `pread(2)` of up to `count` bytes at `offset` into `buffer[index...]`; 0 at the end.
    package static func read(
        _ descriptor: Int32, at offset: Int, into buffer: inout [UInt8], index: Int, count: Int, label: String
    ) throws(SystemCallError) -> Int {
        precondition(index >= 0 && count >= 0 && index + count <= buffer.count)
        return try retrying("read", label) {
            buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + index, count, off_t(offset)) }
        }
    }

    /// `fchmod(2)`: the permission bits of an open file or directory.
    package static func setMode(
        of descriptor: Int32, to mode: mode_t, label: @autoclosure () -> String
    ) throws(SystemCallError) {
        try changing("chmod", lazy: label) { fchmod(descriptor, mode) }
    }

    /// `futimens(2)`: access and modification times of an open file or directory.
    package static func setTimes(
        of descriptor: Int32, access: timespec, modification: timespec, label: @autoclosure () -> String
    ) throws(SystemCallError) {
        var times = (access, modification)
        try changing("utimens", lazy: label) {
            withUnsafePointer(to: &times) { $0.withMemoryRebound(to: timespec.self, capacity: 2) { futimens(descriptor, $0) } }
        }
    }

    /// `utimensat(2)` on a link itself (`AT_SYMLINK_NOFOLLOW`).
    package static func setSymlinkTimes(
        _ name: [CChar], in directory: Int32, access: timespec, modification: timespec,
        label: @autoclosure () -> String
    ) throws(SystemCallError) {
        var times = [access, modification]
        try changing("utimens", lazy: label) { utimensat(directory, name, &times, AT_SYMLINK_NOFOLLOW) }
    }

    /// `syncfs(2)`: flushes the whole file system holding `descriptor`, one call instead of an
    /// `fsync` per file of a snapshot. Where the C library lacks it, `sync(2)` does the same for
    /// every file system.
    package static func syncFileSystem(of descriptor: Int32, label: String) throws(SystemCallError) {
        guard let syncfs = SnapshotCalls.syncfs else {
            CrashHook.willChange()
            Glibc.sync()
            return
        }
        try changing("syncfs", label) { syncfs(descriptor) }
    }

    /// `access(2)` with `W_OK`: whether this process may write `path` (owner, groups, root).
    package static func isWritable(_ path: String) -> Bool {
        NameBytes.withCString(path) { cPath in access(cPath, W_OK) == 0 }
    }

    /// `statvfs(2)`: bytes available to an unprivileged user and the file system's size.
    package static func space(at path: String) throws(SystemCallError) -> (available: UInt64, total: UInt64) {
        var info = statvfs()
        try onPath("statvfs", path) { cPath in statvfs(cPath, &info) }
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

extension SystemCall {
    /// Online processors (`sysconf`), at least 1.
    package static var processorCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Calls `body(worker)` for worker 0 on this thread and 1..<workers on new POSIX threads, and
    /// returns when all have returned. Falls back to fewer threads when one cannot be started.
    package static func runOnThreads(_ workers: Int, _ body: @escaping @Sendable (Int) -> Void) {
        final class Start: @unchecked Sendable {
            let body: @Sendable (Int) -> Void
            let worker: Int
            init(_ body: @escaping @Sendable (Int) -> Void, _ worker: Int) {
                self.body = body
                self.worker = worker
            }
        }
        var threads: [pthread_t] = []
        for worker in 1..<max(1, workers) {
            let start = Unmanaged.passRetained(Start(body, worker)).toOpaque()
            var thread = pthread_t()
            let result = pthread_create(&thread, nil, { raw in
                let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
                start.body(start.worker)
                return nil
            }, start)
            if result != 0 {
                Unmanaged<Start>.fromOpaque(start).release()
                break
            }
            threads.append(thread)
        }
        body(0)
        for thread in threads { pthread_join(thread, nil) }
    }
}

/// A mutex-guarded counter handing out job numbers to worker threads.
package final class JobCounter: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var next = 0
    private let count: Int

    package init(count: Int) {
        self.count = count
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// The next job's number, or nil when all were handed out.
    package func take() -> Int? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}
