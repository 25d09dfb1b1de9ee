/// A parsed JSON document. The tool parses JSON itself rather than through `JSONDecoder` because
/// `persist-deploy.json` must be checked strictly (a duplicate key is an error, and every error
/// names a line), and FoundationEssentials has no `JSONSerialization`.
package indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type's name as a person would say it, for error messages.
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a true/false value"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }

    package var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    package var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }
}

/// A JSON object with its keys in file order and the line each key was written on. Keys are
/// compared by their bytes: two paths that differ only in Unicode normalization are two paths
/// on disk, so they are two keys here. Every look-up is one hash, so large files parse in
/// linear time.
package struct JSONObject: Sendable, Equatable {
    package private(set) var keys: [String] = []
    private var values: [NameBytes.Key: JSONValue] = [:]
    private var keyLines: [NameBytes.Key: Int] = [:]

    package init() {}

    package subscript(key: String) -> JSONValue? { values[NameBytes.Key(key)] }

    /// The line `key` was written on.
    package func line(of key: String) -> Int? { keyLines[NameBytes.Key(key)] }

    /// Adds `key`; false (and no change) when the object already has it.
    mutating func insert(_ key: String, _ value: JSONValue, line: Int) -> Bool {
        let byBytes = NameBytes.Key(key)
        guard values[byBytes] == nil else { return false }
        keys.append(key)
        values[byBytes] = value
        keyLines[byBytes] = line
        return true
    }
}

/// What made a JSON text unreadable, with the line it was found on.
package struct JSONParseError: Error, Equatable, CustomStringConvertible {
    package var message: String
    package var line: Int

    package init(message: String, line: Int) {
        self.message = message
        self.line = line
    }

    package var description: String { "line \(line): \(message)" }
}

/// A small strict JSON parser (RFC 8259) over UTF-8 bytes.
package struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private let rejectDuplicateKeys: Bool

    /// Parses a whole document; with `rejectDuplicateKeys` a key written twice in one object is
    /// an error rather than silently keeping one of the values.
    package static func parse(_ bytes: [UInt8], rejectDuplicateKeys: Bool = false) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, rejectDuplicateKeys: rejectDuplicateKeys)
        // A UTF-8 byte-order mark is common in files saved by Windows editors.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.index < bytes.count { throw parser.error("unexpected text after the end of the document") }
        return value
    }

    private init(bytes: [UInt8], rejectDuplicateKeys: Bool) {
        self.bytes = bytes
        self.rejectDuplicateKeys = rejectDuplicateKeys
    }

    private func error(_ message: String) -> JSONParseError {
        JSONParseError(message: message, line: line)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
            default: return
            }
            index += 1
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        // Deep nesting only comes from a broken or hostile file; stop before the stack does.
        guard depth < 200 else { throw error("nested too deeply") }
        skipWhitespace()
        guard index < bytes.count else { throw error("the document ends where a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }

    private mutating func expectWord(_ word: String) throws(JSONParseError) {
        let wordBytes = Array(word.utf8)
        guard bytes.count - index >= wordBytes.count, Array(bytes[index..<index + wordBytes.count]) == wordBytes else {
            throw error("unexpected text where '\(word)' or another value was expected")
        }
        index += wordBytes.count
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let number = Double(text), text.first != "+", !text.hasPrefix("."), !text.hasSuffix(".") else {
            throw error("'\(text)' is not a number")
        }
        return .number(number)
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw error("the document ends inside a list") }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            guard bytes[index] == UInt8(ascii: ",") else { throw error("expected ',' or ']' in a list") }
            index += 1
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        index += 1
        var object = JSONObject()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a key in double quotes")
            }
            let keyLine = line
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("expected ':' after the key \"\(key)\"")
            }
            index += 1
            let value = try parseValue(depth: depth + 1)
            if !object.insert(key, value, line: keyLine) && rejectDuplicateKeys {
                throw JSONParseError(message: "the key \"\(key)\" appears twice in one object", line: keyLine)
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("the document ends inside an object") }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(object)
            }
            guard bytes[index] == UInt8(ascii: ",") else { throw error("expected ',' or '}' after the value of \"\(key)\"") }
            index += 1
        }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            run.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"): scalars.append(try parseUnicodeEscape())
                default: throw error("unknown escape '\\\(Character(Unicode.Scalar(escape)))' in a string")
                }
            case 0..<0x20:
                throw error(byte == UInt8(ascii: "\n") ? "a string is not closed before the end of the line" : "a control character inside a string")
            default:
                run.append(byte)
            }
        }
        throw error("the document ends inside a string")
    }

    private mutating func parseHexQuad() throws(JSONParseError) -> UInt32 {
        guard bytes.count - index >= 4,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw error("'\\u' must be followed by four hex digits") }
        index += 4
        return value
    }

    private mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let first = try parseHexQuad()
        if (0xD800..<0xDC00).contains(first), bytes.count - index >= 6,
            bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
        {
            index += 2
            let second = try parseHexQuad()
            if (0xDC00..<0xE000).contains(second),
                let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
            {
                return scalar
            }
        }
        // A lone surrogate names no character; keep the text readable rather than fail.
        return Unicode.Scalar(first) ?? "\u{FFFD}"
    }
}
