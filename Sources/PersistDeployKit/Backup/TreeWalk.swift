import Glibc

/// One entry met by `TreeWalk`: its path relative to the walk's top as raw bytes, its `lstat`,
/// and the open parent directory with its NUL-terminated name, for `*at` calls on it.
struct WalkEntry {
    let relative: [UInt8]
    let info: stat
    let parent: Int32
    let name: [CChar]

    var isDirectory: Bool { info.st_mode & S_IFMT == S_IFDIR }
    var isRegularFile: Bool { info.st_mode & S_IFMT == S_IFREG }
    var isSymlink: Bool { info.st_mode & S_IFMT == S_IFLNK }
    /// The relative path as the tool's strings hold it (`NameBytes`: lossless).
    var label: String { NameBytes.string(relative) }
}

/// Walks a directory tree through descriptors, never following a link, parents before children.
enum TreeWalk {
    static func walk(
        _ path: String, _ visit: (WalkEntry) throws(SystemCallError) -> Void
    ) throws(SystemCallError) {
        let top = try DirectoryHandle(opening: path, relativeTo: AT_FDCWD, label: path)
        defer { top.close() }
        try walk(top, prefix: [], label: path, visit)
    }

    private static func walk(
        _ directory: DirectoryHandle, prefix: [UInt8], label: String,
        _ visit: (WalkEntry) throws(SystemCallError) -> Void
    ) throws(SystemCallError) {
        for item in try directory.entries() {
            let nameBytes = item.name.dropLast().map { UInt8(bitPattern: $0) }
            let relative = prefix.isEmpty ? nameBytes : prefix + [UInt8(ascii: "/")] + nameBytes
            // Labels are for error messages: built for folders only, or when a call fails.
            guard let info = try SystemCall.status(of: item.name, in: directory.descriptor, label: label + "/" + item.text) else {
                continue  // removed while we walked
            }
            let entry = WalkEntry(relative: relative, info: info, parent: directory.descriptor, name: item.name)
            try visit(entry)
            if entry.isDirectory {
                let childLabel = label + "/" + item.text
                let child = try DirectoryHandle(opening: item.name, relativeTo: directory.descriptor, label: childLabel)
                defer { child.close() }
                try walk(child, prefix: relative, label: childLabel, visit)
            }
        }
    }
}

/// Files, bytes and the newest change below a path: what `status` shows for each persistent path.
package struct DataUsage: Sendable, Equatable {
    package var files = 0
    package var bytes: Int64 = 0
    /// Seconds since 1970 of the newest modification; nil when there is nothing.
    package var newestChange: Double?

    package init() {}

    /// Measures `path` (a directory, file or link), never following a link.
    package static func measure(_ path: String, progress: ProgressMeter? = nil) throws(SystemCallError) -> DataUsage {
        var usage = DataUsage()
        guard let top = try SystemCall.status(of: path, followSymlink: false) else { return usage }
        guard top.st_mode & S_IFMT == S_IFDIR else {
            usage.count(top)
            return usage
        }
        try TreeWalk.walk(path) { entry throws(SystemCallError) in
            if !entry.isDirectory {
                usage.count(entry.info)
                progress?.add(files: 1, bytes: entry.isRegularFile ? Int64(entry.info.st_size) : 0)
            }
        }
        return usage
    }

    private mutating func count(_ info: stat) {
        files += 1
        if info.st_mode & S_IFMT == S_IFREG { bytes += Int64(info.st_size) }
        let time = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        newestChange = max(newestChange ?? time, time)
    }
}
