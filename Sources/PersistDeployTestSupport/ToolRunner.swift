import Foundation
import PersistDeployKit

/// Runs the built `persist-deploy` binary as a separate process, the way CI and cron call it.
package struct ToolRunner {
    /// What one run produced.
    package struct Outcome: Sendable, CustomStringConvertible {
        package let exitCode: Int32
        package let stdout: String
        package let stderr: String

        package var description: String { "exit \(exitCode)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    package let executable: String

    /// Finds the binary: beside the test bundle (`Bundle.main.bundleURL` is the products folder
    /// under `swift test`), else in `.build/debug` found by walking up from this source file.
    package init(filePath: String = #filePath) throws {
        var candidates = [Bundle.main.bundleURL.appendingPathComponent("persist-deploy").path]
        var directory = PathName.parent(filePath)
        while directory != "/" {
            candidates.append(PathName.join(directory, ".build/debug/persist-deploy"))
            directory = PathName.parent(directory)
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ToolError("No built persist-deploy binary in \(candidates).", hint: "Run 'swift build' first.")
        }
        executable = found
    }

    /// Runs another program the same way (e.g. `/bin/bash` to set up what `Process` cannot).
    package init(executable: String) {
        self.executable = executable
    }

    /// A process for the tool in `directory`, with only `PATH` and `HOME` inherited and
    /// `environment` added.
    func makeProcess(_ arguments: [String], in directory: String, environment: [String: String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let inherited = ProcessInfo.processInfo.environment
        var variables = ["PATH": inherited["PATH"] ?? "/usr/bin:/bin", "HOME": inherited["HOME"] ?? "/root"]
        variables.merge(environment) { _, new in new }
        process.environment = variables
        return process
    }

    /// Runs the tool with `arguments` in `directory`; `environment` replaces the inherited one
    /// except for `PATH` and `HOME`. A run longer than `timeout` seconds is killed and reported
    /// with exit code -1.
    package func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:],
        timeout: Double = 60
    ) throws -> Outcome {
        let process = makeProcess(arguments, in: directory, environment: environment)

        // Files rather than pipes: nothing can block on a full pipe while we wait.
        let scratch = try TemporaryDirectory("run")
        defer { scratch.remove() }
        let outPath = PathName.join(scratch.path, "stdout")
        let errPath = PathName.join(scratch.path, "stderr")
        for path in [outPath, errPath] where !FileManager.default.createFile(atPath: path, contents: nil) {
            throw SystemCallError(call: "create", path: path, code: errno)
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                timedOut = true
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdout = String(decoding: try Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self)
        return Outcome(exitCode: timedOut ? -1 : process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
