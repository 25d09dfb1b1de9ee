/// The text of `--help`, `help COMMAND` and `--version`.
package enum HelpText {
    package static func overview(version: String) -> String {
        var text = """
            persist-deploy \(version): deployments that lose no data.

            Usage: persist-deploy COMMAND [OPTIONS]

            Commands:

            """
        let width = CommandTable.all.map(\.name.count).max() ?? 0
        for command in CommandTable.all {
            text += "  \(Text.padded(command.name, to: width))  \(command.summary)\n"
        }
        text += "\nCommon options:\n" + optionLines(CommandTable.commonOptions)
        text += "\nExit codes: 0 done, 1 failed (nothing lost), 2 health check failed, 64 bad usage.\n"
        text += "Run 'persist-deploy help COMMAND' for a command's options.\n"
        return text
    }

    package static func command(_ spec: CommandSpec) -> String {
        var text = "Usage: persist-deploy \(spec.name)"
        if !spec.arguments.isEmpty { text += " \(spec.arguments)" }
        text += " [OPTIONS]\n\n\(spec.summary)\n"
        if !spec.options.isEmpty { text += "\nOptions:\n" + optionLines(spec.options) }
        text += "\nCommon options:\n" + optionLines(CommandTable.commonOptions)
        return text
    }

    private static func optionLines(_ options: [OptionSpec]) -> String {
        let labels = options.map { option in option.valueName.map { "\(option.name) \($0)" } ?? option.name }
        let width = labels.map(\.count).max() ?? 0
        return zip(labels, options).map { label, option in
            "  \(Text.padded(label, to: width))  \(option.help)\n"
        }.joined()
    }
}
