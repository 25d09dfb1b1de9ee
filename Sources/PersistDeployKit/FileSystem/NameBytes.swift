import Glibc

/// File names on Linux are bytes, not text: any byte but `/` and NUL may appear, and a name need
/// not be valid UTF-8. The tool keeps paths as `String`s, so this mapping makes that lossless, in
/// the way PEP 383 ("surrogateescape") does for Python: a byte that is not part of valid UTF-8
/// becomes the private-use scalar U+F700 + byte (U+F780 to U+F7FF), and a valid UTF-8 sequence that
/// itself encodes a scalar of that range is escaped byte by byte. `bytes(string(b)) == b` for every
/// byte sequence `b`, so two different names never become one string.
///
/// Swift compares strings by canonical equivalence (NFC "é" equals NFD "é"), but a file system
/// does not: code that compares or hashes names must use `NameBytes.Key` or the `utf8` view.
package enum NameBytes {
    private static let escapeBase: UInt32 = 0xF700
    private static let escapes: ClosedRange<UInt32> = 0xF780...0xF7FF

    /// The name or path for the given bytes (no NUL expected).
    package static func string<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        if let text = String(validating: bytes, as: UTF8.self), !containsEscapeRange(text.utf8) {
            return text
        }
        let bytes = Array(bytes)
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            let length = validSequenceLength(bytes, at: index)
            guard length > 0 else {
                scalars.append(escape(bytes[index]))
                index += 1
                continue
            }
            let sequence = bytes[index..<index + length]
            let scalar = String(decoding: sequence, as: UTF8.self).unicodeScalars.first!
            if escapes.contains(scalar.value) {
                for byte in sequence { scalars.append(escape(byte)) }
            } else {
                scalars.append(scalar)
            }
            index += length
        }
        return String(scalars)
    }

    /// The bytes a name or path stands for: the inverse of `string(_:)`.
    package static func bytes(_ string: String) -> [UInt8] {
        guard containsEscapeRange(string.utf8) else { return Array(string.utf8) }
        var result: [UInt8] = []
        result.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars {
            if escapes.contains(scalar.value) {
                result.append(UInt8(scalar.value - escapeBase))
            } else {
                result.append(contentsOf: Array(String(scalar).utf8))
            }
        }
        return result
    }

    /// The name or path for a NUL-terminated C string (a `readdir` name, a `readlink` text).
    package static func string(cString: [CChar]) -> String {
        cString.withUnsafeBufferPointer { buffer in
            let count = buffer.firstIndex(of: 0) ?? buffer.count
            return buffer.withMemoryRebound(to: UInt8.self) { string(UnsafeBufferPointer(rebasing: $0[..<count])) }
        }
    }

    /// The NUL-terminated bytes of a name or path, for the `*at` calls that take a name.
    package static func cString(_ string: String) -> [CChar] {
        var result = bytes(string).map { CChar(bitPattern: $0) }
        result.append(0)
        return result
    }

    /// True when `a`'s bytes sort before `b`'s (what `ls` shows under `LC_ALL=C`). The strings'
    /// UTF-8 is compared directly; it gives the same order unless the first difference falls in
    /// an escape (`EF 9E xx` or `EF 9F xx`), and only then are the real bytes compared.
    package static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        let order: Int? = a.withUTF8 { first in
            b.withUTF8 { second in
                let common = min(first.count, second.count)
                var index = 0
                while index < common, first[index] == second[index] { index += 1 }
                if inEscape(first, at: index) || inEscape(second, at: index) { return nil }
                if index == common { return first.count < second.count ? -1 : (first.count == second.count ? 0 : 1) }
                return first[index] < second[index] ? -1 : 1
            }
        }
        guard let order else { return bytes(a).lexicographicallyPrecedes(bytes(b)) }
        return order < 0
    }

    /// True when `a` sorts before `b` byte by byte (`LC_ALL=C`): how raw names and paths are sorted
    /// before they become strings.
    package static func precedes(bytes a: [UInt8], _ b: [UInt8]) -> Bool {
        let order = memcmp(a, b, min(a.count, b.count))
        return order != 0 ? order < 0 : a.count < b.count
    }

    /// True when the UTF-8 byte at `index` (or the end, at `count`) is within an escape.
    private static func inEscape(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        for start in max(0, index - 2)...index where start + 1 < utf8.count {
            if utf8[start] == 0xEF && (utf8[start + 1] == 0x9E || utf8[start + 1] == 0x9F) && start + 2 >= index { return true }
        }
        return false
    }

    /// Runs `body` with the path as the NUL-terminated bytes a system call takes.
    package static func withCString<Result, Failure: Error>(
        _ path: String, _ body: (UnsafePointer<CChar>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var bytes = bytes(path).map { CChar(bitPattern: $0) }
        bytes.append(0)
        let result: Swift.Result<Result, Failure> = bytes.withUnsafeBufferPointer { buffer in
            do throws(Failure) {
                return .success(try body(buffer.baseAddress!))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The name for people and JSON: each byte that is not UTF-8 shown as `\xNN` (which
    /// `printf '%b'` turns back into the byte). `backslash` is what writes the `\`: `"\\\\"`
    /// inside JSON text, where a bare one would start an escape.
    package static func display(_ string: String, backslash: String = "\\") -> String {
        guard containsEscapeRange(string.utf8) else { return string }
        var result = ""
        for scalar in string.unicodeScalars {
            if escapes.contains(scalar.value) {
                let hex = String(scalar.value - escapeBase, radix: 16, uppercase: true)
                result += backslash + "x" + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The name a `display` form stands for: each `\xNN` with NN from 80 to FF becomes that byte.
    /// JSON text cannot hold such a byte, so a path typed into `persist-deploy.json` is written
    /// as the tool shows it (`"public/caf\\xE9"`). A name with a literal `\xE9` in it cannot be
    /// written there.
    package static func parsingDisplay(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "\\")) else { return text }
        var bytes: [UInt8] = []
        let source = NameBytes.bytes(text)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "\\"), index + 3 < source.count, source[index + 1] == UInt8(ascii: "x"),
                let value = UInt8(String(decoding: source[(index + 2)...(index + 3)], as: UTF8.self), radix: 16), value >= 0x80
            {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return string(bytes)
    }

    /// A name compared and hashed by its bytes, never by canonical equivalence.
    package struct Key: Hashable, Comparable, Sendable {
        package let string: String

        package init(_ string: String) { self.string = string }

        // Native strings hold their UTF-8 contiguously: compare and hash it as one buffer (a byte
        // at a time cost a fifth of a deploy's instructions on a 60,000-file release).
        package static func == (a: Key, b: Key) -> Bool {
            let fast = a.string.utf8.withContiguousStorageIfAvailable { left in
                b.string.utf8.withContiguousStorageIfAvailable { right in
                    left.count == right.count && (left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
                }
            }
            if let fast, let equal = fast { return equal }
            return a.string.utf8.elementsEqual(b.string.utf8)
        }
        package static func < (a: Key, b: Key) -> Bool { NameBytes.precedes(a.string, b.string) }
        package func hash(into hasher: inout Hasher) {
            hasher.combine(string.utf8.count)
            let hashed: Void? = string.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            if hashed == nil {
                Array(string.utf8).withUnsafeBytes { hasher.combine(bytes: $0) }
            }
        }
    }

    private static func escape(_ byte: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(escapeBase + UInt32(byte))!
    }

    /// True when the UTF-8 holds EF 9E or EF 9F: the lead of U+F780 to U+F7FF.
    private static func containsEscapeRange(_ utf8: String.UTF8View) -> Bool {
        // Contiguous UTF-8 (every native string): memchr finds each 0xEF, most names have none.
        let scanned = utf8.withContiguousStorageIfAvailable { buffer -> Bool in
            guard let start = buffer.baseAddress else { return false }
            var offset = 0
            while offset + 1 < buffer.count, let hit = memchr(start + offset, 0xEF, buffer.count - offset - 1) {
                let at = start.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if start[at + 1] == 0x9E || start[at + 1] == 0x9F { return true }
                offset = at + 1
            }
            return false
        }
        if let scanned { return scanned }
        var afterEF = false
        for byte in utf8 {
            if afterEF && (byte == 0x9E || byte == 0x9F) { return true }
            afterEF = byte == 0xEF
        }
        return false
    }
}

/// The length of the valid UTF-8 sequence starting at `index` (RFC 3629: no overlong forms, no
/// surrogates, nothing past U+10FFFF), or 0 when the byte there does not start one.
private func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
    func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
        index + offset < bytes.count && range.contains(bytes[index + offset])
    }
    switch bytes[index] {
    case 0x00...0x7F: return 1
    case 0xC2...0xDF: return continuation(1) ? 2 : 0
    case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : 0
    case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : 0
    case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : 0
    case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : 0
    default: return 0
    }
}
