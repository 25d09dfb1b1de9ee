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
        guard let info = try SystemCall.status(of: source, followSymlink: false) else {
            throw SystemCallError(call: "lstat", path: source, code: ENOENT)
        }
        let parent = try SystemCall.open(PathName.parent(destination), flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(parent) }
        let name = NameBytes.cString(PathName.basename(destination))
        if info.st_mode & S_IFMT == S_IFDIR {
            let directory = try DirectoryHandle(opening: source, relativeTo: AT_FDCWD, label: source)
            defer { directory.close() }
            try copyDirectory(directory, info: info, into: parent, name: name, label: destination)
        } else {
            try copyEntry(sourceParent: AT_FDCWD, sourceName: NameBytes.cString(source), info: info,
                          into: parent, name: name, label: destination)
        }
    }

    private mutating func copyDirectory(
        _ source: DirectoryHandle, info: stat, into parent: Int32, name: [CChar], label: String
    ) throws(SystemCallError) {
        // Created owner-writable so children can be added; the real mode is set after them.
        try SystemCall.makeDirectory(name, in: parent, mode: 0o700, label: label)
        if label == destinationLabel { createdDestination = true }
        let target = try DirectoryHandle(opening: name, relativeTo: parent, label: label)
        defer { target.close() }
        for entry in try source.entries() {
            let childLabel = label + "/" + entry.text
            guard let childInfo = try SystemCall.status(of: entry.name, in: source.descriptor, label: childLabel) else {
                continue  // removed while we copied
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
        try SystemCall.setMode(of: target.descriptor, to: info.st_mode & 0o7777, label: label)
        try SystemCall.setTimes(of: target.descriptor, access: info.st_atim, modification: info.st_mtim, label: label)
    }

    private mutating func copyEntry(
        sourceParent: Int32, sourceName: [CChar], info: stat, into parent: Int32, name: [CChar], label: String
    ) throws(SystemCallError) {
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            let text = try SystemCall.readSymlink(sourceName, in: sourceParent, label: label)
            try SystemCall.createSymlink(name, in: parent, target: text, label: label)
            if label == destinationLabel { createdDestination = true }
            try SystemCall.setSymlinkTimes(name, in: parent, access: info.st_atim, modification: info.st_mtim, label: label)
            progress?.add(files: 1)
        case S_IFREG:
            let input = try SystemCall.open(sourceName, in: sourceParent, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, label: label)
            defer { close(input) }
            let output = try SystemCall.open(
                name, in: parent, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o600, label: label)
            defer { close(output) }
            if label == destinationLabel { createdDestination = true }
            try pump(from: input, to: output, label: label)
            try SystemCall.setMode(of: output, to: info.st_mode & 0o7777, label: label)
            try SystemCall.setTimes(of: output, access: info.st_atim, modification: info.st_mtim, label: label)
            progress?.add(files: 1)
        default:
            // Sockets, fifos and devices are not app data; copying them could block or leak.
            throw SystemCallError(call: "copy", path: label, code: EINVAL)
        }
    }

    private mutating func pump(from input: Int32, to output: Int32, label: String) throws(SystemCallError) {
        while true {
            let count = try SystemCall.read(input, into: &buffer, label: label)
            if count == 0 { return }
            try SystemCall.writeAll(output, buffer, count: count, path: label)
            // Per buffer, so one large file (a SQLite database) moves the line too.
            progress?.add(bytes: Int64(count))
        }
    }
}
