/// What one snapshot holds: every directory, file and link below its `data/` folder with mode,
/// size, modification time and SHA-256 (of the contents, or of a link's text). `backups --verify`
/// checks a snapshot against it, and the next backup reads it to find unchanged files.
///
/// It is a text file, one entry a line, tab-separated, so that reading 50,000 entries costs
/// milliseconds and a person can `grep` it:
/// `f<TAB>0644<TAB>size<TAB>seconds<TAB>nanoseconds<TAB>sha256<TAB>path`. Paths are raw bytes
/// relative to `data/`; `%`, control bytes and DEL are written as `%XX`.
package struct Manifest: Equatable {
    package enum Kind: UInt8 {
        case directory = 100  // "d"
        case file = 102  // "f"
        case symlink = 108  // "l"
    }

    package struct Entry: Equatable {
        package var kind: Kind
        package var permissions: UInt32
        /// Bytes of a file; length of a link's text; 0 for a directory.
        package var size: Int64
        package var modificationSeconds: Int
        package var modificationNanoseconds: Int
        /// Lowercase hex SHA-256; "-" for a directory.
        package var checksum: String
        /// Relative to the snapshot's `data/`, raw bytes.
        package var path: [UInt8]

        package var pathText: String { NameBytes.string(path) }
    }

    package static let header = "persist-deploy manifest 1"

    package var entries: [Entry]
    /// When the snapshot began reading shared/ (seconds since 1970, the kernel's clock). A file
    /// modified in that second or later may have changed again without its time changing (the
    /// "racy" case), so the next backup copies it instead of trusting size and time.
    package var started: Int

    package init(entries: [Entry] = [], started: Int = 0) {
        self.entries = entries
        self.started = started
    }

    package func encoded() -> [UInt8] {
        var bytes = Array((Self.header + "\nstarted\t\(started)\n").utf8)
        bytes.reserveCapacity(entries.count * 120)
        let tab = UInt8(ascii: "\t")
        for entry in entries {
            bytes.append(entry.kind.rawValue)
            bytes.append(tab)
            bytes += Array(String(entry.permissions, radix: 8).utf8)
            bytes.append(tab)
            bytes += Array(String(entry.size).utf8)
            bytes.append(tab)
            bytes += Array(String(entry.modificationSeconds).utf8)
            bytes.append(tab)
            bytes += Array(String(entry.modificationNanoseconds).utf8)
            bytes.append(tab)
            bytes += Array(entry.checksum.utf8)
            bytes.append(tab)
            Self.escape(entry.path, into: &bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// Nil when `bytes` is not a manifest this version can read.
    package static func decode(_ bytes: [UInt8]) -> Manifest? {
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        guard let first = lines.first, String(decoding: first, as: UTF8.self) == header else { return nil }
        guard lines.count >= 2 else { return nil }
        let startedFields = lines[1].split(separator: UInt8(ascii: "\t"))
        guard startedFields.count == 2, String(decoding: startedFields[0], as: UTF8.self) == "started",
            let started = number(startedFields[1])
        else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(lines.count)
        for line in lines.dropFirst(2) {
            let fields = line.split(separator: UInt8(ascii: "\t"), maxSplits: 6, omittingEmptySubsequences: false)
            guard fields.count == 7, fields[0].count == 1, let kind = Kind(rawValue: fields[0].first!),
                let permissions = number(fields[1], radix: 8), let size = number(fields[2]),
                let seconds = number(fields[3]), let nanoseconds = number(fields[4]),
                let path = unescape(fields[6])
            else { return nil }
            entries.append(Entry(
                kind: kind, permissions: UInt32(permissions), size: Int64(size), modificationSeconds: seconds,
                modificationNanoseconds: nanoseconds, checksum: String(decoding: fields[5], as: UTF8.self), path: path))
        }
        return Manifest(entries: entries, started: started)
    }

    /// The entries by path, for looking up a file of the previous snapshot.
    package func byPath() -> [[UInt8]: Entry] {
        var table: [[UInt8]: Entry] = [:]
        table.reserveCapacity(entries.count)
        for entry in entries { table[entry.path] = entry }
        return table
    }

    /// A whole number written in ASCII digits (a leading `-` allowed); parsed from the bytes
    /// directly, since a manifest holds four numbers a line and tens of thousands of lines.
    private static func number(_ digits: ArraySlice<UInt8>, radix: Int = 10) -> Int? {
        var rest = digits[...]
        let negative = rest.first == UInt8(ascii: "-")
        if negative { rest = rest.dropFirst() }
        guard !rest.isEmpty, rest.count <= 19 else { return nil }
        var value = 0
        for byte in rest {
            let digit = Int(byte) - Int(UInt8(ascii: "0"))
            guard digit >= 0, digit < radix else { return nil }
            value = value * radix + digit
        }
        return negative ? -value : value
    }

    private static func escape(_ path: [UInt8], into bytes: inout [UInt8]) {
        let digits = Array("0123456789ABCDEF".utf8)
        for byte in path {
            if byte < 0x20 || byte == 0x7f || byte == UInt8(ascii: "%") {
                bytes += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]]
            } else {
                bytes.append(byte)
            }
        }
    }

    private static func unescape(_ field: ArraySlice<UInt8>) -> [UInt8]? {
        guard field.contains(UInt8(ascii: "%")) else { return Array(field) }
        var result: [UInt8] = []
        var index = field.startIndex
        while index < field.endIndex {
            let byte = field[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < field.endIndex,
                    let value = UInt8(String(decoding: field[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
                else { return nil }
                result.append(value)
                index += 3
            } else {
                result.append(byte)
                index += 1
            }
        }
        return result
    }
}
