/// One member of a tar archive, as its headers say (POSIX ustar, GNU long names, pax).
package struct TarMember: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        case file, hardLink, symlink, characterDevice, blockDevice, directory, fifo
    }

    /// The name exactly as stored (bytes: a name need not be UTF-8).
    package var name: [UInt8]
    package var kind: Kind
    /// The target of a link.
    package var linkName: [UInt8]
    package var mode: UInt32
}

/// Reads the headers of an uncompressed tar stream and skips the contents, so an archive can be
/// judged before anything of it is written. `read(n)` returns up to `n` bytes, fewer only at the
/// end. The formats follow the POSIX pax/ustar description (IEEE 1003.1, "pax" utility) and GNU
/// tar's manual ("Basic Tar Format"): 512-byte blocks, octal or base-256 numbers, `L`/`K` long
/// names, `x` extended headers.
package struct TarReader {
    /// A header or long name this large is not a release archive.
    static let maximumMetadata = 1 << 20

    package struct Damaged: Error, Equatable {
        package var reason: String
    }

    private let read: (Int) throws -> [UInt8]

    package init(read: @escaping (Int) throws -> [UInt8]) {
        self.read = read
    }

    /// The next member, or nil at the end of the archive.
    package mutating func next() throws -> TarMember? {
        var longName: [UInt8]?
        var longLink: [UInt8]?
        var pax: [String: [UInt8]] = [:]
        while true {
            let header = try read(512)
            if header.isEmpty || header.allSatisfy({ $0 == 0 }) { return nil }
            guard header.count == 512 else { throw Damaged(reason: "it ends in the middle of a header") }
            guard checksumMatches(header) else { throw Damaged(reason: "a header's checksum is wrong (not a tar archive, or damaged)") }
            let flag = header[156]
            let headerSize = try number(header[124..<136])
            switch flag {
            case UInt8(ascii: "L"), UInt8(ascii: "K"), UInt8(ascii: "x"):
                guard headerSize <= Self.maximumMetadata else { throw Damaged(reason: "a name or extended header is \(headerSize) bytes long") }
                let data = try contents(headerSize)
                if flag == UInt8(ascii: "L") { longName = Array(data.prefix { $0 != 0 }) }
                if flag == UInt8(ascii: "K") { longLink = Array(data.prefix { $0 != 0 }) }
                if flag == UInt8(ascii: "x") { pax.merge(try Self.paxRecords(data)) { $1 } }
                continue
            case UInt8(ascii: "g"), UInt8(ascii: "V"):
                // A global extended header or a volume label describes no file.
                try skip(headerSize)
                continue
            case UInt8(ascii: "M"), UInt8(ascii: "N"):
                throw Damaged(reason: "it uses a multi-volume or old GNU extension this tool does not read")
            default:
                break
            }
            let kind: TarMember.Kind = switch flag {
            case UInt8(ascii: "1"): .hardLink
            case UInt8(ascii: "2"): .symlink
            case UInt8(ascii: "3"): .characterDevice
            case UInt8(ascii: "4"): .blockDevice
            case UInt8(ascii: "5"), UInt8(ascii: "D"): .directory
            case UInt8(ascii: "6"): .fifo
            default: .file  // POSIX: an unknown type is read as a regular file
            }
            var name = Self.field(header[0..<100])
            let isPOSIX = Array(header[257..<263]) == Array("ustar\0".utf8)
            let prefix = Self.field(header[345..<500])
            if isPOSIX && !prefix.isEmpty { name = prefix + [UInt8(ascii: "/")] + name }
            let member = TarMember(
                name: pax["path"] ?? longName ?? name, kind: kind,
                linkName: pax["linkpath"] ?? longLink ?? Self.field(header[157..<257]),
                mode: UInt32(try number(header[100..<108]) & 0o7777))
            // Links and devices carry no contents, whatever the size field says.
            let size = pax["size"].flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? headerSize
            try skip(kind == .file ? size : 0)
            return member
        }
    }

    private func contents(_ size: Int) throws -> [UInt8] {
        let padded = (size + 511) / 512 * 512
        let data = try read(padded)
        guard data.count == padded else { throw Damaged(reason: "it ends in the middle of a member") }
        return Array(data.prefix(size))
    }

    private func skip(_ size: Int) throws {
        var left = (size + 511) / 512 * 512
        while left > 0 {
            let chunk = try read(min(left, 1 << 16))
            guard !chunk.isEmpty else { throw Damaged(reason: "it ends in the middle of a member") }
            left -= chunk.count
        }
    }

    private static func field(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        Array(bytes.prefix { $0 != 0 })
    }

    /// An octal number, or a base-256 one when the first byte's high bit is set (GNU, for sizes
    /// of 8 GiB and more).
    private func number(_ bytes: ArraySlice<UInt8>) throws -> Int {
        if let first = bytes.first, first & 0x80 != 0 {
            var value = Int(first & 0x3f)
            for byte in bytes.dropFirst() {
                guard value < Int.max >> 9 else { throw Damaged(reason: "a size is out of range") }
                value = value << 8 | Int(byte)
            }
            return value
        }
        var value = 0
        for byte in bytes.drop(while: { $0 == UInt8(ascii: " ") }) {
            if byte == 0 || byte == UInt8(ascii: " ") { break }
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte), value < Int.max >> 4 else {
                throw Damaged(reason: "a header holds a number that is not octal")
            }
            value = value * 8 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private func checksumMatches(_ header: [UInt8]) -> Bool {
        guard let stored = try? number(header[148..<156]) else { return false }
        var sum = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
        return sum == stored
    }

    /// pax records: "LENGTH KEY=VALUE\n", LENGTH counting the whole record.
    static func paxRecords(_ data: [UInt8]) throws -> [String: [UInt8]] {
        var records: [String: [UInt8]] = [:]
        var index = 0
        while index < data.count, data[index] != 0 {
            guard let space = data[index...].firstIndex(of: UInt8(ascii: " ")),
                let length = Int(String(decoding: data[index..<space], as: UTF8.self)), length > 0,
                index + length <= data.count, data[index + length - 1] == UInt8(ascii: "\n")
            else { throw Damaged(reason: "an extended (pax) header is malformed") }
            let record = data[(space + 1)..<(index + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else { throw Damaged(reason: "an extended (pax) header is malformed") }
            records[String(decoding: record[..<equals], as: UTF8.self)] = Array(record[(equals + 1)...])
            index += length
        }
        return records
    }
}
