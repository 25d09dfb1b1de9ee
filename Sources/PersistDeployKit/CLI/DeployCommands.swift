/// The deploys (`auto`, `first`, `subsequent`, `plan`, `deploy`), `releases` and `rollback`.
enum DeployCommands {
    static func deploy(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        throw CommandLineTool.notBuilt(invocation.command.name)
    }

    static func releases(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        throw CommandLineTool.notBuilt("releases")
    }

    static func rollback(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        throw CommandLineTool.notBuilt("rollback")
    }
}
