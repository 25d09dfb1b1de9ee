import Glibc

/// Where a command's words go. Human text goes to stdout, or to stderr under `--json` so stdout
/// holds the one JSON object alone; warnings and errors always go to stderr. Under `--json` the
/// command's result is held until it ends: a command that fails prints the contract's error
/// object instead (`{"error", "hint", "exitCode"}`, with the result's fields after them).
///
/// On a terminal (and without `--json` or `--quiet`) long work draws one updating progress line
/// on stderr; any other output first clears it, so the line never mixes with text.
///
/// Names that are not UTF-8 reach people as `NameBytes.display` (`caf\xE9`), in text and in
/// `--json` output alike; `print` (a generated script) writes their real bytes.
package final class Console: ProgressSink, @unchecked Sendable {
    package let json: Bool
    package let quiet: Bool
    package let verbose: Bool
    package let color: Bool
    package let isTerminal: Bool
    private let writeOut: (String) -> Void
    private let writeErr: (String) -> Void
    private let clock: @Sendable () -> Double
    /// The meter of the work under way; small operations of one kind in a row share it.
    private var activeMeter: ProgressMeter?
    private var progressLineShown = false
    /// The `--json` result not yet written (see `finish`).
    private var pendingResult: String?
    private var mutex = pthread_mutex_t()

    /// - Parameter clock: for progress lines; tests inject one.
    package init(
        json: Bool = false, quiet: Bool = false, verbose: Bool = false, color: Bool = false,
        isTerminal: Bool = false, clock: @escaping @Sendable () -> Double = ProgressMeter.monotonicSeconds,
        stdout: @escaping (String) -> Void, stderr: @escaping (String) -> Void
    ) {
        self.json = json
        self.quiet = quiet
        self.verbose = verbose
        self.color = color
        self.isTerminal = isTerminal
        self.clock = clock
        self.writeOut = stdout
        self.writeErr = stderr
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    /// True when progress lines are drawn at all.
    package var showsProgress: Bool { isTerminal && !quiet && !json }

    /// A line for people; silent under `--quiet`.
    package func say(_ line: String) {
        guard !quiet else { return }
        endProgress()
        let line = NameBytes.display(line)
        json ? writeErr(line + "\n") : writeOut(line + "\n")
    }

    /// A line shown only with `--verbose`.
    package func detail(_ line: String) {
        guard verbose else { return }
        endProgress()
        writeErr(NameBytes.display(line) + "\n")
    }

    package func warn(_ line: String) {
        endProgress()
        writeErr(paint("warning: ", code: "33") + NameBytes.display(line) + "\n")
    }

    /// A line about the tool's own progress that must not go unseen (waiting for a lock,
    /// creating a deploy root): on stderr, even with `--quiet`.
    package func notice(_ line: String) {
        endProgress()
        writeErr(NameBytes.display(line) + "\n")
    }

    /// A line that is the point of the command even with `--quiet` (a failed health check's
    /// problems, read by cron and monitoring): stdout, or stderr under `--json`.
    package func essential(_ line: String) {
        endProgress()
        let line = NameBytes.display(line)
        json ? writeErr(line + "\n") : writeOut(line + "\n")
    }

    /// Reports a failure on stderr; under `--json` also the one JSON object on stdout, carrying
    /// the fields of a result the command had already given.
    package func error(_ error: ToolError) {
        endProgress()
        writeErr(paint("error: ", code: "31") + NameBytes.display(error.message) + "\n")
        if let hint = error.hint { writeErr(NameBytes.display(hint) + "\n") }
        guard json else { return }
        var object = "{\"error\":\(Text.jsonString(error.message)),\"exitCode\":\(error.exitCode.rawValue),"
            + "\"hint\":\(Text.jsonString(error.hint ?? ""))"
            + (error.activated.map { ",\"activated\":\($0)" } ?? "") + (error.live.map { ",\"live\":\(Text.jsonString($0))" } ?? "") + "}"
        if let result = locked({ () -> String? in defer { pendingResult = nil }; return pendingResult }),
            result.hasPrefix("{"), result != "{}"
        {
            object = String(object.dropLast()) + "," + result.dropFirst()
        }
        writeOut(Self.displayJSON(object) + "\n")
    }

    /// The command's JSON result, when `--json` was given; written by `finish` once the command
    /// has ended without an error.
    package func result<T: Encodable>(_ value: T) {
        guard json else { return }
        let text = Text.json(value)
        locked { pendingResult = text }
    }

    /// Writes the held JSON result; called when the command returns.
    package func finish() {
        endProgress()
        guard let text = locked({ () -> String? in defer { pendingResult = nil }; return pendingResult }) else { return }
        writeOut(Self.displayJSON(text) + "\n")
    }

    /// JSON text with each name's escape shown as `\\xNN`: escapes stand only inside strings,
    /// where the display's backslash must itself be escaped.
    private static func displayJSON(_ text: String) -> String {
        NameBytes.display(text, backslash: "\\\\")
    }

    /// Text that is the command's output itself (help, a generated script), always on stdout.
    package func print(_ text: String) {
        endProgress()
        writeOut(text)
    }

    /// An updating progress line on a terminal; nothing otherwise.
    package func progress(_ line: String) {
        guard showsProgress else { return }
        locked { progressLineShown = true }
        writeErr("\r\u{1B}[K" + NameBytes.display(line))
    }

    /// Clears the progress line, if one is shown, and ends the work it measured.
    package func endProgress() {
        let shown = locked {
            defer {
                progressLineShown = false
                activeMeter = nil
            }
            return progressLineShown
        }
        if shown { writeErr("\r\u{1B}[K") }
    }

    /// A meter for `verb label` (`copying releases/ID`), or nil when no progress is shown. A
    /// meter for the same verb that counted something within the last half second is reused
    /// with the new label, so a run of many small copies (files added to shared/) reads as one.
    package func meter(verb: String, label: String) -> ProgressMeter? {
        guard showsProgress else { return nil }
        if let active = locked({ activeMeter }), active.verb == verb, active.idleSeconds() < 0.5 {
            active.relabel(label)
            return active
        }
        let meter = ProgressMeter(verb: verb, label: label, clock: clock) { [weak self] line in self?.progress(line) }
        locked { activeMeter = meter }
        return meter
    }

    /// `text` in an ANSI colour when colour is on.
    package func paint(_ text: String, code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
