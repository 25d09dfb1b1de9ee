/// `health-check`, `recover` and `generate`.
enum HealthCommands {
    static func healthCheck(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        throw CommandLineTool.notBuilt("health-check")
    }

    static func recover(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        throw CommandLineTool.notBuilt("recover")
    }

    static func generate(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        throw CommandLineTool.notBuilt("generate")
    }
}
