import Foundation
import PersistDeployKit

/// A checksummed list of a tree, taken by `find` and `sha256sum` rather than by the tool's own
/// code, so a bug in the tool's listing (odd names, links) cannot hide itself. Keys are the
/// paths as `find` prints them (bytes that are not UTF-8 are replaced the same way every time).
package enum DataInventory {
    /// `relative path` -> `sha256` for files, `-> target` for links, `dir` for folders; modes
    /// included when `modes` is true.
    package static func take(_ directory: String, modes: Bool = false) throws -> [String: String] {
        let script = """
            cd -- "$1" 2>/dev/null || exit 0
            find . -mindepth 1 \\( -type f -printf 'f %m %p\\0' -exec sha256sum -z -- {} + \\) \
                -o \\( -type l -printf 'l %m %p\\0%l\\0' \\) -o \\( -type d -printf 'd %m %p\\0' \\)
            """
        let outcome = try ToolRunner(executable: "/bin/bash").run(["-c", script, "inventory", directory], in: "/")
        guard outcome.exitCode == 0 else { throw ToolError("inventory of \(directory) failed: \(outcome)") }
        var fields = outcome.stdout.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        if fields.last == "" { fields.removeLast() }
        var result: [String: String] = [:]
        var fileModes: [String: String] = [:]
        var hashes: [String: String] = [:]
        var index = 0
        while index < fields.count {
            let field = fields[index]
            index += 1
            if field.hasPrefix("f ") || field.hasPrefix("l ") || field.hasPrefix("d ") {
                let parts = field.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 3 else { continue }
                let mode = modes ? " mode " + parts[1] : ""
                let path = String(parts[2].dropFirst(2))
                switch parts[0] {
                case "f": fileModes[path] = mode
                case "l":
                    result[path] = "-> " + (index < fields.count ? fields[index] : "") + mode
                    index += 1
                default: result[path] = "dir" + mode
                }
            } else if field.count > 68, let space = field.firstIndex(of: " ") {
                // "HASH  ./path" from sha256sum (its output may come before or after find's).
                hashes[String(field[field.index(space, offsetBy: 4)...])] = String(field[..<space])
            }
        }
        for (path, mode) in fileModes { result[path] = (hashes[path] ?? "unreadable") + mode }
        return result
    }

    /// `path` -> `sha256` of every file reached from `base` through `paths`, following links
    /// (what the running app sees through `current/`).
    package static func seenThrough(_ base: String, paths: [String]) throws -> [String: String] {
        let script = """
            cd -- "$1" 2>/dev/null || exit 0
            shift
            existing=()
            for path in "$@"; do [ -e "$path" ] && existing+=("$path"); done
            [ ${#existing[@]} -eq 0 ] || find -L "${existing[@]}" -type f -exec sha256sum -z -- {} +
            """
        let outcome = try ToolRunner(executable: "/bin/bash").run(["-c", script, "seen", base] + paths, in: "/")
        var result: [String: String] = [:]
        for field in outcome.stdout.split(separator: "\0") where field.count > 66 {
            let hash = String(field.prefix(64))
            result[String(field.dropFirst(66))] = hash
        }
        return result
    }

    /// The entries of `before` that `after` lacks or holds differently, one line each.
    package static func losses(_ before: [String: String], _ after: [String: String], ignoring: (String) -> Bool = { _ in false }) -> [String] {
        before.keys.sorted().compactMap { path in
            if ignoring(path) { return nil }
            guard let now = after[path] else { return "\(path): gone" }
            return now == before[path] ? nil : "\(path): \(before[path]!) became \(now)"
        }
    }
}

/// The rows of the "What we test" table: each suite appends `suite, scenario, runs, outcome`
/// to `.build/test-results/<suite>.tsv`; `scripts/what-we-test.sh` renders them.
package enum ProofResults {
    package static func record(suite: String, scenario: String, runs: Int, outcome: String, filePath: String = #filePath) {
        var directory = PathName.parent(filePath)
        while directory != "/", !FileManager.default.fileExists(atPath: PathName.join(directory, "Package.swift")) {
            directory = PathName.parent(directory)
        }
        let folder = PathName.join(directory, ".build/test-results")
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func clean(_ text: String) -> String { text.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
        let line = [suite, scenario, String(runs), outcome].map(clean).joined(separator: "\t") + "\n"
        let path = PathName.join(folder, suite + ".tsv")
        // One write with O_APPEND: rows from parallel tests never interleave.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}

/// A started `persist-deploy` (or other program) that a test can kill from outside.
package final class RunningTool: @unchecked Sendable {
    package let process: Process
    private let outPath: String
    private let errPath: String
    private let scratch: TemporaryDirectory

    init(process: Process, outPath: String, errPath: String, scratch: TemporaryDirectory) {
        self.process = process
        self.outPath = outPath
        self.errPath = errPath
        self.scratch = scratch
    }

    package func kill() { Glibc.kill(process.processIdentifier, SIGKILL) }

    /// Waits for the end; `signalled` is true when a signal ended it.
    package func wait() -> (outcome: ToolRunner.Outcome, signalled: Bool) {
        process.waitUntilExit()
        let stdout = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(), as: UTF8.self)
        let stderr = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data(), as: UTF8.self)
        scratch.remove()
        return (ToolRunner.Outcome(exitCode: process.terminationStatus, stdout: stdout, stderr: stderr),
                process.terminationReason == .uncaughtSignal)
    }
}

extension ToolRunner {
    /// Starts the tool without waiting, so a test can kill it or run another beside it.
    package func launch(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> RunningTool {
        let process = makeProcess(arguments, in: directory, environment: environment)
        let scratch = try TemporaryDirectory("launch")
        let outPath = PathName.join(scratch.path, "stdout")
        let errPath = PathName.join(scratch.path, "stderr")
        for path in [outPath, errPath] where !FileManager.default.createFile(atPath: path, contents: nil) {
            throw SystemCallError(call: "create", path: path, code: errno)
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return RunningTool(process: process, outPath: outPath, errPath: errPath, scratch: scratch)
    }

    /// Runs `bash -c script` with `arguments` as `$1`…, for set-up the tool's API cannot do
    /// (names that are not UTF-8, mounts, other users).
    @discardableResult
    package static func bash(_ script: String, _ arguments: [String] = [], in directory: String = "/") throws -> Outcome {
        try ToolRunner(executable: "/bin/bash").run(["-c", script, "bash"] + arguments, in: directory, timeout: 120)
    }
}

/// A seeded random number generator (SplitMix64): the same seed gives the same cases.
package struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    package init(seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
