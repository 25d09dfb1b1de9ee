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
/// into a thrown `SystemCallError` and retries when a signal interrupted the call. Every path goes
/// to the kernel as its bytes (`NameBytes`), never through Swift's implicit String-to-C-string
/// conversion, which would send the escapes' UTF-8 instead; every call that changes the disk
/// passes the crash hook first (`CrashHook`).
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

    /// `retrying` with `path` passed to `body` as the C string of its bytes. `changes` marks a
    /// call that changes the disk, counted by the crash hook on entry.
    @discardableResult
    static func onPath<T: BinaryInteger>(
        _ call: String, _ path: String, changes: Bool = false, _ body: (UnsafePointer<CChar>) -> T
    ) throws(SystemCallError) -> T {
        if changes { CrashHook.willChange() }
        return try NameBytes.withCString(path) { cPath throws(SystemCallError) in
            try retrying(call, path) { body(cPath) }
        }
    }

    /// `onPath` for a call on two paths (rename, symlink).
    @discardableResult
    static func onPaths<T: BinaryInteger>(
        _ call: String, _ first: String, _ second: String, label: String, changes: Bool = false,
        _ body: (UnsafePointer<CChar>, UnsafePointer<CChar>) -> T
    ) throws(SystemCallError) -> T {
        if changes { CrashHook.willChange() }
        return try NameBytes.withCString(first) { cFirst throws(SystemCallError) in
            try NameBytes.withCString(second) { cSecond throws(SystemCallError) in
                try retrying(call, label) { body(cFirst, cSecond) }
            }
        }
    }

    /// `retrying` for a call on an open descriptor that changes the disk (write, fchmod, fsync).
    @discardableResult
    static func changing<T: BinaryInteger>(_ call: String, _ label: String, _ body: () -> T) throws(SystemCallError) -> T {
        CrashHook.willChange()
        return try retrying(call, label, body)
    }

    /// `lstat(2)` or `stat(2)`; nil when nothing is at `path`.
    package static func status(of path: String, followSymlink: Bool) throws(SystemCallError) -> stat? {
        var info = stat()
        let code: Int32 = NameBytes.withCString(path) { cPath in
            while true {
                if (followSymlink ? stat(cPath, &info) : lstat(cPath, &info)) == 0 { return 0 }
                if errno != EINTR { return errno }
            }
        }
        if code == 0 { return info }
        if code == ENOENT || code == ENOTDIR { return nil }
        throw SystemCallError(call: followSymlink ? "stat" : "lstat", path: path, code: code)
    }

    /// `symlink(2)`: creates a link at `path` whose text is `target`.
    package static func createSymlink(at path: String, target: String) throws(SystemCallError) {
        try onPaths("symlink", target, path, label: path, changes: true) { cTarget, cPath in symlink(cTarget, cPath) }
    }

    /// `readlink(2)`: the text of the link at `path`.
    package static func readSymlink(at path: String) throws(SystemCallError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = try onPath("readlink", path) { cPath in readlink(cPath, &buffer, buffer.count - 1) }
        return NameBytes.string(buffer[..<length].map { UInt8(bitPattern: $0) })
    }

    /// `rename(2)`: atomically replaces `destination` (a file, link or empty directory).
    package static func rename(_ source: String, to destination: String) throws(SystemCallError) {
        try onPaths("rename", source, destination, label: "\(source) -> \(destination)", changes: true) { cSource, cDestination in
            Glibc.rename(cSource, cDestination)
        }
    }

    /// `renameat2(2)` with `RENAME_NOREPLACE`: fails with `EEXIST` rather than replace anything.
    /// Where the kernel or file system lacks the flag, an `lstat` check then `rename` is used; the
    /// deploy lock keeps other writers of this tool out of that gap.
    package static func renameNoReplace(_ source: String, to destination: String) throws(SystemCallError) {
        let label = "\(source) -> \(destination)"
        if let renameat2 = LinuxOnly.renameat2 {
            do {
                try onPaths("rename", source, destination, label: label, changes: true) { cSource, cDestination in
                    renameat2(AT_FDCWD, cSource, AT_FDCWD, cDestination, LinuxOnly.renameNoReplace)
                }
                return
            } catch where error.code == EINVAL || error.code == ENOSYS {
                // Not supported here: checked by hand below.
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
        try onPaths("rename exchange", first, second, label: "\(first) <-> \(second)", changes: true) { cFirst, cSecond in
            renameat2(AT_FDCWD, cFirst, AT_FDCWD, cSecond, LinuxOnly.renameExchange)
        }
    }

    /// `mkdir(2)`.
    package static func makeDirectory(at path: String, mode: mode_t) throws(SystemCallError) {
        try onPath("mkdir", path, changes: true) { cPath in mkdir(cPath, mode) }
    }

    /// `unlink(2)` for a file or link; never follows the link.
    package static func unlinkFile(at path: String) throws(SystemCallError) {
        try onPath("unlink", path, changes: true) { cPath in Glibc.unlink(cPath) }
    }

    /// `rmdir(2)`.
    package static func removeEmptyDirectory(at path: String) throws(SystemCallError) {
        try onPath("rmdir", path, changes: true) { cPath in rmdir(cPath) }
    }

    /// `chmod(2)`; callers check first that `path` is not a symlink, since chmod follows links.
    package static func setMode(of path: String, to mode: mode_t) throws(SystemCallError) {
        try onPath("chmod", path, changes: true) { cPath in chmod(cPath, mode) }
    }

    /// `lchown(2)`: never follows a final link; nil keeps that id (-1 to the kernel).
    package static func setOwner(of path: String, user: UInt32?, group: UInt32?) throws(SystemCallError) {
        try onPath("chown", path, changes: true) { cPath in lchown(cPath, user ?? UInt32.max, group ?? UInt32.max) }
    }

    /// `open(2)`; counted by the crash hook when it may create or change the file.
    package static func open(_ path: String, flags: Int32, mode: mode_t = 0) throws(SystemCallError) -> Int32 {
        try onPath("open", path, changes: opensForChange(flags)) { cPath in Glibc.open(cPath, flags, mode) }
    }

    /// True for open flags that create, truncate or allow writing.
    static func opensForChange(_ flags: Int32) -> Bool {
        flags & O_ACCMODE != O_RDONLY || flags & (O_CREAT | O_TRUNC) != 0
    }

    /// `fsync(2)` on a directory, which makes renames and new entries in it durable.
    package static func syncDirectory(at path: String) throws(SystemCallError) {
        let descriptor = try open(path, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(descriptor) }
        try sync(descriptor, label: path)
    }

    /// `fsync(2)` on an open file or directory.
    package static func sync(_ descriptor: Int32, label: String) throws(SystemCallError) {
        try changing("fsync", label) { fsync(descriptor) }
    }

    /// `ftruncate(2)`.
    package static func truncate(_ descriptor: Int32, to length: Int, label: String) throws(SystemCallError) {
        try changing("truncate", label) { ftruncate(descriptor, off_t(length)) }
    }

    /// `unlinkat(2)`: removes `name` (NUL-terminated bytes) below `directory`; an empty
    /// directory with `directory: true`. Never follows a link.
    package static func unlink(_ name: [CChar], in directory: Int32, isDirectory: Bool, label: String) throws(SystemCallError) {
        try changing(isDirectory ? "rmdir" : "unlink", label) { unlinkat(directory, name, isDirectory ? AT_REMOVEDIR : 0) }
    }

    /// `mkdtemp(3)`: a new directory named by `template` with its trailing `XXXXXX` made unique.
    package static func makeTemporaryDirectory(_ template: String) throws(SystemCallError) -> String {
        CrashHook.willChange()
        var cTemplate = NameBytes.cString(template)
        guard mkdtemp(&cTemplate) != nil else { throw SystemCallError(call: "mkdtemp", path: template, code: errno) }
        return NameBytes.string(cString: cTemplate)
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
            let written = try changing("write", path) {
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
