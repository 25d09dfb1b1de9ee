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
/// buffer reused for the whole walk: no name or path is copied into an array of its own. A
/// folder's names are read a chunk at a time and a large chunk is stat'ed on two threads: the
/// kernel's share of a stat is most of a walk's time, and an asset folder can hold 54,000 files.
/// `visit` returns whether to enter a folder: a drift scan passes over the users' data a site
/// deployed in place still holds in its persistent folders.
enum TreeWalk {
    static func walk(
        _ path: String, _ visit: (WalkEntry) throws(SystemCallError) -> Bool
    ) throws(SystemCallError) {
        let top = try DirectoryHandle(opening: path, relativeTo: AT_FDCWD, label: path)
        defer { top.close() }
        var relative = ByteBuffer(capacity: 4096)
        try walk(top, relative: &relative, label: path, visit)
    }

    /// Names read and stat'ed at a time: bounds the memory a huge folder takes.
    private static let chunk = 4096
    /// Chunks smaller than this are stat'ed on this thread (a thread costs more than they do).
    private static let parallelFrom = 512

    private static func walk(
        _ directory: DirectoryHandle, relative: inout ByteBuffer, label: String,
        _ visit: (WalkEntry) throws(SystemCallError) -> Bool
    ) throws(SystemCallError) {
        let base = relative.count
        var names = NameChunk()
        var infos: [stat] = []
        while true {
            names.removeAll()
            try directory.forEachEntry { name, length, _ throws(SystemCallError) in
                names.append(name, length)
                return names.count < chunk
            }
            if names.count == 0 { return }
            try status(of: names, in: directory, label: label, into: &infos)
            for index in 0..<names.count where infos[index].st_mode != 0 {  // 0: removed while we walked
                relative.truncate(to: base)
                if base > 0 { relative.append(UInt8(ascii: "/")) }
                names.withName(index) { relative.append($0) }
                let info = infos[index]
                let enter = try relative.withBytes(0..<relative.count) { buffer throws(SystemCallError) in try visit(WalkEntry(relative: buffer, info: info)) }
                guard enter, info.st_mode & S_IFMT == S_IFDIR else { continue }
                let childLabel = label + "/" + names.text(index)
                let child = try names.withCName(index) { name throws(SystemCallError) in
                    try DirectoryHandle(opening: name, relativeTo: directory.descriptor, label: childLabel)
                }
                defer { child.close() }
                try walk(child, relative: &relative, label: childLabel, visit)
            }
        }
    }

    /// The `lstat` of each name into `infos` (`st_mode` 0 for a name gone since it was read).
    private static func status(
        of names: NameChunk, in directory: DirectoryHandle, label: String, into infos: inout [stat]
    ) throws(SystemCallError) {
        // Not zeroed first: each stat either fills its entry or marks it gone.
        infos = Array(unsafeUninitializedCapacity: names.count) { _, initialized in initialized = names.count }
        let halves = names.count >= parallelFrom && SystemCall.processorCount > 1 ? 2 : 1
        let failures = names.bytes.withBytes(0..<names.bytes.count) { bytes in
            infos.withUnsafeMutableBufferPointer { infos in
                let job = StatJob(bytes: bytes, starts: names.starts, infos: infos, descriptor: directory.descriptor, halves: halves)
                if halves == 1 {
                    job.run(0)
                } else {
                    SystemCall.runOnThreads(halves) { job.run($0) }
                }
                return Array(job.failures)
            }
        }
        if let failure = failures.first(where: { $0.code != 0 }) {
            throw SystemCallError(call: "lstat", path: label + "/" + names.text(failure.index), code: failure.code)
        }
    }
}

/// The names of one chunk of a folder, NUL-terminated one after another in one buffer.
private struct NameChunk {
    var bytes = ByteBuffer()
    /// Where each name starts in `bytes`.
    var starts: [Int] = []

    var count: Int { starts.count }

    mutating func removeAll() {
        bytes.truncate(to: 0)
        starts.removeAll(keepingCapacity: true)
    }

    mutating func append(_ name: UnsafePointer<CChar>, _ length: Int) {
        starts.append(bytes.count)
        name.withMemoryRebound(to: UInt8.self, capacity: length + 1) { bytes.append(UnsafeBufferPointer(start: $0, count: length + 1)) }
    }

    /// Runs `body` with name `index`'s bytes, without its NUL.
    func withName(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withBytes(starts[index]..<(index + 1 < starts.count ? starts[index + 1] : bytes.count) - 1, body)
    }

    func withCName<Result>(_ index: Int, _ body: (UnsafePointer<CChar>) throws(SystemCallError) -> Result) throws(SystemCallError) -> Result {
        try bytes.withBytes(starts[index]..<bytes.count) { name throws(SystemCallError) in
            try body(UnsafeRawPointer(name.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
    }

    func text(_ index: Int) -> String {
        var name = ""
        withName(index) { name = NameBytes.string($0) }
        return name
    }
}

/// The stats of one chunk, split in halves, one a thread. Each half writes only its own part of
/// `infos` and its own failure slot (code 0: none).
private final class StatJob: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    let starts: [Int]
    let infos: UnsafeMutableBufferPointer<stat>
    let descriptor: Int32
    let halves: Int
    let failures: UnsafeMutableBufferPointer<(index: Int, code: Int32)>

    init(bytes: UnsafeBufferPointer<UInt8>, starts: [Int], infos: UnsafeMutableBufferPointer<stat>, descriptor: Int32, halves: Int) {
        self.bytes = bytes
        self.starts = starts
        self.infos = infos
        self.descriptor = descriptor
        self.halves = halves
        failures = .allocate(capacity: halves)
        failures.initialize(repeating: (0, 0))
    }

    deinit {
        failures.deallocate()
    }

    func run(_ half: Int) {
        let size = (starts.count + halves - 1) / halves
        for index in (half * size)..<min(starts.count, (half + 1) * size) {
            let name = UnsafeRawPointer(bytes.baseAddress! + starts[index]).assumingMemoryBound(to: CChar.self)
            do throws(SystemCallError) {
                // A zeroed stat (mode 0) for a name gone since it was read; the caller labels errors.
                infos[index] = try SystemCall.status(of: name, in: descriptor, label: "") ?? stat()
            } catch {
                failures[half] = (index, error.code)
                return
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
            return true
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
