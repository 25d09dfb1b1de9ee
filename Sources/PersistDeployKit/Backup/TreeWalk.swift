import Glibc

/// One entry met by `TreeWalk`: its path relative to the walk's top as raw bytes (valid only
/// during the visit) and its `lstat`.
struct WalkEntry {
    let relative: UnsafeBufferPointer<UInt8>
    let info: stat

    var isDirectory: Bool { info.st_mode & S_IFMT == S_IFDIR }
    var isRegularFile: Bool { info.st_mode & S_IFMT == S_IFREG }
}

/// Walks a directory tree through descriptors, never following a link, parents before children.
/// Each entry is stat'ed relative to its open parent (`fstatat`), and its path is built in one
/// buffer reused for the whole walk: no name or path is copied into an array of its own.
enum TreeWalk {
    static func walk(
        _ path: String, _ visit: (WalkEntry) throws(SystemCallError) -> Void
    ) throws(SystemCallError) {
        let top = try DirectoryHandle(opening: path, relativeTo: AT_FDCWD, label: path)
        defer { top.close() }
        var relative: [UInt8] = []
        relative.reserveCapacity(4096)
        try walk(top, relative: &relative, label: path, visit)
    }

    private static func walk(
        _ directory: DirectoryHandle, relative: inout [UInt8], label: String,
        _ visit: (WalkEntry) throws(SystemCallError) -> Void
    ) throws(SystemCallError) {
        let base = relative.count
        try directory.forEachEntry { name, length, _ throws(SystemCallError) in
            relative.removeSubrange(base...)
            if base > 0 { relative.append(UInt8(ascii: "/")) }
            name.withMemoryRebound(to: UInt8.self, capacity: length) { relative.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
            // Labels are for error messages: built for folders only, or when a call fails.
            guard let info = try SystemCall.status(of: name, in: directory.descriptor, label: label + "/" + text(name, length)) else {
                return true  // removed while we walked
            }
            try relative.withUnsafeBufferPointer { buffer throws(SystemCallError) in try visit(WalkEntry(relative: buffer, info: info)) }
            if info.st_mode & S_IFMT == S_IFDIR {
                let childLabel = label + "/" + text(name, length)
                let child = try DirectoryHandle(opening: name, relativeTo: directory.descriptor, label: childLabel)
                defer { child.close() }
                try walk(child, relative: &relative, label: childLabel, visit)
            }
            return true
        }
    }

    private static func text(_ name: UnsafePointer<CChar>, _ length: Int) -> String {
        name.withMemoryRebound(to: UInt8.self, capacity: length) { NameBytes.string(UnsafeBufferPointer(start: $0, count: length)) }
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
