/// What a release held when it went live: every folder, file and link below it, recorded by one
/// `lstat` walk that never enters a link, so the links into shared/ are boundaries and users' data
/// is never listed. Stored as `.persist-deploy/manifests/<id>.tree` just before the switch; before
/// a deploy or a cleanup the release is compared with it (data rule 4).
///
/// The file is bytes, one record per NUL-terminated line, so any file name survives and bash can
/// read and write it (`read -d ''`, `stat --printf`): a header `persist-deploy-tree 1`, then
/// `disposable PATH` records, then `TYPE SIZE MTIME DIGEST PATH` for each entry, where TYPE is
/// `d`, `f`, `l` or `o`, SIZE is bytes (`-` for a folder), MTIME is `SECONDS.NANOSECONDS` (`-` for a
/// folder, whose time changes whenever its entries do) and DIGEST is the SHA-256 of a file
/// changed too close to the recording for size and time to show a later change (else `-`).
package struct ReleaseTree: Sendable, Equatable {
    package struct Entry: Sendable, Equatable {
        package var type: EntryType
        /// Bytes (a link's is the length of its text); 0 for a folder.
        package var size: Int64
        /// Nanoseconds since 1970; 0 for a folder.
        package var modificationNanoseconds: Int64
        /// Lowercase hex SHA-256, only for files modified within `racyWindow` of the recording.
        package var digest: String?

        package init(type: EntryType, size: Int64, modificationNanoseconds: Int64, digest: String? = nil) {
            self.type = type
            self.size = size
            self.modificationNanoseconds = modificationNanoseconds
            self.digest = digest
        }
    }

    /// File systems keep times at a coarse clock tick (a few milliseconds, two seconds on FAT):
    /// a file written within this many nanoseconds of the recording also gets a digest.
    package static let racyWindow: Int64 = 2_000_000_000
    package static let header = "persist-deploy-tree 1"

    /// Entries by their paths' bytes (relative to the release), in the order they were recorded
    /// (parents first).
    private var table = PathTable<Entry>()
    /// Paths below which the running app's writes may be dropped, as classified at recording.
    package var disposable: [String] = []

    package init(disposable: [String] = []) {
        self.disposable = disposable
    }

    package var count: Int { table.count }

    /// Paths relative to the release, in the order they were recorded (parents first).
    package var paths: [String] { (0..<table.count).map { table.withPath(at: $0) { NameBytes.string($0) } } }

    package subscript(path: String) -> Entry? {
        NameBytes.bytes(path).withUnsafeBufferPointer { self[bytes: $0] }
    }

    /// The entry recorded for a path given as its raw bytes.
    package subscript(bytes path: UnsafeBufferPointer<UInt8>) -> Entry? {
        table.index(of: path).map { table.values[$0] }
    }

    package mutating func add(_ path: String, _ entry: Entry) {
        NameBytes.bytes(path).withUnsafeBufferPointer { add(bytes: $0, entry) }
    }

    /// Adds an entry for a path given as its raw bytes (a later one for the same path replaces it).
    package mutating func add(bytes path: UnsafeBufferPointer<UInt8>, _ entry: Entry) {
        table.set(path, entry)
    }

    /// The entry for a walked path as a manifest records it.
    package static func entry(for status: FileStatus) -> Entry {
        switch status.type {
        case .directory: Entry(type: .directory, size: 0, modificationNanoseconds: 0)
        default: Entry(type: status.type, size: status.size, modificationNanoseconds: status.modificationNanoseconds)
        }
    }

    /// True when the entry on disk is the one recorded, as far as type, size and time tell (and
    /// the digest, when one was recorded). `digestOf` reads the file only in that last case.
    package func matches(_ path: String, _ status: FileStatus, digestOf: () -> String?) -> Bool {
        guard let recorded = self[path] else { return false }
        return Self.matches(recorded, status, digestOf: digestOf)
    }

    /// True when `status` is what `recorded` says (see `matches(_:_:digestOf:)`).
    package static func matches(_ recorded: Entry, _ status: FileStatus, digestOf: () -> String?) -> Bool {
        guard recorded.type == status.type else { return false }
        switch status.type {
        case .directory: return true
        // A link holds no data; its text's length tells a re-pointed link (recover re-creates
        // links with the same text and a new time).
        case .symlink: return recorded.size == status.size
        default:
            guard recorded.size == status.size, recorded.modificationNanoseconds == status.modificationNanoseconds else {
                return false
            }
            guard let digest = recorded.digest else { return true }
            return digestOf() == digest
        }
    }

    // MARK: The file

    /// The manifest as the bytes of its file, written field by field: each record's fields go
    /// into a small buffer appended at once (string interpolation per entry was a tenth of a
    /// 60,000-file deploy, and a byte-by-byte append still a fifth of recording one).
    package var bytes: [UInt8] {
        var out = ByteBuffer(capacity: table.pathBytes + table.count * 40 + 64)
        func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { out.append($0) } }
        append(Array(Self.header.utf8) + [0])
        for path in disposable {
            append(Array("disposable ".utf8) + NameBytes.bytes(path) + [0])
        }
        let space = UInt8(ascii: " "), dash = UInt8(ascii: "-")
        // TYPE SIZE SECONDS.NANOSECONDS: at most 1 + 1 + 20 + 1 + 20 + 1 + 20 + 1 bytes, and "- ".
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 72) { line in
            for index in 0..<table.count {
                let entry = table.values[index]
                var used = 0
                if entry.type == .directory {
                    for byte in Self.folderFields {
                        line[used] = byte
                        used += 1
                    }
                } else {
                    line[0] = entry.type == .file ? UInt8(ascii: "f") : entry.type == .symlink ? UInt8(ascii: "l") : UInt8(ascii: "o")
                    line[1] = space
                    used = 2
                    Self.writeDecimal(entry.size, into: line, at: &used)
                    line[used] = space
                    used += 1
                    // As stat(2) keeps a time: whole seconds rounded down (negative before 1970)
                    // and the nanoseconds past them, so a file dated 1969 reads back as it was.
                    let (seconds, fraction) = Self.secondsAndFraction(entry.modificationNanoseconds)
                    Self.writeDecimal(seconds, into: line, at: &used)
                    line[used] = UInt8(ascii: ".")
                    used += 1
                    Self.writeDecimal(fraction, into: line, at: &used, width: 9)
                    line[used] = space
                    used += 1
                    if entry.digest == nil {
                        line[used] = dash
                        line[used + 1] = space
                        used += 2
                    }
                }
                out.append(UnsafeBufferPointer(rebasing: line[..<used]))
                if let digest = entry.digest { append(Array(digest.utf8) + [space]) }
                table.withPath(at: index) { out.append($0) }
                out.append(0)
            }
        }
        return out.array
    }

    private static let folderFields = Array("d - - - ".utf8)

    /// Writes `value`'s decimal digits, zero-padded to `width`, at `used` in `line`.
    private static func writeDecimal(_ value: Int64, into line: UnsafeMutableBufferPointer<UInt8>, at used: inout Int, width: Int = 1) {
        if value < 0 {
            line[used] = UInt8(ascii: "-")
            used += 1
        }
        var digits = 1
        var rest = value.magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        digits = max(digits, width)
        rest = value.magnitude
        for offset in stride(from: digits - 1, through: 0, by: -1) {
            line[used + offset] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        used += digits
    }

    /// Reads a manifest file's bytes; nil when they are not one (a foreign or torn file). Fields
    /// are read from the bytes directly: a release of 60,000 entries must not cost a string per
    /// field.
    package static func parse(_ bytes: [UInt8]) -> ReleaseTree? {
        let header = Array(Self.header.utf8)
        guard bytes.count > header.count, bytes.starts(with: header), bytes[header.count] == 0, bytes.last == 0 else {
            return nil
        }
        let disposablePrefix = Array("disposable ".utf8)
        var tree = ReleaseTree()
        // A record takes about 60 bytes besides its path.
        tree.table.reserveCapacity(bytes.count / 72, pathBytes: bytes.count / 2)
        var start = header.count + 1
        return bytes.withUnsafeBufferPointer { buffer -> ReleaseTree? in
            while start < buffer.count {
                var end = start
                while buffer[end] != 0 { end += 1 }
                let record = UnsafeBufferPointer(rebasing: buffer[start..<end])
                start = end + 1
                if record.starts(with: disposablePrefix) {
                    tree.disposable.append(NameBytes.string(record.dropFirst(disposablePrefix.count)))
                    continue
                }
                // TYPE SIZE MTIME DIGEST PATH: four spaces, then the path (which may hold more).
                let space = UInt8(ascii: " ")
                guard let s0 = record.firstIndex(of: space), s0 == 1,
                    let s1 = record[(s0 + 1)...].firstIndex(of: space),
                    let s2 = record[(s1 + 1)...].firstIndex(of: space),
                    let s3 = record[(s2 + 1)...].firstIndex(of: space), s3 + 1 < record.count
                else { return nil }
                let path = UnsafeBufferPointer(rebasing: record[(s3 + 1)...])
                switch record[0] {
                case UInt8(ascii: "d"):
                    tree.add(bytes: path, Entry(type: .directory, size: 0, modificationNanoseconds: 0))
                case UInt8(ascii: "f"), UInt8(ascii: "l"), UInt8(ascii: "o"):
                    guard let size = number(record[(s0 + 1)..<s1]),
                        let time = time(record[(s1 + 1)..<s2])
                    else { return nil }
                    let digest = record[(s2 + 1)..<s3]
                    let type: EntryType = record[0] == UInt8(ascii: "f") ? .file : record[0] == UInt8(ascii: "l") ? .symlink : .other
                    tree.add(bytes: path, Entry(
                        type: type, size: size, modificationNanoseconds: time,
                        digest: digest.elementsEqual([UInt8(ascii: "-")]) ? nil : String(decoding: digest, as: UTF8.self)))
                default: return nil
                }
            }
            return tree
        }
    }

    /// A decimal number of up to 18 digits, or nil.
    private static func number(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value: Int64 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(digit - UInt8(ascii: "0"))
        }
        return value
    }

    /// `SECONDS.NANOSECONDS` (nine digits; seconds negative before 1970) as nanoseconds, or nil.
    private static func time(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        guard let dot = text.firstIndex(of: UInt8(ascii: ".")), text.endIndex - dot == 10 else { return nil }
        let negative = text.first == UInt8(ascii: "-")
        guard let magnitude = number(text[(negative ? text.startIndex + 1 : text.startIndex)..<dot]),
            let fraction = number(text[(dot + 1)...])
        else { return nil }
        return (negative ? -magnitude : magnitude) * 1_000_000_000 + fraction
    }

    /// Nanoseconds as whole seconds rounded down and the nanoseconds past them (0 to 999,999,999).
    package static func secondsAndFraction(_ nanoseconds: Int64) -> (seconds: Int64, fraction: Int64) {
        var seconds = nanoseconds / 1_000_000_000
        var fraction = nanoseconds % 1_000_000_000
        if fraction < 0 {
            seconds -= 1
            fraction += 1_000_000_000
        }
        return (seconds, fraction)
    }
}
