/// A parsed command line: the command, its option values and its positional arguments.
package struct Invocation: Sendable {
    package let command: CommandSpec
    package var values: [String: String] = [:]
    package var flags: Set<String> = []
    package var positionals: [String] = []

    package func flag(_ name: String) -> Bool { flags.contains(name) }
    package func value(_ name: String) -> String? { values[name] }

    /// A whole-number option, checked against `range`; absent gives nil.
    package func integer(_ name: String, in range: ClosedRange<Int>) throws(ToolError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw ToolError.usage("\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'.", command: command.name)
        }
        return number
    }
}

/// What the command line asks for.
package enum ParsedCommandLine: Sendable {
    case run(Invocation)
    case help(CommandSpec?)
    case version
}

/// Hand-rolled parsing against `CommandTable`: `COMMAND [OPTIONS] [ARGS]`, options anywhere,
/// `--name=value` or `--name value`, `--` ends options.
package enum ArgumentParser {
    package static func parse(_ arguments: [String]) throws(ToolError) -> ParsedCommandLine {
        guard let first = arguments.first else { throw ToolError.usage("No command given; name one of the commands above.") }
        if first == "--help" || first == "-h" { return .help(nil) }
        if first == "--version" || first == "-V" { return .version }
        if first.hasPrefix("-") {
            let known = CommandTable.commonOptions.map(\.name) + ["--version"]
            if !known.contains(first) {
                throw ToolError.usage("Unknown option '\(first)'.\(suggestion(for: first, among: known))")
            }
            throw ToolError.usage("A command must come first, before '\(first)'.")
        }
        guard let command = CommandTable.command(named: first) else {
            throw ToolError.usage("Unknown command '\(first)'.\(suggestion(for: first, among: CommandTable.all.map(\.name)))")
        }
        var invocation = Invocation(command: command)
        var rest = arguments.dropFirst()
        var optionsEnded = false
        while let argument = rest.popFirst() {
            if optionsEnded || !argument.hasPrefix("--") || argument == "-" {
                if argument.hasPrefix("-") && !optionsEnded && argument != "-" {
                    throw ToolError.usage("Unknown option '\(argument)'.", command: command.name)
                }
                invocation.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            if argument == "--version" { return .version }
            let (name, inlineValue) = split(argument)
            guard let option = command.allOptions.first(where: { $0.name == name }) else {
                let names = command.allOptions.map(\.name)
                throw ToolError.usage("Unknown option '\(name)' for '\(command.name)'.\(suggestion(for: name, among: names))", command: command.name)
            }
            if option.name == "--help" { return .help(command) }
            // A second value would silently win over the first (a pipeline's default and a
            // person's override): which one was meant is for the person to say.
            if invocation.flags.contains(name) || invocation.values[name] != nil {
                throw ToolError.usage("\(name) is given twice; give it once.", command: command.name)
            }
            if option.valueName == nil {
                if inlineValue != nil { throw ToolError.usage("\(name) takes no value.", command: command.name) }
                invocation.flags.insert(name)
            } else if let value = inlineValue ?? rest.first.flatMap({ isOptionName($0, of: command) ? nil : $0 }) {
                if inlineValue == nil { rest.removeFirst() }
                invocation.values[name] = value
            } else {
                throw ToolError.usage("\(name) needs a value (\(option.valueName ?? "")).", command: command.name)
            }
        }
        if command.name == "help" {
            guard let topic = invocation.positionals.first else { return .help(nil) }
            guard let spec = CommandTable.command(named: topic) else {
                throw ToolError.usage("Unknown command '\(topic)'.\(suggestion(for: topic, among: CommandTable.all.map(\.name)))")
            }
            return .help(spec)
        }
        let range = command.positionalRange
        if !range.contains(invocation.positionals.count) {
            let expected = command.arguments.isEmpty ? "no arguments" : "arguments \(command.arguments)"
            throw ToolError.usage("'\(command.name)' takes \(expected), got \(invocation.positionals.count).", command: command.name)
        }
        return .run(invocation)
    }

    /// True when `argument` is one of `command`'s options: `--root --json` is a missing value
    /// for `--root`, not a root folder named `--json` (write `--root=--json` for that).
    private static func isOptionName(_ argument: String, of command: CommandSpec) -> Bool {
        let name = split(argument).0
        return name.hasPrefix("--") && (name == "--version" || command.allOptions.contains { $0.name == name })
    }

    private static func split(_ argument: String) -> (String, String?) {
        guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    /// " Did you mean 'x'?" for the closest name within a small edit distance, else "".
    package static func suggestion(for word: String, among candidates: [String]) -> String {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else { return "" }
        return " Did you mean '\(best.0)'?"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
