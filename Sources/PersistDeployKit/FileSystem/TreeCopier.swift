import Glibc

/// Copies a file, link or directory tree the way `cp -a` does for our needs: contents, permission
/// bits and modification times kept, symlinks copied as symlinks and never followed. The
/// destination must not exist; every file is created with `O_EXCL`, so nothing is overwritten.
struct TreeCopier {
    /// Counts each file and its bytes as they are copied.
    let progress: ProgressMeter?
    private var buffer = [UInt8](repeating: 0, count: 128 * 1024)

    init(progress: ProgressMeter? = nil) {
        self.progress = progress
    }
    private var destinationLabel = ""
    /// True once the top of the destination exists: from then on a failure leaves a partial
    /// copy that this copier made (and only then may the caller remove it).
    private(set) var createdDestination = false

    mutating func copy(from source: String, to destination: String) throws(SystemCallError) {
        destinationLabel = destination
        var info = stat()
        try SystemCall.retrying("lstat", source) { lstat(source, &info) }
        let parent = try SystemCall.open(PathName.parent(destination), flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(parent) }
        let name = Array(PathName.basename(destination).utf8CString)
        if info.st_mode & S_IFMT == S_IFDIR {
            let directory = try DirectoryHandle(opening: source, relativeTo: AT_FDCWD, label: source)
            defer { directory.close() }
            try copyDirectory(directory, info: info, into: parent, name: name, label: destination)
        } else {
            try copyEntry(sourceParent: AT_FDCWD, sourceName: Array(source.utf8CString), info: info,
                          into: parent, name: name, label: destination)
        }
    }

    private mutating func copyDirectory(
        _ source: DirectoryHandle, info: stat, into parent: Int32, name: [CChar], label: String
    ) throws(SystemCallError) {
        // Created owner-writable so children can be added; the real mode is set after them.
        try SystemCall.retrying("mkdir", label) { mkdirat(parent, name, 0o700) }
        if label == destinationLabel { createdDestination = true }
        let target = try DirectoryHandle(opening: name, relativeTo: parent, label: label)
        defer { target.close() }
        for entry in try source.entries() {
            let childLabel = label + "/" + entry.text
            var childInfo = stat()
            try SystemCall.retrying("lstat", childLabel) {
                fstatat(source.descriptor, entry.name, &childInfo, AT_SYMLINK_NOFOLLOW)
            }
            if childInfo.st_mode & S_IFMT == S_IFDIR {
                let child = try DirectoryHandle(opening: entry.name, relativeTo: source.descriptor, label: childLabel)
                defer { child.close() }
                try copyDirectory(child, info: childInfo, into: target.descriptor, name: entry.name, label: childLabel)
            } else {
                try copyEntry(sourceParent: source.descriptor, sourceName: entry.name, info: childInfo,
                              into: target.descriptor, name: entry.name, label: childLabel)
            }
        }
        try SystemCall.retrying("chmod", label) { fchmod(target.descriptor, info.st_mode & 0o7777) }
        var times = [info.st_atim, info.st_mtim]
        try SystemCall.retrying("utimens", label) { futimens(target.descriptor, &times) }
    }

    private mutating func copyEntry(
        sourceParent: Int32, sourceName: [CChar], info: stat, into parent: Int32, name: [CChar], label: String
    ) throws(SystemCallError) {
        var times = [info.st_atim, info.st_mtim]
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            var text = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = try SystemCall.retrying("readlink", label) {
                readlinkat(sourceParent, sourceName, &text, text.count - 1)
            }
            text[length] = 0
            try SystemCall.retrying("symlink", label) { symlinkat(text, parent, name) }
            if label == destinationLabel { createdDestination = true }
            try SystemCall.retrying("utimens", label) { utimensat(parent, name, &times, AT_SYMLINK_NOFOLLOW) }
            progress?.add(files: 1)
        case S_IFREG:
            let input = try SystemCall.retrying("open", label) {
                openat(sourceParent, sourceName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            }
            defer { close(input) }
            let output = try SystemCall.retrying("open", label) {
                openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            }
            defer { close(output) }
            if label == destinationLabel { createdDestination = true }
            try pump(from: input, to: output, label: label)
            try SystemCall.retrying("chmod", label) { fchmod(output, info.st_mode & 0o7777) }
            try SystemCall.retrying("utimens", label) { futimens(output, &times) }
            progress?.add(files: 1)
        default:
            // Sockets, fifos and devices are not app data; copying them could block or leak.
            throw SystemCallError(call: "copy", path: label, code: EINVAL)
        }
    }

    private mutating func pump(from input: Int32, to output: Int32, label: String) throws(SystemCallError) {
        while true {
            let count = try SystemCall.retrying("read", label) {
                buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            }
            if count == 0 { return }
            try SystemCall.writeAll(output, buffer, count: count, path: label)
            // Per buffer, so one large file (a SQLite database) moves the line too.
            progress?.add(bytes: Int64(count))
        }
    }
}
