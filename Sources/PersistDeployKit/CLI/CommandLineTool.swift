/// The whole command-line program as a function: arguments in, exit code out. `main` only
/// supplies the real process's surroundings.
package enum CommandLineTool {
    package static func run(
        arguments: [String], context: Context, isTerminal: Bool = false,
        stdout: @escaping (String) -> Void, stderr: @escaping (String) -> Void
    ) -> Int32 {
        let colorAllowed = isTerminal && context.environment["NO_COLOR"].map(\.isEmpty) ?? true
        let parsed: ParsedCommandLine
        do {
            parsed = try ArgumentParser.parse(arguments)
        } catch {
            // A bare `persist-deploy` in a script is a mistake: the overview, then the error.
            if arguments.isEmpty { stderr(HelpText.overview(version: toolVersion) + "\n") }
            Console(json: wantsJSON(arguments), color: colorAllowed && !arguments.contains("--no-color"), stdout: stdout, stderr: stderr)
                .error(error)
            return error.exitCode.rawValue
        }
        switch parsed {
        case .version:
            stdout("persist-deploy \(toolVersion)\n")
            return ExitCode.success.rawValue
        case .help(let command):
            stdout(command.map(HelpText.command) ?? HelpText.overview(version: toolVersion))
            return ExitCode.success.rawValue
        case .run(let invocation):
            let console = Console(
                json: invocation.flag("--json"), quiet: invocation.flag("--quiet"),
                verbose: invocation.flag("--verbose"),
                color: colorAllowed && !invocation.flag("--no-color"), isTerminal: isTerminal,
                stdout: stdout, stderr: stderr)
            // Copies, removals and listings on the real disk draw the progress line.
            var context = context
            if var local = context.fileSystem as? LocalFileSystem {
                local.progress = console
                context.fileSystem = local
            }
            do {
                let code = try dispatch(invocation, context: context, console: console)
                console.finish()
                return code.rawValue
            } catch let error as ToolError {
                console.error(error)
                return error.exitCode.rawValue
            } catch let error as SystemCallError {
                let wrapped = ToolError.system(error, while: "'\(invocation.command.name)'")
                console.error(wrapped)
                return wrapped.exitCode.rawValue
            } catch {
                let wrapped = ToolError(
                    "'\(invocation.command.name)' failed: \(error).",
                    hint: "Run it again with --verbose to see the step it stopped at, and report this message as a bug.")
                console.error(wrapped)
                return wrapped.exitCode.rawValue
            }
        }
    }

    /// True when the command line asks for `--json` (before any `--`), read before parsing so
    /// that even a usage error is reported as the JSON object. A value is never `--json` unless
    /// written `--name=--json`, which this does not match.
    package static func wantsJSON(_ arguments: [String]) -> Bool {
        arguments.prefix { $0 != "--" }.contains("--json")
    }

    /// Runs the command; each area of the tool owns the handlers in its `*Commands.swift` file.
    static func dispatch(_ invocation: Invocation, context: Context, console: Console) throws -> ExitCode {
        switch invocation.command.name {
        case "detect": try DetectCommands.detect(invocation, context, console)
        case "classify": try DetectCommands.classify(invocation, context, console)
        case "auto", "first", "subsequent", "plan", "deploy": try DeployCommands.deploy(invocation, context, console)
        case "releases": try DeployCommands.releases(invocation, context, console)
        case "rollback": try DeployCommands.rollback(invocation, context, console)
        case "health-check": try HealthCommands.healthCheck(invocation, context, console)
        case "recover": try HealthCommands.recover(invocation, context, console)
        case "generate": try HealthCommands.generate(invocation, context, console)
        case "backup": try BackupCommands.backup(invocation, context, console)
        case "backups": try BackupCommands.backups(invocation, context, console)
        case "restore": try BackupCommands.restore(invocation, context, console)
        case "status": try BackupCommands.status(invocation, context, console)
        case "bundle": try BundleCommands.bundle(invocation, context, console)
        case "completions": try Completions.command(invocation, context, console)
        default: throw ToolError.usage("Unknown command '\(invocation.command.name)'.")
        }
    }

    /// The error for a command whose implementation has not landed yet.
    static func notBuilt(_ name: String) -> ToolError {
        ToolError("'\(name)' is not built yet in this version of persist-deploy.", hint: "Nothing was changed.")
    }
}
