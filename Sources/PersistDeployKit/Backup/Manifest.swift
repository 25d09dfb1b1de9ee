/// What one snapshot holds: every directory, file and link below its `data/` folder with mode,
/// size, modification time and SHA-256 (of the contents, or of a link's text). `backups --verify`
/// checks a snapshot against it, and the next backup reads it to find unchanged files.
///
/// A text file, one entry a line, tab-separated, so a person can `grep` it and check it with
/// `sha256sum -c`: `f<TAB>0644<TAB>size<TAB>seconds<TAB>nanoseconds<TAB>sha256<TAB>path`. Paths are
/// raw bytes relative to `data/`; `%`, control bytes and DEL are written as `%XX`.
///
/// Version 2 lists the entries in `Manifest.order` (a walk of the tree, parents first, names
/// compared as bytes), so a backup reads the previous manifest as a stream beside its own walk and
/// a subtree's entries are one run of lines: memory stays flat in the number of files. Version 1
/// (no order) is still read by `backups --verify` and `restore`.
package enum Manifest {
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
        /// Lowercase hex SHA-256 (64 ASCII bytes); "-" for a directory.
        package var checksum: [UInt8]
        /// Relative to the snapshot's `data/`, raw bytes.
        package var path: [UInt8]

        package init(
            kind: Kind, permissions: UInt32, size: Int64, modificationSeconds: Int, modificationNanoseconds: Int,
            checksum: [UInt8], path: [UInt8]
        ) {
            self.kind = kind
            self.permissions = permissions
            self.size = size
            self.modificationSeconds = modificationSeconds
            self.modificationNanoseconds = modificationNanoseconds
            self.checksum = checksum
            self.path = path
        }

        /// The path for messages (bytes that are not UTF-8 shown as `\xNN`).
        package var pathText: String { NameBytes.display(NameBytes.string(path)) }
    }

    package static let header = "persist-deploy manifest 2"
    static let unorderedHeader = "persist-deploy manifest 1"
    static let directoryChecksum: [UInt8] = [UInt8(ascii: "-")]

    /// The first two lines: the version and when the snapshot began reading shared/. A file
    /// modified in that second or later may have changed again without its time changing (the
    /// "racy" case), so the next backup copies it instead of trusting size and time.
    package static func head(started: Int) -> [UInt8] {
        Array((header + "\nstarted\t\(started)\n").utf8)
    }

    /// True when `a` comes before `b` in a manifest: component by component, names compared as
    /// bytes, a folder before everything inside it. Comparing the bytes with `/` counted lowest
    /// gives exactly that, since no name holds `/` or NUL.
    @inline(__always)
    package static func precedes<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool
    where A.Element == UInt8, B.Element == UInt8 {
        compare(a, b) < 0
    }

    /// -1, 0 or 1 as `a` comes before, equals or comes after `b` in manifest order.
    package static func compare<A: Collection, B: Collection>(_ a: A, _ b: B) -> Int
    where A.Element == UInt8, B.Element == UInt8 {
        if let fast = a.withContiguousStorageIfAvailable({ left in
            b.withContiguousStorageIfAvailable { right in compare(left, right) }
        }), let order = fast {
            return order
        }
        var left = a.makeIterator()
        var right = b.makeIterator()
        let slash = UInt8(ascii: "/")
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?):
                if x == y { continue }
                let rankX = x == slash ? 0 : Int(x) + 1
                let rankY = y == slash ? 0 : Int(y) + 1
                return rankX < rankY ? -1 : 1
            }
        }
    }

    private static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(a.count, b.count)
        var index = 0
        while index < common {
            let x = a[index], y = b[index]
            if x != y {
                let rankX = x == UInt8(ascii: "/") ? 0 : Int(x) + 1
                let rankY = y == UInt8(ascii: "/") ? 0 : Int(y) + 1
                return rankX < rankY ? -1 : 1
            }
            index += 1
        }
        return a.count == b.count ? 0 : a.count < b.count ? -1 : 1
    }

    /// True when `path` is `top` or lies below it.
    package static func isWithin<A: Collection, B: Collection>(_ path: A, _ top: B) -> Bool
    where A.Element == UInt8, B.Element == UInt8 {
        guard path.starts(with: top) else { return false }
        let rest = path.dropFirst(top.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "/")
    }

    // MARK: - One line

    /// Appends `entry` as one line.
    package static func append(_ entry: Entry, to bytes: inout [UInt8]) {
        let tab = UInt8(ascii: "\t")
        bytes.append(entry.kind.rawValue)
        bytes.append(tab)
        appendNumber(Int(entry.permissions), radix: 8, to: &bytes)
        bytes.append(tab)
        appendNumber(Int(entry.size), to: &bytes)
        bytes.append(tab)
        appendNumber(entry.modificationSeconds, to: &bytes)
        bytes.append(tab)
        appendNumber(entry.modificationNanoseconds, to: &bytes)
        bytes.append(tab)
        bytes += entry.checksum
        bytes.append(tab)
        escape(entry.path, into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// The entry on one line (without its newline); nil when the line is not an entry.
    package static func entry(_ line: ArraySlice<UInt8>) -> Entry? {
        let fields = line.split(separator: UInt8(ascii: "\t"), maxSplits: 6, omittingEmptySubsequences: false)
        guard fields.count == 7, fields[0].count == 1, let kind = Kind(rawValue: fields[0].first!),
            let permissions = number(fields[1], radix: 8), let size = number(fields[2]),
            let seconds = number(fields[3]), let nanoseconds = number(fields[4]),
            let path = unescape(fields[6]), !path.isEmpty
        else { return nil }
        return Entry(
            kind: kind, permissions: UInt32(permissions), size: Int64(size), modificationSeconds: seconds,
            modificationNanoseconds: nanoseconds, checksum: Array(fields[5]), path: path)
    }

    /// The path of a line, read from after its last tab (a path holds no tab: it is escaped).
    static func path(ofLine line: ArraySlice<UInt8>) -> [UInt8]? {
        guard let tab = line.lastIndex(of: UInt8(ascii: "\t")) else { return nil }
        return unescape(line[(tab + 1)...])
    }

    /// `started` from the second line of a manifest.
    static func started(_ line: ArraySlice<UInt8>) -> Int? {
        let fields = line.split(separator: UInt8(ascii: "\t"))
        guard fields.count == 2, fields[0].elementsEqual("started".utf8) else { return nil }
        return number(fields[1])
    }

    /// A whole number written in ASCII digits (a leading `-` allowed); parsed from the bytes
    /// directly, since a manifest holds four numbers a line and hundreds of thousands of lines.
    static func number(_ digits: ArraySlice<UInt8>, radix: Int = 10) -> Int? {
        var rest = digits[...]
        let negative = rest.first == UInt8(ascii: "-")
        if negative { rest = rest.dropFirst() }
        guard !rest.isEmpty, rest.count <= 18 else { return nil }
        var value = 0
        for byte in rest {
            let digit = Int(byte) &- Int(UInt8(ascii: "0"))
            guard digit >= 0, digit < radix else { return nil }
            value = value * radix + digit
        }
        return negative ? -value : value
    }

    private static func appendNumber(_ value: Int, radix: Int = 10, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var rest = value.magnitude
        let first = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % UInt(radix)))
            rest /= UInt(radix)
        } while rest > 0
        bytes[first...].reverse()
    }

    static func escape(_ path: [UInt8], into bytes: inout [UInt8]) {
        let digits: StaticString = "0123456789ABCDEF"
        for byte in path {
            if byte < 0x20 || byte == 0x7f || byte == UInt8(ascii: "%") {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(digits.utf8Start[Int(byte >> 4)])
                bytes.append(digits.utf8Start[Int(byte & 0x0f)])
            } else {
                bytes.append(byte)
            }
        }
    }

    static func unescape(_ field: ArraySlice<UInt8>) -> [UInt8]? {
        guard field.contains(UInt8(ascii: "%")) else { return Array(field) }
        var result: [UInt8] = []
        var index = field.startIndex
        while index < field.endIndex {
            let byte = field[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < field.endIndex, let high = hexValue(field[index + 1]), let low = hexValue(field[index + 2])
                else { return nil }
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(byte)
                index += 1
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
