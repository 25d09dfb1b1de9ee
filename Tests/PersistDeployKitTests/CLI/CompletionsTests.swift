import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The path of `name` on `PATH`, or nil: the shell checks skip, saying why, where a shell is absent.
private func executable(_ name: String) -> String? {
    let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// Runs `program arguments`, returning its exit status and what it printed on stdout and stderr.
private func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
}

/// Writes the script for `shell` into a fresh temporary directory and hands its path to `body`.
private func withScript<T>(_ shell: CompletionShell, _ body: (String) throws -> T) throws -> T {
    let directory = try TemporaryDirectory("completions")
    defer { directory.remove() }
    let path = directory.path + "/persist-deploy.\(shell.rawValue)"
    try Completions.script(for: shell).write(toFile: path, atomically: true, encoding: .utf8)
    return try body(path)
}

@Suite struct CompletionsTests {
    /// The part of a script that completes `command`'s options, so an option that shows up only
    /// under another command does not count.
    private func section(of script: String, for command: String, shell: CompletionShell) -> String {
        switch shell {
        case .fish:
            return script.split(separator: "\n")
                .filter { $0.contains("'__persist_deploy_using_command \(command)'") }
                .joined(separator: "\n")
        case .bash, .zsh:
            guard let start = script.range(of: "\n        \(command))\n") else { return "" }
            let rest = script[start.upperBound...]
            return String(rest[..<(rest.range(of: ";;")?.lowerBound ?? rest.endIndex)])
        }
    }

    @Test(arguments: CompletionShell.allCases)
    func offersEveryCommandAndEachCommandsOptions(shell: CompletionShell) {
        let script = Completions.script(for: shell)
        for command in CommandTable.all {
            #expect(script.contains(command.name), "\(shell): command \(command.name)")
            let section = section(of: script, for: command.name, shell: shell)
            #expect(!section.isEmpty, "\(shell): no section for \(command.name)")
            for option in command.allOptions {
                let spelled = shell == .fish ? "-l \(option.name.dropFirst(2)) " : option.name
                #expect(section.contains(spelled), "\(shell): \(command.name) lacks \(option.name)")
            }
        }
    }

    @Test func valueNamesMapToCompletions() {
        #expect(CompletionHint.forValue(named: "DIR") == .directory)
        #expect(CompletionHint.forValue(named: "[APP_DIR]") == .directory)
        #expect(CompletionHint.forValue(named: "SRC") == .file)
        #expect(CompletionHint.forValue(named: "CMD") == .command)
        #expect(CompletionHint.forValue(named: "N") == .nothing)
        #expect(CompletionHint.forValue(named: "[auto|first|subsequent]") == .words(["auto", "first", "subsequent"]))
        #expect(CompletionHint.forValue(named: "SHELL") == .words(["bash", "zsh", "fish"]))
    }

    @Test func completionsCommandPrintsTheScriptAndRejectsUnknownShells() {
        var output = ""
        var errors = ""
        let context = Context(fileSystem: LocalFileSystem(), environment: [:], workingDirectory: "/")
        let status = CommandLineTool.run(
            arguments: ["completions", "fish"], context: context, stdout: { output += $0 }, stderr: { errors += $0 })
        #expect(status == 0)
        #expect(output == Completions.script(for: .fish))
        let unknown = CommandLineTool.run(
            arguments: ["completions", "tcsh"], context: context, stdout: { output += $0 }, stderr: { errors += $0 })
        #expect(unknown == 64)
        #expect(errors.contains("tcsh"))
    }

    @Test(.enabled(if: executable("bash") != nil, "bash is not installed"))
    func bashScriptLoadsAndCompletes() throws {
        let bash = try #require(executable("bash"))
        try withScript(.bash) { path in
            // Each line: the words typed so far (the last one being completed) and the expected offer.
            let probe = """
                source "$1" || exit 3
                complete -p persist-deploy || exit 4
                offer() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _persist_deploy; echo "${COMPREPLY[*]}"; }
                offer persist-deploy he
                offer persist-deploy auto --ro
                offer persist-deploy completions ''
                offer persist-deploy deploy --keep 3 a b f
                offer persist-deploy backups --ver
                offer persist-deploy help subs
                """
            let result = try run(bash, ["--norc", "-c", probe, "probe", path])
            #expect(result.status == 0, "\(result.errors)")
            let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            try #require(lines.count >= 7, "\(result.output)\(result.errors)")
            #expect(lines[0].contains("-F _persist_deploy persist-deploy"))
            #expect(lines[1] == "health-check help")
            #expect(lines[2] == "--root")
            #expect(lines[3] == "bash zsh fish")
            #expect(lines[4] == "first")
            #expect(lines[5] == "--verify --verbose")
            #expect(lines[6] == "subsequent")
        }
    }

    @Test(.enabled(if: executable("zsh") != nil, "zsh is not installed; apt-get install zsh to check the zsh script's syntax"))
    func zshScriptParses() throws {
        let zsh = try #require(executable("zsh"))
        try withScript(.zsh) { path in
            let result = try run(zsh, ["-n", path])
            #expect(result.status == 0, "\(result.errors)")
        }
    }

    @Test(.enabled(if: executable("fish") != nil, "fish is not installed; apt-get install fish to check the fish script's syntax"))
    func fishScriptParsesAndLoads() throws {
        let fish = try #require(executable("fish"))
        try withScript(.fish) { path in
            let syntax = try run(fish, ["--no-config", "-n", path])
            #expect(syntax.status == 0, "\(syntax.errors)")
            let loaded = try run(fish, ["--no-config", "-c", "source $argv[1]; complete -C'persist-deploy completions '", path])
            #expect(loaded.status == 0, "\(loaded.errors)")
            #expect(loaded.output.split(separator: "\n").map(String.init).sorted() == ["bash", "fish", "zsh"])
        }
    }
}
