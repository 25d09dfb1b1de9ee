/// `backup`, `backups`, `restore` and `status`.
enum BackupCommands {
    static func backup(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        throw CommandLineTool.notBuilt("backup")
    }

    static func backups(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        throw CommandLineTool.notBuilt("backups")
    }

    static func restore(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        throw CommandLineTool.notBuilt("restore")
    }

    static func status(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        throw CommandLineTool.notBuilt("status")
    }
}
