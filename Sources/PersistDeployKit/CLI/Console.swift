import Glibc

/// Where a command's words go. Human text goes to stdout, or to stderr under `--json` so stdout
/// holds the one JSON object alone; warnings and errors always go to stderr.
package final class Console: @unchecked Sendable {
    package let json: Bool
    package let quiet: Bool
    package let verbose: Bool
    package let color: Bool
    package let isTerminal: Bool
    private let writeOut: (String) -> Void
    private let writeErr: (String) -> Void

    package init(
        json: Bool = false, quiet: Bool = false, verbose: Bool = false, color: Bool = false,
        isTerminal: Bool = false, stdout: @escaping (String) -> Void, stderr: @escaping (String) -> Void
    ) {
        self.json = json
        self.quiet = quiet
        self.verbose = verbose
        self.color = color
        self.isTerminal = isTerminal
        self.writeOut = stdout
        self.writeErr = stderr
    }

    /// A line for people; silent under `--quiet`.
    package func say(_ line: String) {
        guard !quiet else { return }
        json ? writeErr(line + "\n") : writeOut(line + "\n")
    }

    /// A line shown only with `--verbose`.
    package func detail(_ line: String) {
        guard verbose else { return }
        writeErr(line + "\n")
    }

    package func warn(_ line: String) {
        writeErr(paint("warning: ", code: "33") + line + "\n")
    }

    package func error(_ error: ToolError) {
        writeErr(paint("error: ", code: "31") + error.message + "\n")
        if let hint = error.hint { writeErr(hint + "\n") }
    }

    /// The command's JSON result, when `--json` was given.
    package func result<T: Encodable>(_ value: T) {
        guard json else { return }
        writeOut(Text.json(value) + "\n")
    }

    /// Text that is the command's output itself (help, a generated script), always on stdout.
    package func print(_ text: String) {
        writeOut(text)
    }

    /// An updating progress line on a terminal; nothing otherwise.
    package func progress(_ line: String) {
        guard isTerminal, !quiet, !json else { return }
        writeErr("\r\u{1B}[K" + line)
    }

    package func endProgress() {
        guard isTerminal, !quiet, !json else { return }
        writeErr("\r\u{1B}[K")
    }

    /// `text` in an ANSI colour when colour is on.
    package func paint(_ text: String, code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
