/// Decides the class of every web-root directory and lists the persistent paths outside the web
/// root, then applies the app's `persist-deploy.json`. It reads the tree without following a
/// single symlink, so it is safe on a release that is already linked into shared/.
///
/// The order of the rules, strongest first:
/// 1. `persist-deploy.json` (`classify`, `remove`);
/// 2. the presets of the frameworks and apps the tool knows (`PresetCatalog`, each citing the
///    app's documentation), Laravel's `public/storage`, a JavaScript app's build output;
/// 3. a symlink is never walked: a link to a folder inside the app stays a link; one leaving the
///    app is persistent only when its name says so, else it is left as the release ships it;
/// 4. git ignores the directory or what it holds: persistent (a bundler's output excepted, and
///    code and assets the release ships there anyway: `ShippedFolderRules`);
/// 5. its `.htaccess` denies all web access and it holds no code: persistent;
/// 6. it holds only a placeholder (`.gitkeep`): persistent, a build-output folder excepted;
/// 7. its name (`uploads`, `data`, `qrcodes`, `css`); a `files` folder of what git tracks is an asset;
/// 8. it holds only static files, or the app's code with its templates: asset;
/// 9. otherwise, with a warning: persistent (`user`) when empty, else `asset`.
/// Outside the web root: data folders by name at the app root, folders and settings files git
/// ignores, SQLite databases, compiled-template folders (`AppRootRules`).
package struct Classifier: Sendable {
    let fileSystem: any FileSystem

    package init(fileSystem: any FileSystem) {
        self.fileSystem = fileSystem
    }

    /// The detection with `persist-deploy.json`'s web root applied: what `classify` builds on.
    package func detect(appDirectory: String) throws(ToolError) -> DetectionResult {
        try prepare(appDirectory: appDirectory).facts.detection
    }

    package func classify(appDirectory: String) throws(ToolError) -> Classification {
        let (facts, config, presets) = try prepare(appDirectory: appDirectory)
        let reader = AppReader(fileSystem: fileSystem, appDirectory: appDirectory)
        let tree = try TreeScan(reader: reader, webRoot: facts.detection.webRoot)
        var builder = PathListBuilder()

        try WebRootRules(fileSystem: fileSystem, reader: reader, tree: tree, facts: facts).classify(into: &builder)
        try ShippedFolderRules(fileSystem: fileSystem, reader: reader, tree: tree, facts: facts).revise(into: &builder)
        try AppRootRules(reader: reader, tree: tree, facts: facts).add(into: &builder)
        for (preset, probe) in presets {
            for path in try preset.classifiedPaths(probe: probe) { builder.add(path, origin: .preset) }
        }
        // The file is checked against the list `classify` shows: a rule's folder (Symfony's `var/`)
        // has already yielded to the preset's paths inside it, so an entry beside those is no overlap.
        builder.dropNestedPaths(webRoot: facts.detection.webRoot)
        if let config { try builder.apply(config, reader: reader, webRoot: facts.detection.webRoot) }
        builder.dropToolFileNames()
        builder.dropNestedPaths(webRoot: facts.detection.webRoot)
        return Classification(
            detection: facts.detection, paths: builder.sortedPaths, warnings: builder.allWarnings, pathWarnings: builder.pathWarnings)
    }

    /// The presets whose app is at the app root or, for an app one folder down, at its web root.
    private func matchedPresets(facts: AppFacts, reader: AppReader) throws(ToolError) -> [(Preset, PresetProbe)] {
        var bases = ["."]
        if facts.detection.webRoot != "." { bases.append(PathName.normalize(facts.detection.webRoot)) }
        var matched: [(Preset, PresetProbe)] = []
        for preset in PresetCatalog.all {
            for base in bases {
                let probe = PresetProbe(reader: reader, base: base, facts: facts)
                if try preset.matches(probe) {
                    matched.append((preset, probe))
                    break
                }
            }
        }
        return matched
    }

    /// Detection, `persist-deploy.json`'s web root, and the presets that apply (named in the evidence).
    private func prepare(appDirectory: String) throws(ToolError) -> (facts: AppFacts, config: ProjectConfig?, presets: [(Preset, PresetProbe)]) {
        var facts = try FrameworkDetector(fileSystem: fileSystem).inspect(appDirectory: appDirectory)
        let config = try ProjectConfig.load(appDirectory: appDirectory, fileSystem: fileSystem)
        if let config, let webRoot = config.webRoot {
            let reader = AppReader(fileSystem: fileSystem, appDirectory: appDirectory)
            let isDirectory = try reader.isDirectory(webRoot)
            guard webRoot == "." || isDirectory else {
                throw ToolError(
                    "\(config.file): key 'webRoot': expected a directory of the app, but '\(webRoot)' is not one.",
                    hint: "Fix \(ProjectConfig.fileName) or create the folder; nothing was changed.")
            }
            facts.detection.webRoot = webRoot
            facts.detection.evidence.append("persist-deploy.json sets the web root to \(webRoot == "." ? "the app root" : webRoot + "/")")
        }
        let presets = try matchedPresets(facts: facts, reader: AppReader(fileSystem: fileSystem, appDirectory: appDirectory))
        for (preset, probe) in presets {
            facts.detection.evidence.append("the \(preset.name) preset applies (its files in \(probe.base == "." ? "the app root" : probe.base + "/"))")
        }
        return (facts, config, presets)
    }
}
