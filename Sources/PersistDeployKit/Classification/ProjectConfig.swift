/// `persist-deploy.json` at the app root: the app's own word on its web root and classes.
///
/// ```json
/// { "webRoot": "public",
///   "classify": { "public/banners": "user", "public/docs": "asset", "database/app.sqlite": "runtime" },
///   "remove": [".env"] }
/// ```
///
/// `classify` sets a path's class (a file or a directory, listed even when absent); `remove` drops
/// a persistent path the tool found (a web-root directory named there ships as an asset). The file
/// is checked strictly: anything unexpected is an error naming the file, the key and what was
/// expected, because a silently ignored typo could send user data away with an old release.
package struct ProjectConfig: Sendable {
    package static let fileName = "persist-deploy.json"

    /// The web root relative to the app root, when the file sets it.
    package var webRoot: String?
    /// Class overrides, in file order.
    package var classify: [(path: String, class: PathClass)]
    package var remove: [String]
    /// The file's absolute path, for messages.
    package var file: String
    /// The web user and hooks (`webUser`, `webGroup`, `hooks`).
    package var deploy = DeploySettings()

    package init(webRoot: String? = nil, classify: [(path: String, class: PathClass)] = [], remove: [String] = [], file: String) {
        self.webRoot = webRoot
        self.classify = classify
        self.remove = remove
        self.file = file
    }

    /// The app's `persist-deploy.json`, parsed and checked; nil when the app has none.
    package static func load(appDirectory: String, fileSystem: any FileSystem) throws(ToolError) -> ProjectConfig? {
        let file = PathName.join(appDirectory, fileName)
        let bytes: [UInt8]
        do {
            guard try fileSystem.status(at: file, followSymlink: true) != nil else { return nil }
            bytes = try fileSystem.readFile(at: file)
        } catch {
            throw ToolError.system(error, while: "Reading \(fileName)")
        }
        return try parse(bytes, file: file)
    }

    /// Parses and checks the text of a `persist-deploy.json` found at `file`.
    package static func parse(_ bytes: [UInt8], file: String) throws(ToolError) -> ProjectConfig {
        func invalid(_ message: String) -> ToolError {
            ToolError("\(file): \(message)", hint: "Fix \(fileName); nothing was changed.")
        }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(bytes, rejectDuplicateKeys: true)
        } catch {
            throw invalid("not valid JSON: \(error).")
        }
        guard let root = parsed.objectValue else {
            throw invalid("expected a JSON object ({ ... }) at the top level, got \(parsed.typeName).")
        }
        var config = ProjectConfig(file: file)
        // Keys by bytes, so checking for a path listed twice costs one look-up, not a scan.
        var classified: [NameBytes.Key: String] = [:]
        var removed: Set<NameBytes.Key> = []
        for key in root.keys {
            let value = root[key] ?? .null
            let line = root.line(of: key) ?? 0
            switch key {
            case "webRoot":
                guard let text = value.stringValue else {
                    throw invalid("key 'webRoot' (line \(line)): expected a string such as \"public\", got \(value.typeName).")
                }
                if text != "." {
                    config.webRoot = try checkedPath(text, key: "webRoot", line: line, invalid: invalid)
                } else {
                    config.webRoot = "."
                }
            case "classify":
                guard let entries = value.objectValue else {
                    throw invalid("key 'classify' (line \(line)): expected an object mapping paths to classes, got \(value.typeName).")
                }
                for path in entries.keys {
                    let entryLine = entries.line(of: path) ?? line
                    let key = "classify.\"\(path)\""
                    let checked = try checkedPath(path, key: key, line: entryLine, invalid: invalid)
                    let classes = PathClass.allCases.map(\.rawValue).joined(separator: ", ")
                    guard let name = entries[path]?.stringValue else {
                        throw invalid("key \(key) (line \(entryLine)): expected one of \(classes), got \(entries[path]?.typeName ?? "nothing").")
                    }
                    guard let pathClass = PathClass(rawValue: name) else {
                        throw invalid("key \(key) (line \(entryLine)): expected one of \(classes), got \"\(name)\".")
                    }
                    if let earlier = classified[NameBytes.Key(checked)] {
                        throw invalid("key \(key) (line \(entryLine)): '\(checked)' is classified twice (also as \"\(earlier)\").")
                    }
                    if pathClass.isPersistent, let toolFile = toolFileName(in: checked) {
                        throw invalid(
                            "key \(key) (line \(entryLine)): '\(toolFile)' is the name of persist-deploy's own file in shared/, "
                                + "so '\(checked)' cannot be kept there; expected a path the tool does not use.")
                    }
                    classified[NameBytes.Key(checked)] = checked
                    config.classify.append((checked, pathClass))
                }
            case "remove":
                guard case .array(let items) = value else {
                    throw invalid("key 'remove' (line \(line)): expected a list of paths such as [\".env\"], got \(value.typeName).")
                }
                for (index, item) in items.enumerated() {
                    let key = "remove[\(index)]"
                    guard let path = item.stringValue else {
                        throw invalid("key \(key) (line \(line)): expected a path string, got \(item.typeName).")
                    }
                    let checked = try checkedPath(path, key: key, line: line, invalid: invalid)
                    if !removed.insert(NameBytes.Key(checked)).inserted {
                        throw invalid("key \(key) (line \(line)): '\(checked)' is listed twice.")
                    }
                    config.remove.append(checked)
                }
            case _ where DeploySettings.keys.contains(key):
                try config.deploy.parse(key: key, value: value, line: line, invalid: invalid)
            default:
                let known = ["webRoot", "classify", "remove"] + DeploySettings.keys
                let suggestion = ArgumentParser.suggestion(for: key, among: known)
                throw invalid("unknown key '\(key)' (line \(line)); expected \(known.dropLast().joined(separator: ", ")) or \(known.last ?? "").\(suggestion)")
            }
        }
        for path in config.remove where classified[NameBytes.Key(path)] != nil {
            throw invalid("key 'remove': '\(path)' is also in 'classify'; keep one of the two.")
        }
        return config
    }

    /// The tool's own file in shared/ that a persistent path would collide with (`health-check.sh`,
    /// `.persistence-config`, or a path below one of them), or nil.
    package static func toolFileName(in path: String) -> String? {
        guard let first = PathName.components(path).first, DeployRoot.toolFilesInShared.contains(first) else { return nil }
        return first
    }

    /// `text` as a clean path relative to the app root, or an error saying why it cannot be one.
    private static func checkedPath(
        _ text: String, key: String, line: Int, invalid: (String) -> ToolError
    ) throws(ToolError) -> String {
        // A byte that is not UTF-8 is written as the tool shows it: "public/caf\\xE9".
        let text = NameBytes.parsingDisplay(text)
        let expected = "expected a path inside the app, relative to its root, such as \"public/uploads\""
        if text.isEmpty || Text.trimmed(text).isEmpty {
            throw invalid("key \(key) (line \(line)): the path is empty; \(expected).")
        }
        if text.hasPrefix("/") || text.hasPrefix("~") {
            throw invalid("key \(key) (line \(line)): '\(text)' is absolute; \(expected).")
        }
        if text.split(separator: "/").contains("..") {
            throw invalid("key \(key) (line \(line)): '\(text)' leaves the app with '..'; \(expected).")
        }
        if text.contains("\0") {
            throw invalid("key \(key) (line \(line)): the path holds a NUL character; \(expected).")
        }
        // Checked here so the error names the file, not a failed lstat much later.
        if text.utf8.count > 4095 || text.split(separator: "/").contains(where: { $0.utf8.count > 255 }) {
            throw invalid(
                "key \(key) (line \(line)): the path is too long (\(text.utf8.count) bytes; at most 255 a name and 4095 in all); \(expected).")
        }
        let normalized = PathName.normalize(text)
        if normalized == "." {
            throw invalid("key \(key) (line \(line)): '\(text)' is the app root itself; \(expected).")
        }
        return normalized
    }
}
