import Glibc

/// One persistent path a snapshot saves: `path` as in the record (and below `data/`), and
/// `location`, where it lives now with the deploy root's own links followed (shared/ itself, or
/// the path, being a link to another disk).
struct SnapshotSource: Sendable, Equatable {
    let path: String
    let location: String
    /// The folders above `path` exist only in the snapshot (`.served/...`): they are made with
    /// shared/'s own mode and times.
    var parentsOnlyInSnapshot = false
}

/// Fills one snapshot's `data/` folder and writes its manifest. `add` handles each persistent
/// path's top level on this thread and leaves the directories below as `jobs`, which run on one
/// thread per processor (up to 4). Every job and every run of lines written here goes to its
/// own segment file; `writeManifest` joins them in manifest order. Memory holds no list of files.
struct SnapshotBuilder {
    /// A directory to copy whole: absolute paths (NUL-terminated) of the live directory, its
    /// copy and the previous snapshot's copy; `path` below `data/`; its segment file's number.
    struct Job: Sendable {
        let source: [CChar]
        let target: [CChar]
        let previous: [CChar]?
        let path: [UInt8]
        let sourceIndex: Int
        let segment: Int
    }

    let data: String
    let parts: String
    let shared: String
    private let previous: PreviousSnapshot?
    private(set) var main: SnapshotCopier
    private(set) var jobs: [Job] = []
    private var segmentCount = 0
    private var recordedDirectories: Set<[UInt8]> = []
    /// Directories whose mode and times are set last, because jobs add children to them.
    private var parentsToFinish: [(path: String, info: stat)] = []

    init(previous: PreviousSnapshot?, data: String, parts: String, shared: String, sources: Int, progress: ProgressMeter?) {
        self.previous = previous
        self.data = data
        self.parts = parts
        self.shared = shared
        main = SnapshotCopier(
            previous: previous, parts: parts, progress: progress, sharedLabel: shared, dataLabel: data, sources: sources)
    }

    /// Adds `source` (number `index` among the snapshot's sources, which come in manifest order
    /// and do not nest). False when nothing is at its location.
    mutating func add(_ source: SnapshotSource, index: Int) throws(SystemCallError) -> Bool {
        let components = PathName.components(source.path)
        var prefix: [UInt8] = []
        var livePrefix = shared
        var targetPrefix = data
        for component in components.dropLast() {
            prefix += (prefix.isEmpty ? [] : [UInt8(ascii: "/")]) + NameBytes.bytes(component)
            livePrefix = PathName.join(livePrefix, component)
            targetPrefix = PathName.join(targetPrefix, component)
            guard !recordedDirectories.contains(prefix) else { continue }
            // The location resolved, so every folder on the way (links followed) is a directory.
            let parentFrom = source.parentsOnlyInSnapshot ? shared : livePrefix
            guard let info = try SystemCall.status(of: parentFrom, followSymlink: true) else { return false }
            try SystemCall.makeDirectory(at: targetPrefix, mode: 0o700)
            try inline(key: prefix)
            try main.record(directory: info, path: prefix)
            parentsToFinish.append((targetPrefix, info))
            recordedDirectories.insert(prefix)
        }
        let path = NameBytes.bytes(source.path)
        let job = Job(
            source: Self.cString(source.location), target: Self.cString(PathName.join(data, source.path)),
            previous: previous.map { Self.cString(PathName.join($0.data, source.path)) }, path: path,
            sourceIndex: index, segment: takeSegment())
        guard let info = try SystemCall.status(of: job.source, in: AT_FDCWD, label: source.location) else { return false }
        if info.st_mode & S_IFMT == S_IFDIR {
            try main.closeSegment()
            jobs.append(job)
        } else {
            try inline(key: path)
            try main.copy(
                job.source, info: info, from: AT_FDCWD, into: AT_FDCWD, previous: previous == nil ? -1 : AT_FDCWD,
                path: path, source: index, targetName: job.target, previousName: job.previous)
        }
        return true
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
        try main.closeSegment()
    }

    /// Copies the jobs on `threads` threads (this one included) and takes in what they counted.
    mutating func runJobs(threads: Int) throws(SystemCallError) {
        try main.closeSegment()
        let jobs = self.jobs
        let workers = min(threads, jobs.count)
        guard workers > 1 else {
            for job in jobs { try main.run(job) }
            return
        }
        /// Each worker's copier and error, in slots only that worker writes.
        final class Results: @unchecked Sendable {
            let template: SnapshotCopier
            let copiers: UnsafeMutableBufferPointer<SnapshotCopier?>
            let errors: UnsafeMutableBufferPointer<SystemCallError?>

            init(template: SnapshotCopier, workers: Int) {
                self.template = template
                copiers = .allocate(capacity: workers)
                copiers.initialize(repeating: nil)
                errors = .allocate(capacity: workers)
                errors.initialize(repeating: nil)
            }

            deinit {
                copiers.deinitialize().deallocate()
                errors.deinitialize().deallocate()
            }
        }
        let results = Results(template: main, workers: workers)
        let counter = JobCounter(count: jobs.count)
        SystemCall.runOnThreads(workers) { worker in
            var local = results.template.worker()
            while let index = counter.take() {
                do throws(SystemCallError) {
                    try local.run(jobs[index])
                } catch {
                    results.errors[worker] = error
                    break
                }
            }
            results.copiers[worker] = local
        }
        if let error = results.errors.compactMap({ $0 }).first { throw error }
        for local in results.copiers.compactMap({ $0 }) { main.absorb(local) }
    }

    /// Sets the modes and times of the directories spread here, deepest first.
    func finish() throws(SystemCallError) {
        for (path, info) in parentsToFinish.reversed() {
            let descriptor = try SystemCall.open(path, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            defer { close(descriptor) }
            try SystemCall.setMode(of: descriptor, to: info.st_mode & 0o7777, label: path)
            try SystemCall.setTimes(of: descriptor, access: info.st_atim, modification: info.st_mtim, label: path)
        }
    }

    /// Writes the manifest to `path`: its head, then every segment in manifest order (the
    /// segments hold disjoint runs of the order, so sorting them by first path orders them all).
    func writeManifest(to path: String, started: Int) throws(SystemCallError) {
        let output = try SystemCall.open(path, flags: O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: 0o600)
        defer { close(output) }
        let head = Manifest.head(started: started)
        try SystemCall.writeAll(output, head, count: head.count, label: path)
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        for segment in main.segments.sorted(by: { Manifest.precedes($0.key, $1.key) }) {
            let part = PathName.join(parts, String(segment.number))
            let input = try SystemCall.open(part, flags: O_RDONLY | O_CLOEXEC)
            defer { close(input) }
            while true {
                let count = try SystemCall.read(input, into: &buffer, label: part)
                if count == 0 { break }
                try SystemCall.writeAll(output, buffer, count: count, label: path)
            }
        }
    }

    /// Copies the directory of `job` itself and the files in it here, leaving its
    /// subdirectories as new jobs; its mode and times are set in `finish`, after everything below.
    private mutating func spread(_ job: Job) throws(SystemCallError) {
        // Its lines start a segment of their own: a segment carried over from the job spread
        // before would hold lines with other jobs' subtrees sorting between them.
        try main.closeSegment()
        let label = NameBytes.display(NameBytes.string(job.source.dropLast().map { UInt8(bitPattern: $0) }))
        guard let info = try SystemCall.status(of: job.source, in: AT_FDCWD, label: label) else { return }
        let hasPrevious = previous != nil
        guard info.st_mode & S_IFMT == S_IFDIR else {
            try inline(key: job.path)
            try main.copy(
                job.source, info: info, from: AT_FDCWD, into: AT_FDCWD, previous: hasPrevious ? AT_FDCWD : -1,
                path: job.path, source: job.sourceIndex, targetName: job.target, previousName: job.previous)
            return
        }
        let targetLabel = main.targetLabel(job.path)
        try SystemCall.makeDirectory(job.target, in: AT_FDCWD, mode: 0o700, label: targetLabel)
        try inline(key: job.path)
        try main.record(directory: info, path: job.path)
        parentsToFinish.append((NameBytes.string(job.target.dropLast().map { UInt8(bitPattern: $0) }), info))
        let sourceDirectory = try DirectoryHandle(opening: job.source, relativeTo: AT_FDCWD, label: label)
        defer { sourceDirectory.close() }
        let targetDirectory = try DirectoryHandle(opening: job.target, relativeTo: AT_FDCWD, label: targetLabel)
        defer { targetDirectory.close() }
        let previousDirectory = job.previous.map { SnapshotCopier.openDirectory($0, in: AT_FDCWD) } ?? -1
        defer { if previousDirectory >= 0 { close(previousDirectory) } }
        for item in try SnapshotCopier.sortedEntries(of: sourceDirectory) {
            let path = job.path + [UInt8(ascii: "/")] + item.name.dropLast().map { UInt8(bitPattern: $0) }
            guard let childInfo = try SystemCall.status(of: item.name, in: sourceDirectory.descriptor, label: main.sourceLabel(path))
            else { continue }  // removed while we walked
            if childInfo.st_mode & S_IFMT == S_IFDIR {
                try main.closeSegment()
                jobs.append(Job(
                    source: Self.child(job.source, item.name), target: Self.child(job.target, item.name),
                    previous: job.previous.map { Self.child($0, item.name) }, path: path, sourceIndex: job.sourceIndex,
                    segment: takeSegment()))
            } else {
                try inline(key: path)
                try main.copy(
                    item.name, info: childInfo, from: sourceDirectory.descriptor, into: targetDirectory.descriptor,
                    previous: previousDirectory, path: path, source: job.sourceIndex)
            }
        }
    }

    /// Makes sure this thread's copier writes into a segment whose lines start at `key`.
    private mutating func inline(key: [UInt8]) throws(SystemCallError) {
        if !main.hasSegment { try main.openSegment(takeSegment(), key: key) }
    }

    private mutating func takeSegment() -> Int {
        segmentCount += 1
        return segmentCount
    }

    static func cString(_ path: String) -> [CChar] {
        NameBytes.bytes(path).map { CChar(bitPattern: $0) } + [0]
    }

    /// `parent/name`, both NUL-terminated.
    static func child(_ parent: [CChar], _ name: [CChar]) -> [CChar] {
        parent.dropLast() + [CChar(UInt8(ascii: "/"))] + name
    }
}

extension SnapshotCopier {
    /// Copies one job's directory into its own segment.
    mutating func run(_ job: SnapshotBuilder.Job) throws(SystemCallError) {
        try openSegment(job.segment, key: job.path)
        defer { try? closeSegment() }
        guard let info = try SystemCall.status(of: job.source, in: AT_FDCWD, label: self.sourceLabel(job.path)) else { return }
        try copy(
            job.source, info: info, from: AT_FDCWD, into: AT_FDCWD, previous: previous == nil ? -1 : AT_FDCWD,
            path: job.path, source: job.sourceIndex, targetName: job.target, previousName: job.previous)
        try closeSegment()
    }
}
