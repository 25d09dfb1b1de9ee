/// The one way a value reaches shell text: single-quoted, with each `'` written as `'\''`.
/// Inside single quotes bash expands nothing, so `$(...)`, backticks, `*` and newlines stay
/// literal (data rule 8).
package enum Shell {
    package static func quote(_ value: String) -> String {
        "'" + Text.replacing("'", with: "'\\''", in: value) + "'"
    }
}

/// PHP single-quoted string literals (for the shared-hosting `index.php`).
package enum PHP {
    package static func quote(_ value: String) -> String {
        "'" + Text.replacing("'", with: "\\'", in: Text.replacing("\\", with: "\\\\", in: value)) + "'"
    }
}
