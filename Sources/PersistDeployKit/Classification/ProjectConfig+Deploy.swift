/// The deploy settings `persist-deploy.json` may carry beside the classes: the web server's user
/// and the commands run around the switch. They ship with the code, so every server deploying
/// the app gets them; command-line options override them.
///
/// ```json
/// { "webUser": "www-data",
///   "hooks": { "beforeSwitch": "php artisan migrate --force", "afterSwitch": "php artisan queue:restart", "timeout": 900 } }
/// ```
package struct DeploySettings: Sendable, Equatable {
    package var webUser: String?
    package var webGroup: String?
    package var beforeSwitch: String?
    package var afterSwitch: String?
    /// Seconds a hook (or `--verify`) may run before it is killed.
    package var hookTimeout: Int?

    package init() {}

    /// The keys this part of the file understands.
    static let keys = ["webUser", "webGroup", "hooks"]
    static let hookKeys = ["beforeSwitch", "afterSwitch", "timeout"]
    /// The longest timeout accepted: a day.
    package static let timeoutRange = 1...86_400

    /// Reads one top-level key of `persist-deploy.json` into these settings.
    mutating func parse(key: String, value: JSONValue, line: Int, invalid: (String) -> ToolError) throws(ToolError) {
        switch key {
        case "webUser", "webGroup":
            let name = try accountName(value, key: key, line: line, invalid: invalid)
            if key == "webUser" { webUser = name } else { webGroup = name }
        case "hooks":
            guard let hooks = value.objectValue else {
                throw invalid("key 'hooks' (line \(line)): expected an object such as {\"beforeSwitch\": \"php artisan migrate --force\"}, got \(value.typeName).")
            }
            for hookKey in hooks.keys {
                let entry = hooks[hookKey] ?? .null
                let entryLine = hooks.lines[hookKey] ?? line
                switch hookKey {
                case "beforeSwitch", "afterSwitch":
                    guard let command = entry.stringValue else {
                        throw invalid("key hooks.\(hookKey) (line \(entryLine)): expected a shell command as a string, got \(entry.typeName).")
                    }
                    if command.contains("\0") {
                        throw invalid("key hooks.\(hookKey) (line \(entryLine)): the command holds a NUL character.")
                    }
                    let trimmed = Text.trimmed(command)
                    if hookKey == "beforeSwitch" { beforeSwitch = trimmed } else { afterSwitch = trimmed }
                case "timeout":
                    guard case .number(let number) = entry, number.rounded() == number,
                          number >= Double(Self.timeoutRange.lowerBound), number <= Double(Self.timeoutRange.upperBound) else {
                        throw invalid("key hooks.timeout (line \(entryLine)): expected a whole number of seconds from \(Self.timeoutRange.lowerBound) to \(Self.timeoutRange.upperBound), got \(Self.shown(entry)).")
                    }
                    hookTimeout = Int(number)
                default:
                    let suggestion = ArgumentParser.suggestion(for: hookKey, among: Self.hookKeys)
                    throw invalid("unknown key hooks.\(hookKey) (line \(entryLine)); expected beforeSwitch, afterSwitch or timeout.\(suggestion)")
                }
            }
        default:
            throw invalid("unknown key '\(key)' (line \(line)).")
        }
    }

    private static func shown(_ value: JSONValue) -> String {
        if case .number(let number) = value { return number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number) }
        return value.typeName
    }

    /// A user or group name as the account database spells it.
    private func accountName(_ value: JSONValue, key: String, line: Int, invalid: (String) -> ToolError) throws(ToolError) -> String {
        let example = "\"www-data\""
        guard let name = value.stringValue else {
            throw invalid("key '\(key)' (line \(line)): expected a name such as \(example), got \(value.typeName).")
        }
        // The characters useradd(8) and groupadd(8) accept, plus digits for a numeric id.
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "$")
        }
        guard !name.isEmpty, name.utf8.count <= 32, allowed, !name.hasPrefix("-") else {
            throw invalid("key '\(key)' (line \(line)): '\(name)' is not a user or group name; expected a name such as \(example).")
        }
        return name
    }
}
