/// The one way a value reaches shell text: single-quoted, with each `'` written as `'\''`.
/// Inside single quotes bash expands nothing, so `$(...)`, backticks, `*` and newlines stay
/// literal (data rule 8).
package enum Shell {
    package static func quote(_ value: String) -> String {
        "'" + Text.replacing("'", with: "'\\''", in: value) + "'"
    }

    /// A command line to paste: each word quoted unless it is plainly safe.
    package static func command(_ words: String...) -> String {
        words.map { word in
            let safe = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "-_./=:@%+,".unicodeScalars.contains(scalar))
            }
            return safe ? word : quote(word)
        }.joined(separator: " ")
    }
}

/// PHP single-quoted string literals (for the shared-hosting `index.php`).
package enum PHP {
    package static func quote(_ value: String) -> String {
        "'" + Text.replacing("'", with: "\\'", in: Text.replacing("\\", with: "\\\\", in: value)) + "'"
    }
}
