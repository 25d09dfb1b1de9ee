/// Small text helpers that FoundationEssentials lacks.
package enum Text {
    /// `text` followed by spaces up to `width` characters.
    package static func padded(_ text: String, to width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// `text` without leading and trailing white space.
    package static func trimmed(_ text: String) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// "1 file", "2 files".
    package static func count(_ number: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(number) \(number == 1 ? singular : plural ?? singular + "s")"
    }

    /// A byte count for people: "512 B", "3.4 MB".
    package static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(count) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// The JSON text of `value`, keys sorted so output is stable.
    package static func json<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own plain model types cannot fail; a failure is a bug worth seeing.
        guard let data = try? encoder.encode(value) else { return "{\"error\": \"could not encode output\"}" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension Text {
    /// `text` with every occurrence of `target` replaced (FoundationEssentials lacks
    /// `replacingOccurrences`).
    package static func replacing(_ target: String, with replacement: String, in text: String) -> String {
        guard !target.isEmpty else { return text }
        var output = ""
        var rest = Substring(text)
        while let range = rest.firstRange(of: target) {
            output += rest[..<range.lowerBound]
            output += replacement
            rest = rest[range.upperBound...]
        }
        return output + rest
    }
}
