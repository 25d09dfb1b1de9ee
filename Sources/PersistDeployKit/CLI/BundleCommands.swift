/// `bundle`: the upload folder for hosts that cannot run the binary.
enum BundleCommands {
    /// What `bundle --json` prints.
    struct Report: Codable, Equatable {
        var directory: String
        var remoteRoot: String
        var framework: Framework
        var webRoot: String
        var persistentPaths: [String]
        var files: [String]
    }

    static func bundle(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        guard let remoteRoot = invocation.value("--remote-root") else {
            throw ToolError.usage("'bundle' needs --remote-root PATH: the deploy root on the host.", command: "bundle")
        }
        let appDirectory = context.absolutePath(invocation.positionals[0])
        let output = context.absolutePath(invocation.value("--out") ?? "persist-deploy-bundle")
        let keep = try invocation.integer("--keep", in: 1...1000) ?? DeployRequest().keep
        if PathName.isWithin(output, appDirectory) {
            throw ToolError(
                "The bundle folder '\(output)' is inside the app '\(appDirectory)'.",
                hint: "Pass --out with a folder outside the app, so the bundle is not uploaded as part of a release.", exitCode: .usage)
        }
        let classification = try Classifier(fileSystem: context.fileSystem).classify(appDirectory: appDirectory)
        let files = try UploadBundle.render(
            classification: classification, remoteRoot: PathName.normalize(remoteRoot),
            publicHTML: invocation.value("--public-html").map(PathName.normalize), keep: keep, now: context.now(),
            liveIndex: classification.framework == .laravel
                ? try? context.fileSystem.readText(at: PathName.join(appDirectory, classification.webRoot, "index.php")) : nil)
        let written = try UploadBundle.write(files, to: output, fileSystem: context.fileSystem)
        for warning in classification.warnings { console.warn(warning) }
        console.say("Bundle for \(classification.framework.rawValue) (web root \(classification.webRoot)), deploy root \(PathName.normalize(remoteRoot)) on the host:")
        for path in written { console.say("  wrote \(path)") }
        console.say("Next: read \(PathName.join(output, "README.txt")): upload the folder and a release, then run deploy.sh there.")
        console.result(Report(
            directory: output, remoteRoot: PathName.normalize(remoteRoot), framework: classification.framework,
            webRoot: classification.webRoot, persistentPaths: classification.persistentPaths.map(\.path), files: written))
        return .success
    }
}
