import Glibc

/// Copies trees into a snapshot's `data/` on one thread, writing their manifest lines as it goes.
/// Modes, times and links are kept as they are (a link below a persistent path is stored as a
/// link, never followed). A file whose size, modification time and mode equal the previous
/// snapshot's entry is hard-linked to the previous snapshot's copy, never to the live file, so a
/// snapshot never changes when shared/ does, and its manifest line is reused as it is. Everything
/// else is copied and hashed in one pass.
///
/// Each directory is read and its entries sorted before they are visited, so entries come out in
/// manifest order and the previous manifest is read alongside with one forward cursor: nothing
/// here grows with the number of files but the listing of the directory being copied.
struct SnapshotCopier {
    /// A run of manifest lines in its own file (`parts/<number>`), first path `key`.
    struct Segment: Sendable {
        let number: Int
        let key: [UInt8]
    }

    let previous: PreviousSnapshot?
    let parts: String
    let progress: ProgressMeter?
    /// Labels for errors: the shared folder and the snapshot's data folder.
    let sharedLabel: String
    let dataLabel: String
    /// Per persistent path (by its index among the snapshot's sources).
    private(set) var tallies: [DataUsage]
    private(set) var warnings: [String] = []
    /// Files hard-linked to the previous snapshot.
    private(set) var reused = 0
    private(set) var segments: [Segment] = []
    private var output: ManifestOutput?
    private var cursor: ManifestCursor?
    private var buffer = [UInt8](repeating: 0, count: 256 * 1024)

    init(previous: PreviousSnapshot?, parts: String, progress: ProgressMeter?, sharedLabel: String, dataLabel: String, sources: Int) {
        self.previous = previous
        self.parts = parts
        self.progress = progress
        self.sharedLabel = sharedLabel
        self.dataLabel = dataLabel
        tallies = Array(repeating: DataUsage(), count: sources)
    }

    /// A copier for another thread: same snapshot, nothing counted yet.
    func worker() -> SnapshotCopier {
        SnapshotCopier(previous: previous, parts: parts, progress: progress, sharedLabel: sharedLabel,
                       dataLabel: dataLabel, sources: tallies.count)
    }

    /// Takes in what a worker counted.
    mutating func absorb(_ other: SnapshotCopier) {
        for index in tallies.indices { tallies[index].add(other.tallies[index]) }
        warnings += other.warnings
        reused += other.reused
        segments += other.segments
    }

    var hasSegment: Bool { output != nil }

    /// Starts segment `number`, whose first line will be `key`'s.
    mutating func openSegment(_ number: Int, key: [UInt8]) throws(SystemCallError) {
        try closeSegment()
        let path = PathName.join(parts, String(number))
        let descriptor = try SystemCall.open(path, flags: O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: 0o600)
        output = ManifestOutput(descriptor: descriptor, label: path)
        segments.append(Segment(number: number, key: key))
        cursor = try previous.map { previous throws(SystemCallError) in try ManifestCursor(previous.manifest, from: key) }
    }

    mutating func closeSegment() throws(SystemCallError) {
        try output?.close()
        output = nil
        cursor = nil
    }

    /// Records a directory above a persistent path (its mode and times are set later).
    mutating func record(directory info: stat, path: [UInt8]) throws(SystemCallError) {
        try output!.append(Self.entry(.directory, info, size: 0, checksum: Manifest.directoryChecksum, path: path))
    }

    /// Copies `name` in `source` to `target` (directory descriptors, or `AT_FDCWD` with absolute
    /// names); `previous` is the same directory in the previous snapshot, or -1.
    ///
    /// The same name is used on all three sides, except at the top of a persistent path, where
    /// `name` is its absolute location (links of the deploy root followed) and `targetName` and
    /// `previousName` are absolute paths in the two snapshots.
    mutating func copy(
        _ name: [CChar], info: stat, from source: Int32, into target: Int32, previous previousDirectory: Int32,
        path: [UInt8], source index: Int, targetName: [CChar]? = nil, previousName: [CChar]? = nil
    ) throws(SystemCallError) {
        let targetName = targetName ?? name
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            try copyDirectory(
                name, info: info, from: source, into: target, previous: previousDirectory, path: path, source: index,
                targetName: targetName, previousName: previousName ?? name)
        case S_IFREG:
            if try !linkUnchanged(
                previousName ?? name, info: info, from: previousDirectory, into: target, as: targetName, path: path)
            {
                try copyFile(name, info: info, from: source, into: target, as: targetName, path: path)
            }
            tallies[index].add(file: info)
            progress?.add(files: 1, bytes: Int64(info.st_size))
        case S_IFLNK:
            let text = try SystemCall.readSymlink(name, in: source, label: self.sourceLabel(path))
            try SystemCall.createSymlink(targetName, in: target, target: text, label: self.targetLabel(path))
            try SystemCall.setSymlinkTimes(
                targetName, in: target, access: info.st_atim, modification: info.st_mtim, label: self.targetLabel(path))
            let textBytes = text.dropLast().map { UInt8(bitPattern: $0) }
            try output!.append(Self.entry(
                .symlink, info, size: Int64(textBytes.count), checksum: Array(SHA256.hex(of: textBytes).utf8), path: path))
            tallies[index].add(file: info)
            progress?.add(files: 1)
        default:
            // Sockets, fifos and devices are not app data, and reading a fifo could block.
            warnings.append("'\(sourceLabel(path))' is not a file, directory or link; skipped.")
        }
    }

    /// The entries of `directory`, sorted by name bytes: the manifest's order.
    static func sortedEntries(of directory: DirectoryHandle) throws(SystemCallError) -> [DirectoryHandle.Entry] {
        try directory.entries().sorted {
            $0.name.lexicographicallyPrecedes($1.name) { UInt8(bitPattern: $0) < UInt8(bitPattern: $1) }
        }
    }

    /// A directory below `parent` (-1 for none) opened without following links; -1 when absent.
    static func openDirectory(_ name: [CChar], in parent: Int32) -> Int32 {
        guard parent >= 0 || parent == AT_FDCWD else { return -1 }
        return (try? SystemCall.open(name, in: parent, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, label: "")) ?? -1
    }

    func sourceLabel(_ path: [UInt8]) -> String { Self.label(sharedLabel, path) }
    func targetLabel(_ path: [UInt8]) -> String { Self.label(dataLabel, path) }

    static func label(_ folder: String, _ path: [UInt8]) -> String {
        folder + "/" + NameBytes.display(NameBytes.string(path))
    }

    private mutating func copyDirectory(
        _ name: [CChar], info: stat, from source: Int32, into target: Int32, previous previousParent: Int32,
        path: [UInt8], source index: Int, targetName: [CChar], previousName: [CChar]
    ) throws(SystemCallError) {
        try SystemCall.makeDirectory(targetName, in: target, mode: 0o700, label: self.targetLabel(path))
        try output!.append(Self.entry(.directory, info, size: 0, checksum: Manifest.directoryChecksum, path: path))
        let sourceDirectory = try DirectoryHandle(opening: name, relativeTo: source, label: sourceLabel(path))
        defer { sourceDirectory.close() }
        let targetDirectory = try DirectoryHandle(opening: targetName, relativeTo: target, label: targetLabel(path))
        defer { targetDirectory.close() }
        let previousDirectory = Self.openDirectory(previousName, in: previousParent)
        defer { if previousDirectory >= 0 { close(previousDirectory) } }
        var childPath = path
        childPath.append(UInt8(ascii: "/"))
        let prefix = childPath.count
        for item in try Self.sortedEntries(of: sourceDirectory) {
            childPath.removeSubrange(prefix...)
            for byte in item.name.dropLast() { childPath.append(UInt8(bitPattern: byte)) }
            guard let childInfo = try SystemCall.status(of: item.name, in: sourceDirectory.descriptor, label: self.sourceLabel(childPath))
            else { continue }  // removed while we walked
            try copy(item.name, info: childInfo, from: sourceDirectory.descriptor, into: targetDirectory.descriptor,
                     previous: previousDirectory, path: childPath, source: index)
        }
        try SystemCall.setMode(of: targetDirectory.descriptor, to: info.st_mode & 0o7777, label: self.targetLabel(path))
        try SystemCall.setTimes(
            of: targetDirectory.descriptor, access: info.st_atim, modification: info.st_mtim, label: self.targetLabel(path))
    }

    /// Hard-links the previous snapshot's copy when the live file looks unchanged (size,
    /// modification time and mode as in the previous manifest); false when it must be copied.
    private mutating func linkUnchanged(
        _ name: [CChar], info: stat, from previousDirectory: Int32, into target: Int32, as targetName: [CChar], path: [UInt8]
    ) throws(SystemCallError) -> Bool {
        // The previous copy is trusted as its manifest describes it (no second stat per file:
        // the link is most of a repeat backup's time); `backups --verify` checks that trust.
        guard previousDirectory >= 0 || previousDirectory == AT_FDCWD, let previous, cursor != nil, try cursor!.find(path),
            cursor!.isUnchangedFile(info, modifiedBefore: previous.manifest.started)
        else { return false }
        do {
            try SystemCall.hardLink(name, in: previousDirectory, as: targetName, in: target, label: self.targetLabel(path))
        } catch {
            // EMLINK (too many links), EXDEV, EPERM on file systems without hard links: a copy
            // does the same job.
            return false
        }
        try output!.appendLine(from: cursor!)
        reused += 1
        return true
    }

    private mutating func copyFile(
        _ name: [CChar], info: stat, from source: Int32, into target: Int32, as targetName: [CChar], path: [UInt8]
    ) throws(SystemCallError) {
        let (sharedLabel, dataLabel) = (self.sharedLabel, self.dataLabel)
        let input = try SystemCall.open(name, in: source, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, label: Self.label(sharedLabel, path))
        defer { close(input) }
        let permissions = info.st_mode & 0o7777
        let output = try SystemCall.open(
            targetName, in: target, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: permissions & 0o777,
            label: self.targetLabel(path))
        defer { close(output) }
        var hasher = SHA256()
        var copied: Int64 = 0
        // Up to the size seen by the walk: the snapshot is of that moment, and stopping there
        // saves the read that would only report the end.
        while copied < Int64(info.st_size) {
            let count = try SystemCall.read(input, into: &buffer, label: Self.label(sharedLabel, path))
            if count == 0 { break }
            let used = Int(min(Int64(count), Int64(info.st_size) - copied))
            hasher.update(buffer, count: used)
            try SystemCall.writeAll(output, buffer, count: used, label: Self.label(dataLabel, path))
            copied += Int64(used)
        }
        // The creation mode passed through the umask; set it only when that changed it.
        if permissions & ~0o777 != 0 || permissions & Self.creationMask != 0 {
            try SystemCall.setMode(of: output, to: permissions, label: self.targetLabel(path))
        }
        try SystemCall.setTimes(of: output, access: info.st_atim, modification: info.st_mtim, label: self.targetLabel(path))
        // The size written, not the size seen before: a file growing while we read it is
        // recorded as the copy holds it.
        try self.output!.append(Self.entry(.file, info, size: copied, checksum: Array(SHA256.hex(hasher.finalize()).utf8), path: path))
    }

    /// The process's umask, read from `/proc/self/status` (reading it with umask(2) would change
    /// it for a moment); all bits set when unknown, so every file gets its mode set explicitly.
    static let creationMask: mode_t = {
        guard let status = try? LocalFileSystem().readText(at: "/proc/self/status"),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
            let mask = mode_t(Text.trimmed(String(line.dropFirst("Umask:".count))), radix: 8)
        else { return 0o777 }
        return mask
    }()

    static func entry(_ kind: Manifest.Kind, _ info: stat, size: Int64, checksum: [UInt8], path: [UInt8]) -> Manifest.Entry {
        Manifest.Entry(
            kind: kind, permissions: UInt32(info.st_mode & 0o7777), size: size,
            modificationSeconds: Int(info.st_mtim.tv_sec), modificationNanoseconds: Int(info.st_mtim.tv_nsec),
            checksum: checksum, path: path)
    }
}

/// The snapshot a backup links unchanged files from: its `data/` folder and its manifest.
struct PreviousSnapshot: Sendable {
    /// Absolute path of its `data/` folder.
    let data: String
    let manifest: ManifestFile
}

/// Manifest lines on their way to one segment file, written 64 KiB at a time.
struct ManifestOutput {
    let descriptor: Int32
    let label: String
    private var pending: [UInt8] = []

    init(descriptor: Int32, label: String) {
        self.descriptor = descriptor
        self.label = label
        pending.reserveCapacity(Self.flushAt + 4096)
    }

    private static let flushAt = 64 * 1024

    mutating func append(_ entry: Manifest.Entry) throws(SystemCallError) {
        Manifest.append(entry, to: &pending)
        if pending.count >= Self.flushAt { try flush() }
    }

    mutating func appendLine(from cursor: ManifestCursor) throws(SystemCallError) {
        cursor.appendLine(to: &pending)
        if pending.count >= Self.flushAt { try flush() }
    }

    mutating func flush() throws(SystemCallError) {
        try SystemCall.writeAll(descriptor, pending, count: pending.count, label: label)
        pending.removeAll(keepingCapacity: true)
    }

    mutating func close() throws(SystemCallError) {
        defer { Glibc.close(descriptor) }
        try flush()
    }
}

extension DataUsage {
    /// Counts one file or link.
    mutating func add(file info: stat) {
        files += 1
        if info.st_mode & S_IFMT == S_IFREG { bytes += Int64(info.st_size) }
        let time = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        newestChange = max(newestChange ?? time, time)
    }

    mutating func add(_ other: DataUsage) {
        files += other.files
        bytes += other.bytes
        if let time = other.newestChange { newestChange = max(newestChange ?? time, time) }
    }
}
