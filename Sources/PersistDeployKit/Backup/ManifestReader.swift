import Glibc

/// A manifest opened for reading in pieces: `ManifestCursor`s read runs of its lines with
/// `pread`, so several threads read one file at once and nothing holds it whole.
final class ManifestFile: @unchecked Sendable {
    let path: String
    /// When the snapshot began reading shared/ (see `Manifest.head`).
    let started: Int
    /// Bytes in the file.
    let size: Int
    /// Where the first entry line starts.
    let firstEntry: Int
    /// -1 when the manifest was sorted into `memory` (an unordered version 1 file).
    private let descriptor: Int32
    private let memory: [UInt8]

    private init(path: String, started: Int, size: Int, firstEntry: Int, descriptor: Int32, memory: [UInt8]) {
        self.path = path
        self.started = started
        self.size = size
        self.firstEntry = firstEntry
        self.descriptor = descriptor
        self.memory = memory
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Opens the manifest at `path`; nil when it is missing or not one this version reads. An
    /// unordered version 1 manifest is read whole and put in order in memory when
    /// `sortingUnordered` (an old snapshot being checked), and is nil otherwise.
    static func open(_ path: String, sortingUnordered: Bool) throws(SystemCallError) -> ManifestFile? {
        guard let descriptor = try? SystemCall.open(path, flags: O_RDONLY | O_CLOEXEC) else { return nil }
        let size = Int(try SystemCall.status(of: descriptor, label: path).st_size)
        var head = [UInt8](repeating: 0, count: min(size, 256))
        let count = try SystemCall.read(descriptor, at: 0, into: &head, index: 0, count: head.count, label: path)
        let lines = head[..<count].split(separator: UInt8(ascii: "\n"), maxSplits: 2, omittingEmptySubsequences: false)
        guard lines.count == 3, let started = Manifest.started(lines[1]) else {
            close(descriptor)
            return nil
        }
        let firstEntry = lines[0].count + lines[1].count + 2
        if lines[0].elementsEqual(Manifest.header.utf8) {
            return ManifestFile(
                path: path, started: started, size: size, firstEntry: firstEntry, descriptor: descriptor, memory: [])
        }
        close(descriptor)
        guard sortingUnordered, lines[0].elementsEqual(Manifest.unorderedHeader.utf8) else { return nil }
        let whole = try LocalFileSystem().readFile(at: path)
        var entries: [Manifest.Entry] = []
        for line in whole[firstEntry...].split(separator: UInt8(ascii: "\n")) {
            guard let entry = Manifest.entry(line) else { return nil }
            entries.append(entry)
        }
        entries.sort { Manifest.precedes($0.path, $1.path) }
        var sorted = Manifest.head(started: started)
        for entry in entries { Manifest.append(entry, to: &sorted) }
        return ManifestFile(
            path: path, started: started, size: sorted.count, firstEntry: firstEntry, descriptor: -1, memory: sorted)
    }

    /// Reads up to `count` bytes at `offset` into `buffer[at...]`; 0 at the end.
    func read(at offset: Int, into buffer: inout [UInt8], at index: Int, count: Int) throws(SystemCallError) -> Int {
        guard offset < size else { return 0 }
        let wanted = min(count, size - offset)
        if descriptor < 0 {
            buffer.withUnsafeMutableBufferPointer { target in
                memory.withUnsafeBufferPointer { source in
                    UnsafeMutableRawPointer(target.baseAddress! + index).copyMemory(
                        from: source.baseAddress! + offset, byteCount: wanted)
                }
            }
            return wanted
        }
        return try SystemCall.read(descriptor, at: offset, into: &buffer, index: index, count: wanted, label: path)
    }

    /// The offset of the first entry whose path is `path` or comes after it: a binary search
    /// over byte offsets, each probe reading the line that starts at or after it.
    func lowerBound(_ key: [UInt8]) throws(SystemCallError) -> Int {
        var low = firstEntry
        var high = size
        var probe = [UInt8](repeating: 0, count: 4096)
        while low < high {
            let middle = low + (high - low) / 2
            guard let (start, end, path) = try line(atOrAfter: middle, buffer: &probe), start < high else {
                high = middle
                continue
            }
            if Manifest.precedes(path, key) {
                low = min(end + 1, size)
            } else {
                high = start
            }
        }
        return low
    }

    /// The line starting at `offset` or, when `offset` is inside a line, the next one: its start,
    /// the offset of its newline (or the end of the file) and its path.
    private func line(atOrAfter offset: Int, buffer: inout [UInt8]) throws(SystemCallError) -> (Int, Int, [UInt8])? {
        // From the byte before: when that is a newline, a line starts at `offset` itself.
        var start = -1
        var scan = offset - 1
        while start < 0 {
            let count = try read(at: scan, into: &buffer, at: 0, count: buffer.count)
            if count == 0 { return nil }
            if let newline = buffer[..<count].firstIndex(of: UInt8(ascii: "\n")) {
                start = scan + newline + 1
            } else {
                scan += count
            }
        }
        var line: [UInt8] = []
        var position = start
        while true {
            let count = try read(at: position, into: &buffer, at: 0, count: buffer.count)
            if count == 0 { break }
            if let newline = buffer[..<count].firstIndex(of: UInt8(ascii: "\n")) {
                line += buffer[..<newline]
                break
            }
            line += buffer[..<count]
            position += count
        }
        guard start < size, let path = Manifest.path(ofLine: line[...]) else { return nil }
        return (start, start + line.count, path)
    }
}

/// Reads a manifest's lines in order from some offset, through a buffer of its own. A backup
/// looks up each file of its walk with `find`, which only moves forward: the walk and the
/// manifest share one order (`Manifest.order`), so one pass over both does it.
struct ManifestCursor {
    let file: ManifestFile
    fileprivate var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    /// File offset of `buffer[0]`, and how many bytes of the buffer are read.
    private var bufferOffset = 0
    private var filled = 0
    /// The current line is `buffer[lineStart..<lineEnd]` (`lineEnd` at its newline).
    fileprivate var lineStart = 0
    fileprivate var lineEnd = 0
    /// The current line's path field, `buffer[pathStart..<lineEnd]`, and whether it holds `%`
    /// escapes (rare: only names with `%` or control bytes).
    fileprivate var pathStart = 0
    private var pathEscaped = false
    /// False once the lines ran out.
    private(set) var hasLine = false

    /// The current line's path, unescaped.
    var path: [UInt8] {
        let field = buffer[pathStart..<lineEnd]
        return pathEscaped ? Manifest.unescape(field) ?? [] : Array(field)
    }

    /// A cursor on the first entry whose path is `key` or after it (the first entry for nil).
    init(_ file: ManifestFile, from key: [UInt8]?) throws(SystemCallError) {
        self.file = file
        bufferOffset = try key.map { key throws(SystemCallError) in try file.lowerBound(key) } ?? file.firstEntry
        try load(lineAt: 0)
    }

    /// Moves forward to `key`; true when the manifest has an entry for it (then current).
    mutating func find(_ key: [UInt8]) throws(SystemCallError) -> Bool {
        while hasLine {
            // Compared in the buffer: a backup compares a line for every file it meets.
            let order = pathEscaped ? Manifest.compare(path, key) : Manifest.compare(buffer[pathStart..<lineEnd], key)
            if order == 0 { return true }
            if order > 0 { return false }
            try advance()
        }
        return false
    }

    /// The next line becomes current.
    mutating func advance() throws(SystemCallError) {
        try load(lineAt: lineEnd + 1)
    }

    /// The current line, parsed.
    var entry: Manifest.Entry? { hasLine ? Manifest.entry(buffer[lineStart..<lineEnd]) : nil }

    /// Appends the current line and its newline to `bytes` as it is (an unchanged entry).
    func appendLine(to bytes: inout [UInt8]) {
        bytes += buffer[lineStart..<lineEnd]
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Makes the line at `buffer[index]` current, reading more of the file when the buffer holds
    /// no whole line from there.
    private mutating func load(lineAt index: Int) throws(SystemCallError) {
        var start = index
        var searchFrom = index
        while true {
            if start < filled, let newline = buffer[searchFrom..<filled].firstIndex(of: UInt8(ascii: "\n")) {
                lineStart = start
                lineEnd = newline
                break
            }
            // Keep the partial line, move it to the front, and fill the rest.
            let kept = max(0, filled - start)
            if kept > 0 && start > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    (raw.baseAddress! + 0).copyMemory(from: raw.baseAddress! + start, byteCount: kept)
                }
            }
            bufferOffset += min(start, filled)
            filled = kept
            searchFrom = kept
            start = 0
            if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let count = try file.read(at: bufferOffset + filled, into: &buffer, at: filled, count: buffer.count - filled)
            if count == 0 {
                // The end (a manifest ends with a newline; a last partial line is no entry).
                hasLine = false
                return
            }
            filled += count
        }
        guard let tab = buffer[lineStart..<lineEnd].lastIndex(of: UInt8(ascii: "\t")) else {
            hasLine = false
            return
        }
        pathStart = tab + 1
        pathEscaped = buffer[pathStart..<lineEnd].contains(UInt8(ascii: "%"))
        hasLine = !pathEscaped || Manifest.unescape(buffer[pathStart..<lineEnd]) != nil
    }
}

extension ManifestCursor {
    /// True when the current line is a file with the size, mode and modification time of `info`,
    /// modified before the second `before`: the live file looks unchanged since that snapshot.
    func isUnchangedFile(_ info: stat, modifiedBefore before: Int) -> Bool {
        guard hasLine, buffer[lineStart] == Manifest.Kind.file.rawValue else { return false }
        // Fields 1 to 4: mode, size, seconds, nanoseconds.
        var values = (0, 0, 0, 0)
        var field = 0
        var start = lineStart + 2
        var index = start
        while field < 4 && index < lineEnd {
            if buffer[index] == UInt8(ascii: "\t") {
                guard let value = Manifest.number(buffer[start..<index], radix: field == 0 ? 8 : 10) else { return false }
                switch field {
                case 0: values.0 = value
                case 1: values.1 = value
                case 2: values.2 = value
                default: values.3 = value
                }
                field += 1
                start = index + 1
            }
            index += 1
        }
        return field == 4 && values.2 < before && values.0 == Int(info.st_mode & 0o7777) && values.1 == Int(info.st_size)
            && values.2 == Int(info.st_mtim.tv_sec) && values.3 == Int(info.st_mtim.tv_nsec)
    }
}
