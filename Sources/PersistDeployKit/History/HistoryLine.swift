/// The few top-level fields of one history line that the release ledger needs, read without
/// decoding the whole record: a reader that walks many lines (to find where a release was last
/// deployed) pays for one pass over the bytes, not for a `JSONDecoder` per line.
package struct HistoryLine: Sendable, Equatable {
    package var release: String
    package var outcome: HistoryRecord.Outcome
    package var time: String?
    package var from: String?
    /// The raw JSON of a carried line's `checkpoint` object.
    package var checkpoint: [UInt8]?

    /// The fields of `bytes`, or nil unless it is one whole JSON object with a string `release`
    /// and a known `outcome`: a torn line (a crash cut it short) or a foreign one is skipped, as
    /// the full decoder would skip it.
    package static func scan<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> HistoryLine?
    where Bytes.Element == UInt8, Bytes.Index == Int {
        var scanner = Scanner(bytes: bytes, index: bytes.startIndex)
        var release: String?
        var outcome: String?
        var time: String?
        var from: String?
        var checkpoint: [UInt8]?
        scanner.skipSpace()
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        scanner.skipSpace()
        if !scanner.take(UInt8(ascii: "}")) {
            while true {
                scanner.skipSpace()
                guard let key = scanner.string() else { return nil }
                scanner.skipSpace()
                guard scanner.take(UInt8(ascii: ":")) else { return nil }
                scanner.skipSpace()
                if scanner.peek == UInt8(ascii: "\"") {
                    guard let value = scanner.string() else { return nil }
                    switch key {
                    case "release": release = value
                    case "outcome": outcome = value
                    case "time": time = value
                    case "from": from = value
                    default: break
                    }
                } else {
                    guard let range = scanner.skipValue() else { return nil }
                    if key == "checkpoint" { checkpoint = Array(bytes[range]) }
                }
                scanner.skipSpace()
                if scanner.take(UInt8(ascii: ",")) { continue }
                guard scanner.take(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        scanner.skipSpace()
        guard scanner.atEnd, let release, let word = outcome, let known = HistoryRecord.Outcome(rawValue: word) else { return nil }
        return HistoryLine(release: release, outcome: known, time: time, from: from, checkpoint: checkpoint)
    }

    /// A forward reader over JSON bytes; every method leaves `index` after what it consumed.
    private struct Scanner<Bytes: RandomAccessCollection> where Bytes.Element == UInt8, Bytes.Index == Int {
        let bytes: Bytes
        var index: Int

        var atEnd: Bool { index >= bytes.endIndex }
        var peek: UInt8? { atEnd ? nil : bytes[index] }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A { index += 1 }
        }

        /// A JSON string at `index`, unescaped; nil when it is not one or is cut short.
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            var escaped = false
            while let byte = peek {
                if byte == UInt8(ascii: "\"") {
                    let raw = bytes[start..<index]
                    index += 1
                    return escaped ? Self.unescape(raw) : String(decoding: raw, as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    index += 1
                }
                if byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }

        /// Skips a number, literal, object or array; returns the bytes it spanned.
        mutating func skipValue() -> Range<Int>? {
            let start = index
            guard let first = peek else { return nil }
            if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
                var depth = 0
                while let byte = peek {
                    switch byte {
                    case UInt8(ascii: "\""):
                        guard string() != nil else { return nil }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return start..<index
                        }
                    default: break
                    }
                    index += 1
                }
                return nil
            }
            while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != 0x20 { index += 1 }
            return index > start ? start..<index : nil
        }

        /// The text of a string body holding backslash escapes (RFC 8259 section 7).
        static func unescape(_ raw: Bytes.SubSequence) -> String? {
            var scalars = String.UnicodeScalarView()
            var utf8: [UInt8] = []
            func flush() {
                if !utf8.isEmpty { scalars.append(contentsOf: NameBytes.string(utf8).unicodeScalars) }
                utf8.removeAll()
            }
            var index = raw.startIndex
            var pendingHigh: UInt32?
            func hex(at position: Int) -> UInt32? {
                guard position + 4 <= raw.endIndex else { return nil }
                var value: UInt32 = 0
                for byte in raw[position..<position + 4] {
                    guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { return nil }
                    value = value * 16 + UInt32(digit)
                }
                return value
            }
            while index < raw.endIndex {
                let byte = raw[index]
                guard byte == UInt8(ascii: "\\") else {
                    utf8.append(byte)
                    index += 1
                    continue
                }
                flush()
                guard index + 1 < raw.endIndex else { return nil }
                let kind = raw[index + 1]
                index += 2
                var scalar: UInt32
                switch kind {
                case UInt8(ascii: "\""): scalar = 0x22
                case UInt8(ascii: "\\"): scalar = 0x5C
                case UInt8(ascii: "/"): scalar = 0x2F
                case UInt8(ascii: "b"): scalar = 0x08
                case UInt8(ascii: "f"): scalar = 0x0C
                case UInt8(ascii: "n"): scalar = 0x0A
                case UInt8(ascii: "r"): scalar = 0x0D
                case UInt8(ascii: "t"): scalar = 0x09
                case UInt8(ascii: "u"):
                    guard let value = hex(at: index) else { return nil }
                    index += 4
                    scalar = value
                default: return nil
                }
                if (0xD800...0xDBFF).contains(scalar) {
                    pendingHigh = scalar
                    continue
                }
                if (0xDC00...0xDFFF).contains(scalar) {
                    guard let high = pendingHigh else { return nil }
                    scalar = 0x10000 + ((high - 0xD800) << 10) + (scalar - 0xDC00)
                }
                pendingHigh = nil
                guard let unicode = Unicode.Scalar(scalar) else { return nil }
                scalars.append(unicode)
            }
            flush()
            return String(scalars)
        }
    }
}
