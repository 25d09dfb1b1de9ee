import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// What one in-process run of the tool printed.
struct CapturedRun {
    var exitCode: Int32 = 0
    var stdout = ""
    var stderr = ""
}

/// Runs the whole command line in process on an empty in-memory file system.
func runTool(_ arguments: [String], environment: [String: String] = [:], isTerminal: Bool = false) -> CapturedRun {
    final class Output: @unchecked Sendable {
        var stdout = ""
        var stderr = ""
    }
    let output = Output()
    let context = Context(fileSystem: InMemoryFileSystem(), environment: environment, workingDirectory: "/")
    let code = CommandLineTool.run(
        arguments: arguments, context: context, isTerminal: isTerminal,
        stdout: { output.stdout += $0 }, stderr: { output.stderr += $0 })
    return CapturedRun(exitCode: code, stdout: output.stdout, stderr: output.stderr)
}

@Suite struct ArgumentParserTests {
    // MARK: usage errors: exit 64, stderr only

    @Test func unknownCommandSuggestsTheClosestOne() {
        let run = runTool(["deplyo"])
        #expect(run.exitCode == 64)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("Unknown command 'deplyo'. Did you mean 'deploy'?"))
        #expect(run.stderr.contains("persist-deploy --help"))
    }

    @Test func unknownCommandFarFromAnyNameSuggestsNothing() {
        let run = runTool(["xyzzyplugh"])
        #expect(run.exitCode == 64)
        #expect(!run.stderr.contains("Did you mean"))
    }

    @Test(arguments: [
        (["detect", "--jsno"], "--json"), (["auto", "--dryrun"], "--dry-run"), (["rollback", "--too", "x"], "--to"),
        (["--jsn"], "--json"), (["health-check", "--verbos"], "--verbose"),
    ])
    func unknownFlagSuggestsTheClosestOne(arguments: [String], suggestion: String) {
        let run = runTool(arguments)
        #expect(run.exitCode == 64)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("Did you mean '\(suggestion)'?"))
    }

    @Test(arguments: [
        ["auto", "--keep"], ["auto", "--root", "--quiet"], ["rollback", "--to", "--dry-run"], ["restore", "--path"],
    ])
    func missingOptionValueIsUsage(arguments: [String]) {
        let run = runTool(arguments)
        #expect(run.exitCode == 64)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("needs a value"))
    }

    @Test func noCommandIsUsageWithTheOverview() {
        let run = runTool([])
        #expect(run.exitCode == 64)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("Usage: persist-deploy COMMAND [OPTIONS]"))
        #expect(run.stderr.contains("error: No command given"))
    }

    @Test(arguments: [
        ["auto", "--root", "/a", "--root", "/b"], ["auto", "--root=/a", "--root", "/b"], ["detect", "--json", "--json"],
        ["rollback", "--to", "x", "--to=y"], ["health-check", "--quiet", "--quiet"],
    ])
    func anOptionGivenTwiceIsUsage(arguments: [String]) {
        let run = runTool(arguments)
        #expect(run.exitCode == 64)
        #expect(run.stderr.contains("is given twice"), "\(run.stderr)")
    }

    /// A release id is a folder name under releases/, checked before the root is looked for.
    @Test(arguments: [["--to", "../../etc"], ["--to", ".."], ["--if-current", "a/b"], ["--to", ""]])
    func aRollbackTargetThatIsAPathIsUsage(arguments: [String]) {
        let run = runTool(["rollback", "--root", "/nonexistent-root"] + arguments)
        #expect(run.exitCode == 64, "\(run.stderr)")
        #expect(run.stderr.contains("takes a release id"), "\(run.stderr)")
    }

    @Test func planRefusesWhatOnlyARealDeployDoes() {
        for option in ["--verify=true", "--wait=5", "--backup", "--dry-run"] {
            let run = runTool(["plan", option])
            #expect(run.exitCode == 64, "\(option)")
            #expect(run.stderr.contains("Unknown option"), "\(option): \(run.stderr)")
        }
        let help = runTool(["help", "plan"]).stdout
        for option in ["--verify", "--wait", "--backup", "--dry-run"] { #expect(!help.contains(option), "\(option)") }
        for option in ["--from", "--release", "--keep", "--no-activate", "--public-html"] { #expect(help.contains(option), "\(option)") }
    }

    @Test(arguments: [
        ["detect", "a", "b"], ["deploy", "only-one"], ["deploy", "a", "b", "c", "d"], ["auto", "extra"],
        ["releases", "x"],
    ])
    func wrongNumberOfPositionalsIsUsage(arguments: [String]) {
        let run = runTool(arguments)
        #expect(run.exitCode == 64)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("takes"))
        #expect(run.stderr.contains("persist-deploy help \(arguments[0])"))
    }

    @Test func otherUsageErrors() {
        #expect(runTool(["detect", "--json=yes"]).stderr.contains("--json takes no value"))
        #expect(runTool(["--json", "detect"]).stderr.contains("A command must come first"))
        #expect(runTool(["detect", "-x"]).stderr.contains("Unknown option '-x'"))
        #expect(runTool(["help", "nosuch"]).exitCode == 64)
        #expect(runTool(["help", "helth-check"]).stderr.contains("Did you mean 'health-check'?"))
    }

    @Test func aNumberOutOfRangeIsUsage() throws {
        guard case .run(let invocation) = try ArgumentParser.parse(["auto", "--keep", "many"]) else {
            Issue.record("expected a run")
            return
        }
        #expect(throws: ToolError.self) { try invocation.integer("--keep", in: 1...100) }
        #expect(try invocation.integer("--wait", in: 0...3600) == nil)
        do {
            _ = try invocation.integer("--keep", in: 1...100)
        } catch {
            #expect(error.exitCode == .usage)
            #expect(error.message.contains("'many'"))
        }
    }

    // MARK: help and version: exit 0 on stdout

    @Test(arguments: [["--help"], ["-h"], ["help"]])
    func overviewHelp(arguments: [String]) {
        let run = runTool(arguments)
        #expect(run.exitCode == 0)
        #expect(run.stderr.isEmpty)
        #expect(run.stdout.contains("Usage: persist-deploy COMMAND [OPTIONS]"))
        for command in CommandTable.all { #expect(run.stdout.contains(command.name)) }
    }

    @Test(arguments: [["help", "rollback"], ["rollback", "--help"], ["rollback", "--to", "x", "--help"]])
    func commandHelp(arguments: [String]) {
        let run = runTool(arguments)
        #expect(run.exitCode == 0)
        #expect(run.stderr.isEmpty)
        #expect(run.stdout.hasPrefix("Usage: persist-deploy rollback [OPTIONS]"))
        #expect(run.stdout.contains("--to RELEASE_ID"))
        #expect(run.stdout.contains("--if-current RELEASE_ID"))
        #expect(run.stdout.contains("--json"))
    }

    @Test(arguments: [["--version"], ["-V"], ["detect", "--version"]])
    func version(arguments: [String]) {
        let run = runTool(arguments)
        #expect(run.exitCode == 0)
        #expect(run.stderr.isEmpty)
        #expect(run.stdout == "persist-deploy \(toolVersion)\n")
    }

    // MARK: option forms

    @Test func keyEqualsValueAndSeparateValue() throws {
        guard case .run(let invocation) = try ArgumentParser.parse(
            ["auto", "--keep=3", "--root", "/srv/other", "--verify=curl -f http://x/?a=b", "--json"])
        else {
            Issue.record("expected a run")
            return
        }
        #expect(invocation.value("--keep") == "3")
        #expect(invocation.value("--verify") == "curl -f http://x/?a=b")
        #expect(invocation.value("--root") == "/srv/other")
        #expect(invocation.flag("--json"))
        #expect(!invocation.flag("--quiet"))
        #expect(try invocation.integer("--keep", in: 1...100) == 3)
    }

    @Test func anOptionValueMayLookLikeAnOptionWhenWrittenWithEquals() throws {
        guard case .run(let invocation) = try ArgumentParser.parse(["auto", "--root=--json"]) else {
            Issue.record("expected a run")
            return
        }
        #expect(invocation.value("--root") == "--json")
        #expect(!invocation.flag("--json"))
    }

    @Test func doubleDashEndsOptions() throws {
        guard case .run(let invocation) = try ArgumentParser.parse(["deploy", "--json", "--", "--release-dir", "-shared"]) else {
            Issue.record("expected a run")
            return
        }
        #expect(invocation.positionals == ["--release-dir", "-shared"])
        #expect(invocation.flag("--json"))
    }

    @Test func optionsMayComeAfterPositionals() throws {
        guard case .run(let invocation) = try ArgumentParser.parse(["deploy", "rel", "--quiet", "shared", "first"]) else {
            Issue.record("expected a run")
            return
        }
        #expect(invocation.positionals == ["rel", "shared", "first"])
        #expect(invocation.flag("--quiet"))
    }

    // MARK: colour and streams

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() {
        let escape = "\u{1B}["
        #expect(runTool(["nosuch"], isTerminal: true).stderr.contains(escape))
        #expect(!runTool(["nosuch"], isTerminal: false).stderr.contains(escape))
        #expect(!runTool(["nosuch"], environment: ["NO_COLOR": "1"], isTerminal: true).stderr.contains(escape))
        #expect(!runTool(["nosuch", "--no-color"], isTerminal: true).stderr.contains(escape))
        #expect(!runTool(["detect", "--no-color"], isTerminal: true).stderr.contains(escape))
        #expect(!runTool(["detect"], environment: ["NO_COLOR": "yes"], isTerminal: true).stderr.contains(escape))
        // no-color.org: an empty NO_COLOR means "not set".
        #expect(runTool(["detect", "/no/such/app"], environment: ["NO_COLOR": ""], isTerminal: true).stderr.contains(escape))
    }

    @Test(arguments: [["nosuch"], ["detect", "--jsno"], ["detect", "a", "b"], ["detect", "/no/such/dir"]])
    func errorsGoToStderrOnly(arguments: [String]) {
        let run = runTool(arguments)
        #expect(run.exitCode != 0)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("error: "))
    }

    @Test func editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        #expect(ArgumentParser.suggestion(for: "", among: ["a"]) == " Did you mean 'a'?")
        #expect(ArgumentParser.suggestion(for: "ROLLBACK", among: ["rollback", "releases"]) == " Did you mean 'rollback'?")
        #expect(ArgumentParser.suggestion(for: "anything", among: []) == "")
    }
}
