/// `detect` and `classify`.
enum DetectCommands {
    static func detect(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        let appDirectory = self.appDirectory(invocation, context)
        let detection = try Classifier(fileSystem: context.fileSystem).detect(appDirectory: appDirectory)
        console.result(detection)
        console.say("Framework: \(detection.framework.rawValue)")
        console.say("Web root:  \(webRootLabel(detection.webRoot))")
        console.say("Evidence:")
        for line in detection.evidence { console.say("  - \(line)") }
        return .success
    }

    static func classify(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        let appDirectory = self.appDirectory(invocation, context)
        let classification = try Classifier(fileSystem: context.fileSystem).classify(appDirectory: appDirectory)
        console.result(classification)
        console.say("Framework: \(classification.framework.rawValue)    Web root: \(webRootLabel(classification.webRoot))")
        console.say("")
        for line in table(classification.paths) { console.say(line) }
        for warning in classification.warnings { console.warn(warning) }
        let persistent = classification.persistentPaths.count
        console.say("")
        console.say("\(Text.count(persistent, "persistent path")) (in shared/), \(Text.count(classification.assetPaths.count, "asset directory", "asset directories")) (in each release).")
        return .success
    }

    private static func appDirectory(_ invocation: Invocation, _ context: Context) -> String {
        context.absolutePath(invocation.positionals.first ?? ".")
    }

    private static func webRootLabel(_ webRoot: String) -> String {
        webRoot == "." ? ". (the app root)" : webRoot + "/"
    }

    /// The paths as aligned columns: path, class, kind, reason.
    static func table(_ paths: [ClassifiedPath]) -> [String] {
        let rows = paths.map { entry in
            // Shown as people see it before padding: an escape takes four columns.
            [NameBytes.display(entry.path), entry.class.rawValue, entry.kind.rawValue,
             entry.reason + (entry.linkTarget.map { " [links to \($0)]" } ?? "")]
        }
        let header = ["PATH", "CLASS", "KIND", "REASON"]
        let widths = (0..<3).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            (0..<3).map { Text.padded(row[$0], to: widths[$0]) }.joined(separator: "  ") + "  " + row[3]
        }
    }
}
