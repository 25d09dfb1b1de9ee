import PackagePlugin

/// Turns every `.tmpl` file of the target it is applied to into one generated Swift source,
/// `EmbeddedTemplates.swift`, so the templates ship inside the binary.
@main
struct EmbedTemplatesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target.sourceModule else { return [] }
        // The explicit input list (rather than a folder scan) lets the build system see edits,
        // additions and removals, and keeps the target's own stub out of the output.
        let inputs = module.sourceFiles.map(\.url).filter { $0.pathExtension == "tmpl" }
            .sorted { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedTemplates.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) templates",
                executable: try context.tool(named: "EmbedTemplates").url,
                arguments: [
                    module.directoryURL.path(percentEncoded: false),
                    output.path(percentEncoded: false),
                ] + inputs.map { $0.path(percentEncoded: false) },
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
