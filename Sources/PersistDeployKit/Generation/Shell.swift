/// The one way a value reaches shell text: single-quoted, with each `'` written as `'\''`.
/// Inside single quotes bash expands nothing, so `$(...)`, backticks, `*` and newlines stay
/// literal (data rule 8).
package enum Shell {
    package static func quote(_ value: String) -> String {
        "'" + Text.replacing("'", with: "'\\''", in: value) + "'"
    }
}

/// PHP string literals, for the `index.php` written into a synced `public_html`.
package enum PHP {
    package static func quote(_ value: String) -> String {
        "'" + Text.replacing("'", with: "\\'", in: Text.replacing("\\", with: "\\\\", in: value)) + "'"
    }

    /// `text` escaped for the inside of a PHP double-quoted string.
    package static func doubleQuotedContent(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "\\", "\"", "$": output += "\\" + String(character)
            default: output.append(character)
            }
        }
        return output
    }
}
