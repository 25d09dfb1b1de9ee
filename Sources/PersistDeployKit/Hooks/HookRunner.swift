/// Runs one hook: in its release folder, with the deploy's variables, killed as a process group
/// on timeout or interruption, its output shown with `--verbose` and kept in
/// `.persist-deploy/logs/<release>-<stage>.log`.
package struct HookRunner {
    let fileSystem: any FileSystem
    let console: Console?
    /// The deploy's own environment; the hook's variables are added to it.
    let environment: [String: String]
    let interruption: Interruption?
    let now: @Sendable () -> Date

    package init(
        fileSystem: any FileSystem, console: Console?, environment: [String: String], interruption: Interruption?,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.fileSystem = fileSystem
        self.console = console
        self.environment = environment
        self.interruption = interruption
        self.now = now
    }

    /// Runs `hook` and keeps its log; throws only when it cannot be started.
    package func run(_ hook: Hook) throws(ToolError) -> ProcessGroup.Result {
        console?.say(hook.stage == .verify
            ? "Verifying with: \(hook.shownCommand)"
            : "Running the \(hook.stage.rawValue) hook in releases/\(hook.releaseID): \(hook.shownCommand)")
        let started = Timestamp.iso8601(now())
        var pending: [UInt8] = []
        let prefix = "  [\(hook.stage.rawValue)] "
        let result: ProcessGroup.Result
        do {
            result = try ProcessGroup.shell(
                hook.command, in: hook.releasePath, environment: environment.merging(hook.environment) { $1 },
                timeoutSeconds: hook.timeoutSeconds, interruption: interruption
            ) { chunk in
                guard let console, console.verbose else { return }
                pending += chunk
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    console.detail(prefix + String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
        } catch {
            throw ToolError(
                "The \(hook.stage.rawValue) hook could not be started in '\(hook.releasePath)': \(error.reason).",
                hint: "Check that the release folder exists and /bin/sh is there; nothing went live by this step.")
        }
        if !pending.isEmpty { console?.detail(prefix + String(decoding: pending, as: UTF8.self)) }
        keepLog(hook, result, started: started)
        console?.detail("  the \(hook.stage.rawValue) hook \(Self.ending(result)); output in \(hook.logPath)")
        return result
    }

    /// "exited 0 after 1.2 s", "ran past its 600 s and was stopped", "was stopped by SIGINT".
    package static func ending(_ result: ProcessGroup.Result) -> String {
        let seconds = (result.seconds * 10).rounded() / 10
        switch result.end {
        case .exited(0): return "finished after \(seconds) s"
        case .exited(let status): return "failed (exit \(status), after \(seconds) s)"
        case .timedOut: return "did not finish within its time limit (\(seconds) s) and its process group was stopped (SIGTERM, then SIGKILL)"
        case .interrupted(let signal): return "was stopped because the deploy got \(Interruption.name(of: signal))"
        }
    }

    /// The last `count` lines of the output, indented, for an error message.
    package static func tail(_ result: ProcessGroup.Result, lines count: Int = 15) -> String {
        let lines = String(decoding: result.output, as: UTF8.self).split(whereSeparator: \.isNewline).suffix(count)
        return lines.isEmpty ? "  (no output)" : lines.map { "  | " + $0 }.joined(separator: "\n")
    }

    /// The log is the tool's own file; failing to write it (a full disk) must not fail the hook.
    private func keepLog(_ hook: Hook, _ result: ProcessGroup.Result, started: String) {
        var text = "# \(hook.stage.rawValue) hook for releases/\(hook.releaseID), started \(started)\n# command: \(hook.shownCommand)\n"
        if result.truncated { text += "# (only the last \(ProcessGroup.outputLimit / 1024) KB of output are kept)\n" }
        var bytes = Array(text.utf8) + result.output
        if let last = bytes.last, last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        bytes += Array("# \(Self.ending(result))\n".utf8)
        do {
            try fileSystem.createDirectory(at: PathName.parent(hook.logPath), permissions: 0o755)
            try fileSystem.writeFile(at: hook.logPath, contents: bytes, permissions: 0o640)
        } catch {
            console?.warn("Could not keep the \(hook.stage.rawValue) hook's output in '\(hook.logPath)': \(error.reason).")
        }
    }
}

extension ProcessGroup.Result {
    package var succeeded: Bool { end == .exited(0) }
}
