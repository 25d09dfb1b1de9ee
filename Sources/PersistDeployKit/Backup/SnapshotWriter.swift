import Glibc

/// Fills one snapshot's `data/` folder from shared/. Modes, times and links are kept as they are
/// (a link is stored as a link, never followed). A file whose size, modification time and mode
/// equal the previous snapshot's entry is hard-linked to the previous snapshot's copy, never to
/// the live file, so a snapshot never changes when shared/ does. Everything else is copied and
/// hashed in one pass.
///
/// `add` handles each persistent path's top level itself and leaves the directories below it as
/// `jobs`, which `BackupStore` hands to one writer per processor and then `absorb`s.
struct SnapshotWriter {
    /// A directory to copy: `name` inside `sourceParent` into `targetParent` (absolute paths),
    /// linking unchanged files from `previousParent` when it exists.
    struct Job: Sendable {
        let sourceParent: String
        let targetParent: String
        let previousParent: String?
        let name: [CChar]
        let path: [UInt8]
    }

    /// The previous snapshot's `data/` folder and manifest, when there is one.
    struct Previous {
        let data: String
        let entries: [[UInt8]: Manifest.Entry]
        /// Files modified at or after this second (see `Manifest.started`) are copied again.
        let trustedBefore: Int
    }

    private let previous: Previous?
    /// Shared by all workers: it counts for the whole snapshot.
    private let progress: ProgressMeter?
    private(set) var manifest = Manifest()
    private(set) var files = 0
    private(set) var bytes: Int64 = 0
    private(set) var reused = 0
    private(set) var warnings: [String] = []
    private(set) var jobs: [Job] = []
    private var recordedDirectories: Set<[UInt8]> = []
    /// Directories above a persistent path (`public/` for `public/uploads`), whose times are set
    /// last because adding children changes them.
    private var parentsToFinish: [(path: String, info: stat)] = []
    private var buffer = [UInt8](repeating: 0, count: 256 * 1024)

    init(previous: Previous?, progress: ProgressMeter?) {
        self.previous = previous
        self.progress = progress
        var clock = timespec()
        clock_gettime(CLOCK_REALTIME, &clock)
        manifest.started = Int(clock.tv_sec)
    }

    /// A writer for jobs on another thread: same previous snapshot, nothing written yet.
    func worker() -> SnapshotWriter {
        SnapshotWriter(previous: previous, progress: progress)
    }

    /// Copies one directory handed out as a job.
    mutating func run(_ job: Job) throws(SystemCallError) {
        let source = try DirectoryHandle(opening: job.sourceParent, relativeTo: AT_FDCWD, label: job.sourceParent)
        defer { source.close() }
        let target = try DirectoryHandle(opening: job.targetParent, relativeTo: AT_FDCWD, label: job.targetParent)
        defer { target.close() }
        let previousDirectory = job.previousParent.map { Self.openDirectory(NameBytes.cString($0), in: AT_FDCWD) } ?? -1
        defer { if previousDirectory >= 0 { close(previousDirectory) } }
        let label = job.targetParent + "/" + NameBytes.string(cString: job.name)
        guard let info = try SystemCall.status(of: job.name, in: source.descriptor, label: label) else { return }
        try copy(job.name, info: info, from: source.descriptor, into: target.descriptor, previous: previousDirectory,
                 path: job.path, label: label)
    }

    /// Takes in what a worker wrote.
    mutating func absorb(_ other: SnapshotWriter) {
        manifest.entries += other.manifest.entries
        files += other.files
        bytes += other.bytes
        reused += other.reused
        warnings += other.warnings
    }

    /// Adds the persistent path `relative` (e.g. `public/uploads`) of `shared` to `data`.
    mutating func add(_ relative: String, from shared: String, into data: String) throws(SystemCallError) {
        let components = PathName.components(relative)
        guard !components.isEmpty, !components.contains("..") else {
            warnings.append("'\(relative)' is not a path inside shared/; skipped.")
            return
        }
        var source = try DirectoryHandle(opening: shared, relativeTo: AT_FDCWD, label: shared)
        var target = try DirectoryHandle(opening: data, relativeTo: AT_FDCWD, label: data)
        defer {
            source.close()
            target.close()
        }
        // The same folder in the previous snapshot, or -1: unchanged files are linked from it.
        var previousDirectory = previous.map { Self.openDirectory(NameBytes.cString($0.data), in: AT_FDCWD) } ?? -1
        defer { if previousDirectory >= 0 { close(previousDirectory) } }
        var prefix: [UInt8] = []
        var sourceLabel = shared
        var targetLabel = data
        for component in components.dropLast() {
            let name = NameBytes.cString(component)
            prefix += (prefix.isEmpty ? [] : [UInt8(ascii: "/")]) + NameBytes.bytes(component)
            sourceLabel = PathName.join(sourceLabel, component)
            targetLabel = PathName.join(targetLabel, component)
            guard let info = try SystemCall.status(of: name, in: source.descriptor, label: sourceLabel),
                info.st_mode & S_IFMT == S_IFDIR
            else {
                // Missing, or a link (which is never followed out of shared/): nothing to save.
                if try SystemCall.status(of: name, in: source.descriptor, label: sourceLabel) != nil {
                    warnings.append("'\(sourceLabel)' is not a real directory; '\(relative)' below it was not backed up.")
                }
                return
            }
            if !recordedDirectories.contains(prefix) {
                try SystemCall.makeDirectory(name, in: target.descriptor, mode: 0o700, label: targetLabel)
                recordedDirectories.insert(prefix)
                manifest.entries.append(Self.entry(.directory, info, size: 0, checksum: "-", path: prefix))
                parentsToFinish.append((targetLabel, info))
            }
            let nextSource = try DirectoryHandle(opening: name, relativeTo: source.descriptor, label: sourceLabel)
            source.close()
            source = nextSource
            let nextTarget = try DirectoryHandle(opening: name, relativeTo: target.descriptor, label: targetLabel)
            target.close()
            target = nextTarget
            let nextPrevious = Self.openDirectory(name, in: previousDirectory)
            if previousDirectory >= 0 { close(previousDirectory) }
            previousDirectory = nextPrevious
        }
        let last = components[components.count - 1]
        let name = NameBytes.cString(last)
        let path = prefix + (prefix.isEmpty ? [] : [UInt8(ascii: "/")]) + NameBytes.bytes(last)
        guard let info = try SystemCall.status(of: name, in: source.descriptor, label: PathName.join(sourceLabel, last)) else {
            return  // not made yet: nothing to save
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            try copy(name, info: info, from: source.descriptor, into: target.descriptor, previous: previousDirectory,
                     path: path, label: PathName.join(targetLabel, last))
            return
        }
        let parentRelative = components.dropLast().joined(separator: "/")
        try spread(Job(
            sourceParent: sourceLabel, targetParent: targetLabel,
            previousParent: previous.map { PathName.join($0.data, parentRelative) }, name: name, path: path))
    }

    /// Spreads jobs one level down until there are at least `minimum` (or `rounds` levels were
    /// spread), so that one big folder does not end up as one worker's whole share.
    mutating func splitJobs(toAtLeast minimum: Int, rounds: Int = 3) throws(SystemCallError) {
        for _ in 0..<rounds where jobs.count < minimum {
            var pending = jobs[...]
            jobs = []
            while let job = pending.popFirst() {
                try spread(job)
                if jobs.count + pending.count >= minimum { break }
            }
            jobs += pending
        }
    }

    /// Copies the directory of `job` itself and the files in it, leaving its subdirectories as
    /// new jobs; its mode and times are set in `finish`, after everything below it.
    private mutating func spread(_ job: Job) throws(SystemCallError) {
        let source = try DirectoryHandle(opening: job.sourceParent, relativeTo: AT_FDCWD, label: job.sourceParent)
        defer { source.close() }
        let target = try DirectoryHandle(opening: job.targetParent, relativeTo: AT_FDCWD, label: job.targetParent)
        defer { target.close() }
        let previousParent = job.previousParent.map { Self.openDirectory(NameBytes.cString($0), in: AT_FDCWD) } ?? -1
        defer { if previousParent >= 0 { close(previousParent) } }
        let nameText = NameBytes.string(cString: job.name)
        let label = PathName.join(job.targetParent, nameText)
        guard let info = try SystemCall.status(of: job.name, in: source.descriptor, label: label) else { return }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            try copy(job.name, info: info, from: source.descriptor, into: target.descriptor, previous: previousParent,
                     path: job.path, label: label)
            return
        }
        try SystemCall.makeDirectory(job.name, in: target.descriptor, mode: 0o700, label: label)
        manifest.entries.append(Self.entry(.directory, info, size: 0, checksum: "-", path: job.path))
        parentsToFinish.append((label, info))
        let sourcePath = PathName.join(job.sourceParent, nameText)
        let sourceDirectory = try DirectoryHandle(opening: job.name, relativeTo: source.descriptor, label: sourcePath)
        defer { sourceDirectory.close() }
        let targetDirectory = try DirectoryHandle(opening: job.name, relativeTo: target.descriptor, label: label)
        defer { targetDirectory.close() }
        let previousDirectory = Self.openDirectory(job.name, in: previousParent)
        defer { if previousDirectory >= 0 { close(previousDirectory) } }
        let previousPath = job.previousParent.map { PathName.join($0, nameText) }
        for item in try sourceDirectory.entries() {
            let childName = item.name.dropLast().map { UInt8(bitPattern: $0) }
            let childLabel = label + "/" + NameBytes.string(childName)
            guard let childInfo = try SystemCall.status(of: item.name, in: sourceDirectory.descriptor, label: childLabel) else {
                continue  // removed while we walked
            }
            let childPath = job.path + [UInt8(ascii: "/")] + childName
            if childInfo.st_mode & S_IFMT == S_IFDIR {
                jobs.append(Job(sourceParent: sourcePath, targetParent: label, previousParent: previousPath,
                                name: item.name, path: childPath))
            } else {
                try copy(item.name, info: childInfo, from: sourceDirectory.descriptor, into: targetDirectory.descriptor,
                         previous: previousDirectory, path: childPath, label: childLabel)
            }
        }
    }

    /// Sets the modes and times of the persistent directories and those above them.
    mutating func finish() throws(SystemCallError) {
        for (path, info) in parentsToFinish.reversed() {
            let descriptor = try SystemCall.open(path, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            defer { close(descriptor) }
            try SystemCall.setMode(of: descriptor, to: info.st_mode & 0o7777, label: path)
            try SystemCall.setTimes(of: descriptor, access: info.st_atim, modification: info.st_mtim, label: path)
        }
    }

    /// A directory below `parent` (-1 for none) opened without following links; -1 when absent.
    private static func openDirectory(_ name: [CChar], in parent: Int32) -> Int32 {
        guard parent >= 0 || parent == AT_FDCWD else { return -1 }
        return (try? SystemCall.open(name, in: parent, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, label: "")) ?? -1
    }

    private mutating func copy(
        _ name: [CChar], info: stat, from source: Int32, into target: Int32, previous previousParent: Int32,
        path: [UInt8], label: String
    ) throws(SystemCallError) {
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            try SystemCall.makeDirectory(name, in: target, mode: 0o700, label: label)
            manifest.entries.append(Self.entry(.directory, info, size: 0, checksum: "-", path: path))
            let sourceDirectory = try DirectoryHandle(opening: name, relativeTo: source, label: label)
            defer { sourceDirectory.close() }
            let targetDirectory = try DirectoryHandle(opening: name, relativeTo: target, label: label)
            defer { targetDirectory.close() }
            let previousDirectory = Self.openDirectory(name, in: previousParent)
            defer { if previousDirectory >= 0 { close(previousDirectory) } }
            for item in try sourceDirectory.entries() {
                let childName = item.name.dropLast().map { UInt8(bitPattern: $0) }
                let childLabel = label + "/" + NameBytes.string(childName)
                guard let childInfo = try SystemCall.status(of: item.name, in: sourceDirectory.descriptor, label: childLabel) else {
                    continue  // removed while we walked
                }
                try copy(item.name, info: childInfo, from: sourceDirectory.descriptor, into: targetDirectory.descriptor,
                         previous: previousDirectory, path: path + [UInt8(ascii: "/")] + childName, label: childLabel)
            }
            try SystemCall.setMode(of: targetDirectory.descriptor, to: info.st_mode & 0o7777, label: label)
            try SystemCall.setTimes(of: targetDirectory.descriptor, access: info.st_atim, modification: info.st_mtim, label: label)
        case S_IFREG:
            if try !linkUnchanged(name, info: info, from: previousParent, into: target, path: path, label: label) {
                try copyFile(name, info: info, from: source, into: target, path: path, label: label)
            }
            files += 1
            let size = manifest.entries[manifest.entries.count - 1].size
            bytes += size
            progress?.add(files: 1, bytes: size)
        case S_IFLNK:
            let text = try SystemCall.readSymlink(name, in: source, label: label)
            try SystemCall.createSymlink(name, in: target, target: text, label: label)
            try SystemCall.setSymlinkTimes(name, in: target, access: info.st_atim, modification: info.st_mtim, label: label)
            let textBytes = text.dropLast().map { UInt8(bitPattern: $0) }
            manifest.entries.append(Self.entry(
                .symlink, info, size: Int64(textBytes.count), checksum: SHA256.hex(of: textBytes), path: path))
            files += 1
            progress?.add(files: 1)
        default:
            // Sockets, fifos and devices are not app data, and reading a fifo could block.
            warnings.append("'\(label)' is not a file, directory or link; skipped.")
        }
    }

    /// Hard-links the previous snapshot's copy when the live file looks unchanged (size,
    /// modification time and mode as in the previous manifest); false when it must be copied.
    private mutating func linkUnchanged(
        _ name: [CChar], info: stat, from previousDirectory: Int32, into target: Int32, path: [UInt8], label: String
    ) throws(SystemCallError) -> Bool {
        // The previous copy is trusted as its manifest describes it (no second stat per file:
        // the link is most of a repeat backup's time); `backups --verify` checks that trust.
        guard previousDirectory >= 0, let previous, let old = previous.entries[path], old.kind == .file,
            old.modificationSeconds < previous.trustedBefore, Self.matches(old, info)
        else { return false }
        do {
            try SystemCall.hardLink(name, in: previousDirectory, as: name, in: target, label: label)
        } catch {
            // EMLINK (too many links), EXDEV, EPERM on file systems without hard links: a copy
            // does the same job.
            return false
        }
        var entry = old
        entry.path = path
        manifest.entries.append(entry)
        reused += 1
        return true
    }

    private mutating func copyFile(
        _ name: [CChar], info: stat, from source: Int32, into target: Int32, path: [UInt8], label: String
    ) throws(SystemCallError) {
        let input = try SystemCall.open(name, in: source, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, label: label)
        defer { close(input) }
        let permissions = info.st_mode & 0o7777
        let output = try SystemCall.open(
            name, in: target, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: permissions & 0o777,
            label: label)
        defer { close(output) }
        var hasher = SHA256()
        var copied: Int64 = 0
        // Up to the size seen by the walk: the snapshot is of that moment, and stopping there
        // saves the read that would only report the end.
        while copied < Int64(info.st_size) {
            let count = try SystemCall.read(input, into: &buffer, label: label)
            if count == 0 { break }
            let used = Int(min(Int64(count), Int64(info.st_size) - copied))
            hasher.update(buffer, count: used)
            try SystemCall.writeAll(output, buffer, count: used, path: label)
            copied += Int64(used)
        }
        // The creation mode passed through the umask; set it only when that changed it.
        if permissions & ~0o777 != 0 || permissions & Self.creationMask != 0 {
            try SystemCall.setMode(of: output, to: permissions, label: label)
        }
        try SystemCall.setTimes(of: output, access: info.st_atim, modification: info.st_mtim, label: label)
        // The size written, not the size seen before: a file growing while we read it is
        // recorded as the copy holds it.
        manifest.entries.append(Self.entry(.file, info, size: copied, checksum: SHA256.hex(hasher.finalize()), path: path))
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

    static func matches(_ entry: Manifest.Entry, _ info: stat) -> Bool {
        entry.size == Int64(info.st_size) && entry.permissions == UInt32(info.st_mode & 0o7777)
            && entry.modificationSeconds == Int(info.st_mtim.tv_sec)
            && entry.modificationNanoseconds == Int(info.st_mtim.tv_nsec)
    }

    private static func entry(_ kind: Manifest.Kind, _ info: stat, size: Int64, checksum: String, path: [UInt8]) -> Manifest.Entry {
        Manifest.Entry(
            kind: kind, permissions: UInt32(info.st_mode & 0o7777), size: size,
            modificationSeconds: Int(info.st_mtim.tv_sec), modificationNanoseconds: Int(info.st_mtim.tv_nsec),
            checksum: checksum, path: path)
    }
}
