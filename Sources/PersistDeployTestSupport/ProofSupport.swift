import Foundation
import PersistDeployKit

/// A checksummed list of a tree, taken by `find` and `sha256sum` rather than by the tool's own
/// code, so a bug in the tool's listing (odd names, links) cannot hide itself. Keys are the paths'
/// bytes with every byte outside printable ASCII, and `%`, written `%XX` (`key(_:)`): two names
/// never share a key, even when Swift would call them equal (NFC and NFD) or a lossy decoding
/// would (`caf\xE9` and `caf\xEA`).
package enum DataInventory {
    /// The key of a path given as its bytes.
    package static func key(_ bytes: [UInt8]) -> String {
        var key = ""
        for byte in bytes {
            if byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "%") {
                key += "%" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            } else {
                key.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return key
    }

    /// The key of a path given as a `NameBytes` string.
    package static func key(_ path: String) -> String { key(NameBytes.bytes(path)) }

    /// `relative path` -> `sha256` for files, `-> target` for links, `dir` for folders, `other`
    /// for anything else; modes included when `modes` is true. Empty for a missing directory.
    package static func take(_ directory: String, modes: Bool = false) throws -> [String: String] {
        try take([directory], modes: modes)[0]
    }

    /// The bash loop `take` and `survey` share: for each directory of `list` (a bash word), its
    /// entries with modes and link texts into `$out/e$i` and its files' hashes into `$out/h$i`.
    static func treeListing(of list: String) -> String {
        """
        for directory in \(list); do
          : > "$out/e$i"; : > "$out/h$i"
          if cd -- "$directory" 2>/dev/null; then
            find . -mindepth 1 \\( -type l -printf 'l %m %p\\0%l\\0' \\) -o \\( -type d -printf 'd %m %p\\0' \\) \
                -o \\( -type f -printf 'f %m %p\\0' \\) -o -printf 'o %m %p\\0' > "$out/e$i" || exit 1
            find . -mindepth 1 -type f -exec sha256sum -z -- {} + > "$out/h$i"
          fi
          i=$((i + 1))
        done
        """
    }

    /// `take` of several directories with one `bash`.
    package static func take(_ directories: [String], modes: Bool = false) throws -> [[String: String]] {
        let script = """
            out=$1; shift; i=0
            \(treeListing(of: "\"$@\""))
            """
        return try run(script, directories).map { entries, hashes in parseEntries(entries, hashes: parseHashes(hashes), modes: modes) }
    }

    /// `path` -> `sha256` of every file reached from `base` through `paths`, following links
    /// (what the running app sees through `current/`).
    package static func seenThrough(_ base: String, paths: [String]) throws -> [String: String] {
        try seenThrough([base], paths: paths)[0]
    }

    /// `seenThrough` of several bases with one `bash`.
    package static func seenThrough(_ bases: [String], paths: [String]) throws -> [[String: String]] {
        let script = """
            out=$1; shift; count=$1; shift
            bases=("${@:1:count}"); shift "$count"
            i=0
            for base in "${bases[@]}"; do
              : > "$out/e$i"; : > "$out/h$i"
              if cd -- "$base" 2>/dev/null; then
                existing=()
                for path in "$@"; do [ -e "$path" ] && existing+=("$path"); done
                [ ${#existing[@]} -eq 0 ] || find -L "${existing[@]}" -type f -exec sha256sum -z -- {} + > "$out/h$i"
              fi
              i=$((i + 1))
            done
            """
        return try run(script, [String(bases.count)] + bases + paths, outputs: bases.count).map { parseHashes($0.1, dropDotSlash: false) }
    }

    /// What a crash test reads after each kill, with one `bash`: `take` of each of `trees`,
    /// `seenThrough` of each of `seenFrom`, and the absolute-text links below `linksUnder`.
    package struct Survey {
        package var trees: [[String: String]]
        package var seen: [[String: String]]
        package var absoluteLinks: [String]
    }

    package static func survey(trees: [String], seenFrom: [String], paths: [String], linksUnder: String) throws -> Survey {
        let script = """
            out=$1; shift; trees=$1; seen=$2; links=$3; shift 3
            i=0
            \(treeListing(of: "\"${@:1:trees}\""))
            shift "$trees"
            for base in "${@:1:seen}"; do
              : > "$out/e$i"; : > "$out/h$i"
              if cd -- "$base" 2>/dev/null; then
                existing=()
                for path in "${@:seen+1}"; do [ -e "$path" ] && existing+=("$path"); done
                [ ${#existing[@]} -eq 0 ] || find -L "${existing[@]}" -type f -exec sha256sum -z -- {} + > "$out/h$i"
              fi
              i=$((i + 1))
            done
            : > "$out/e$i"; : > "$out/h$i"
            [ ! -d "$links" ] || find "$links" -type l -lname '/*' -printf '%p -> %l\\0' > "$out/e$i"
            """
        let arguments = [String(trees.count), String(seenFrom.count), linksUnder] + trees + seenFrom + paths
        let outputs = try run(script, arguments, outputs: trees.count + seenFrom.count + 1)
        return Survey(
            trees: outputs.prefix(trees.count).map { parseEntries($0.0, hashes: parseHashes($0.1), modes: false) },
            seen: outputs.dropFirst(trees.count).prefix(seenFrom.count).map { parseHashes($0.1, dropDotSlash: false) },
            absoluteLinks: outputs.last.map { $0.0.split(separator: 0).map { key(Array($0)) } } ?? [])
    }

    /// Runs `script` with `$1` a scratch folder and then `arguments`; returns the bytes of the
    /// files `e0`, `h0`, `e1`, `h1`… it wrote there, one pair per argument (or `outputs`).
    private static func run(_ script: String, _ arguments: [String], outputs: Int? = nil) throws -> [([UInt8], [UInt8])] {
        let scratch = try TemporaryDirectory("inventory")
        defer { scratch.remove() }
        let outcome = try ToolRunner(executable: "/bin/bash").run(["-c", script, "inventory", scratch.path] + arguments, in: "/")
        guard outcome.exitCode == 0 else { throw ToolError("inventory of \(arguments) failed: \(outcome)") }
        let read = { (name: String) in [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: scratch.path + "/" + name))) ?? Data()) }
        return (0..<(outputs ?? arguments.count)).map { (read("e\($0)"), read("h\($0)")) }
    }

    /// The records of `find -printf` as `take` returns them.
    private static func parseEntries(_ entries: [UInt8], hashes hashByPath: [String: String], modes: Bool) -> [String: String] {
        var result: [String: String] = [:]
        var fields = entries.split(separator: 0, omittingEmptySubsequences: false).map(Array.init)
        if fields.last == [] { fields.removeLast() }
        var index = 0
        while index < fields.count {
            let field = fields[index]
            index += 1
            // "K MODE ./path": the kind, the mode, then the path's bytes.
            guard field.count > 4, let space = field.dropFirst(2).firstIndex(of: 0x20) else { continue }
            let mode = modes ? " mode " + String(decoding: field[2..<space], as: UTF8.self) : ""
            let path = key(Array(field[(space + 3)...]))
            switch field[0] {
            case UInt8(ascii: "l"):
                result[path] = "-> " + key(index < fields.count ? fields[index] : []) + mode
                index += 1
            case UInt8(ascii: "d"): result[path] = "dir" + mode
            case UInt8(ascii: "f"): result[path] = (hashByPath[path] ?? "unreadable") + mode
            default: result[path] = "other" + mode
            }
        }
        return result
    }

    /// "HASH  PATH" records of `sha256sum -z`, by the path's key (without "./").
    private static func parseHashes(_ bytes: [UInt8], dropDotSlash: Bool = true) -> [String: String] {
        var result: [String: String] = [:]
        for field in bytes.split(separator: 0) where field.count > 66 {
            let hash = String(decoding: field.prefix(64), as: UTF8.self)
            var path = Array(field.dropFirst(66))
            if dropDotSlash, path.starts(with: [0x2E, 0x2F]) { path.removeFirst(2) }
            result[key(path)] = hash
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
