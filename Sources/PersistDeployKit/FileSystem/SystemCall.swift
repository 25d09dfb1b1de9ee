import Glibc

/// A failed system call: which call, on which path, and the `errno` it set.
package struct SystemCallError: Error, Equatable, CustomStringConvertible {
    package let call: String
    package let path: String
    package let code: Int32

    package init(call: String, path: String, code: Int32) {
        self.call = call
        self.path = path
        self.code = code
    }

    /// The C library's text for the error, e.g. "No such file or directory".
    package var reason: String { String(cString: strerror(code)) }

    package var description: String { "\(call) '\(path)': \(reason) (errno \(code))" }
}

/// Thin wrappers over the few system calls the tool makes. Each turns the `-1`/`errno` convention
/// into a thrown `SystemCallError` and retries when a signal interrupted the call.
package enum SystemCall {
    /// Runs `body` until it does not fail with `EINTR`; throws on any other failure.
    @discardableResult
    static func retrying<T: BinaryInteger>(
        _ call: String, _ path: String, _ body: () -> T
    ) throws(SystemCallError) -> T {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = errno
            if code != EINTR { throw SystemCallError(call: call, path: path, code: code) }
        }
    }

    /// `lstat(2)` or `stat(2)`; nil when nothing is at `path`.
    package static func status(of path: String, followSymlink: Bool) throws(SystemCallError) -> stat? {
        var info = stat()
        let result = followSymlink ? stat(path, &info) : lstat(path, &info)
        if result == 0 { return info }
        let code = errno
        if code == ENOENT || code == ENOTDIR { return nil }
        throw SystemCallError(call: followSymlink ? "stat" : "lstat", path: path, code: code)
    }

    /// `symlink(2)`: creates a link at `path` whose text is `target`.
    package static func createSymlink(at path: String, target: String) throws(SystemCallError) {
        try retrying("symlink", path) { symlink(target, path) }
    }

    /// `readlink(2)`: the text of the link at `path`.
    package static func readSymlink(at path: String) throws(SystemCallError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = try retrying("readlink", path) { readlink(path, &buffer, buffer.count - 1) }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `rename(2)`: atomically replaces `destination` (a file, link or empty directory).
    package static func rename(_ source: String, to destination: String) throws(SystemCallError) {
        try retrying("rename", "\(source) -> \(destination)") { Glibc.rename(source, destination) }
    }

    /// `renameat2(2)` with `RENAME_NOREPLACE`: fails with `EEXIST` rather than replace anything.
    /// Where the kernel or file system lacks the flag, an `lstat` check then `rename` is used; the
    /// deploy lock keeps other writers of this tool out of that gap.
    package static func renameNoReplace(_ source: String, to destination: String) throws(SystemCallError) {
        let label = "\(source) -> \(destination)"
        if let renameat2 = LinuxOnly.renameat2 {
            while true {
                if renameat2(AT_FDCWD, source, AT_FDCWD, destination, LinuxOnly.renameNoReplace) == 0 { return }
                let code = errno
                if code == EINTR { continue }
                if code == EINVAL || code == ENOSYS { break }
                throw SystemCallError(call: "rename", path: label, code: code)
            }
        }
        if try status(of: destination, followSymlink: false) != nil {
            throw SystemCallError(call: "rename", path: label, code: EEXIST)
        }
        try rename(source, to: destination)
    }

    /// `renameat2(2)` with `RENAME_EXCHANGE`: swaps two existing paths in one step.
    package static func exchange(_ first: String, _ second: String) throws(SystemCallError) {
        guard let renameat2 = LinuxOnly.renameat2 else {
            throw SystemCallError(call: "renameat2", path: first, code: ENOSYS)
        }
        try retrying("rename exchange", "\(first) <-> \(second)") {
            renameat2(AT_FDCWD, first, AT_FDCWD, second, LinuxOnly.renameExchange)
        }
    }

    /// `mkdir(2)`.
    package static func makeDirectory(at path: String, mode: mode_t) throws(SystemCallError) {
        try retrying("mkdir", path) { mkdir(path, mode) }
    }

    /// `unlink(2)` for a file or link; never follows the link.
    package static func unlinkFile(at path: String) throws(SystemCallError) {
        try retrying("unlink", path) { unlink(path) }
    }

    /// `rmdir(2)`.
    package static func removeEmptyDirectory(at path: String) throws(SystemCallError) {
        try retrying("rmdir", path) { rmdir(path) }
    }

    /// `chmod(2)`; callers check first that `path` is not a symlink, since chmod follows links.
    package static func setMode(of path: String, to mode: mode_t) throws(SystemCallError) {
        try retrying("chmod", path) { chmod(path, mode) }
    }

    /// `lchown(2)`: never follows a final link; nil keeps that id (-1 to the kernel).
    package static func setOwner(of path: String, user: UInt32?, group: UInt32?) throws(SystemCallError) {
        try retrying("chown", path) { lchown(path, user ?? UInt32.max, group ?? UInt32.max) }
    }

    /// `open(2)`.
    package static func open(_ path: String, flags: Int32, mode: mode_t = 0) throws(SystemCallError) -> Int32 {
        try retrying("open", path) { Glibc.open(path, flags, mode) }
    }

    /// `fsync(2)` on a directory, which makes renames and new entries in it durable.
    package static func syncDirectory(at path: String) throws(SystemCallError) {
        let descriptor = try open(path, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(descriptor) }
        try retrying("fsync", path) { fsync(descriptor) }
    }

    /// `flock(2)` with `LOCK_EX | LOCK_NB`: true when the lock was taken, false when another
    /// process holds it.
    package static func tryLockExclusive(_ descriptor: Int32, path: String) throws(SystemCallError) -> Bool {
        while true {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
            let code = errno
            if code == EWOULDBLOCK { return false }
            if code != EINTR { throw SystemCallError(call: "flock", path: path, code: code) }
        }
    }

    /// Writes `bytes[range]` to `descriptor`, continuing after short writes.
    package static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], count: Int? = nil, path: String) throws(SystemCallError) {
        let total = count ?? bytes.count
        var offset = 0
        while offset < total {
            let written = try retrying("write", path) {
                bytes.withUnsafeBytes { raw in write(descriptor, raw.baseAddress.map { $0 + offset }, total - offset) }
            }
            offset += written
        }
    }
}

/// Linux calls that Glibc's Swift module hides (they are declared only under `_GNU_SOURCE`),
/// looked up at run time.
enum LinuxOnly {
    typealias Renameat2 = @convention(c) (
        Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32
    ) -> Int32

    /// From <linux/fs.h>.
    static let renameNoReplace: UInt32 = 1 << 0
    static let renameExchange: UInt32 = 1 << 1

    static let renameat2: Renameat2? = dlsym(dlopen(nil, RTLD_NOW), "renameat2").map {
        unsafeBitCast($0, to: Renameat2.self)
    }
}
