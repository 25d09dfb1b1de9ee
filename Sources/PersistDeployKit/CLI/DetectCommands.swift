/// `detect` and `classify`.
enum DetectCommands {
    static func detect(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        throw CommandLineTool.notBuilt("detect")
    }

    static func classify(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        throw CommandLineTool.notBuilt("classify")
    }
}
