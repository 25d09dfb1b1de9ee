import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The built binary, run as CI and cron run it: exit codes, and which stream carries what.
@Suite struct CLIEndToEndTests {
    let tool: ToolRunner

    init() throws {
        tool = try ToolRunner()
    }

    /// Signs that the Swift runtime crashed rather than the tool reporting an error.
    func expectNoCrash(_ outcome: ToolRunner.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
        for sign in ["Fatal error", "Stack dump", "Current stack trace", "Illegal instruction", "Segmentation fault"] {
            #expect(!outcome.stderr.contains(sign), "\(outcome)", sourceLocation: sourceLocation)
            #expect(!outcome.stdout.contains(sign), "\(outcome)", sourceLocation: sourceLocation)
        }
        #expect(outcome.exitCode >= 0 && outcome.exitCode < 128, "killed by a signal: \(outcome)", sourceLocation: sourceLocation)
    }

    @Test func versionExitsZeroOnStdout() throws {
        let temporary = try TemporaryDirectory("e2e")
        defer { temporary.remove() }
        let outcome = try tool.run(["--version"], in: temporary.path)
        #expect(outcome.exitCode == 0, "\(outcome)")
        #expect(outcome.stdout == "persist-deploy \(toolVersion)\n")
        #expect(outcome.stderr.isEmpty)
    }

    @Test func helpExitsZeroOnStdout() throws {
        let temporary = try TemporaryDirectory("e2e")
        defer { temporary.remove() }
        let outcome = try tool.run(["help", "auto"], in: temporary.path)
        #expect(outcome.exitCode == 0, "\(outcome)")
        #expect(outcome.stdout.contains("Usage: persist-deploy auto"))
        #expect(outcome.stderr.isEmpty)
    }

    @Test func unknownCommandIsUsageWithStdoutEmpty() throws {
        let temporary = try TemporaryDirectory("e2e")
        defer { temporary.remove() }
        let outcome = try tool.run(["deplyo"], in: temporary.path)
        #expect(outcome.exitCode == 64, "\(outcome)")
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.contains("Did you mean 'deploy'?"))
        expectNoCrash(outcome)
    }

    @Test(arguments: [["detect"], ["classify"], ["health-check"], ["status"]])
    func anErrorWithoutJSONKeepsStdoutEmpty(arguments: [String]) throws {
        let temporary = try TemporaryDirectory("e2e")
        defer { temporary.remove() }
        let missing = PathName.join(temporary.path, "no such dir")
        let outcome = try tool.run(arguments + ["--root", missing] + (arguments[0] == "detect" || arguments[0] == "classify" ? [missing] : []),
                                   in: temporary.path)
        #expect(outcome.exitCode != 0, "\(outcome)")
        #expect(outcome.stdout.isEmpty, "\(outcome)")
        #expect(outcome.stderr.contains("error: "), "\(outcome)")
        expectNoCrash(outcome)
    }

    @Test(arguments: [["detect"], ["classify"], ["auto", "--root"], ["releases", "--root"], ["rollback", "--root"], ["backups", "--root"]])
    func aMissingDirectoryIsReportedNotCrashedOn(arguments: [String]) throws {
        let temporary = try TemporaryDirectory("e2e")
        defer { temporary.remove() }
        let outcome = try tool.run(arguments + [PathName.join(temporary.path, "missing")], in: temporary.path,
                                   environment: ["NO_COLOR": "1"])
        #expect(outcome.exitCode == 1 || outcome.exitCode == 64, "\(outcome)")
        #expect(outcome.stderr.hasPrefix("error: "), "\(outcome)")
        expectNoCrash(outcome)
    }

    /// getcwd(3) fails in a deleted directory; the tool must still answer.
    @Test func aDeletedWorkingDirectoryIsNoCrash() throws {
        let temporary = try TemporaryDirectory("e2e")
        defer { temporary.remove() }
        let gone = PathName.join(temporary.path, "gone")
        try LocalFileSystem().createDirectory(at: gone, permissions: 0o755)
        let shell = ToolRunner(executable: "/bin/bash")
        let outcome = try shell.run(
            ["-c", "cd \"$0\" && rmdir \"$0\" && exec \"$1\" releases --json", gone, tool.executable],
            in: temporary.path)
        #expect(outcome.exitCode == 1 || outcome.exitCode == 0, "\(outcome)")
        expectNoCrash(outcome)
    }
}
