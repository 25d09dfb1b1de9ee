/// One app's or framework's own word on where it writes at run time, each entry citing the page
/// of the app's documentation (or the file it ships) that says so. The catalog is in
/// `PresetCatalog`; the README's preset table lists the same rows.
struct Preset: Sendable {
    /// The app's name as its makers write it.
    var name: String
    /// True when the app sits at the probe's base folder (the app root, or the web root of an
    /// app that lives one folder down in its repository).
    var matches: @Sendable (PresetProbe) throws(ToolError) -> Bool
    var entries: [PresetEntry]
}

/// One path a preset names, relative to the folder the preset matched in.
struct PresetEntry: Sendable {
    /// A `*` component stands for every folder there (Drupal's `sites/*/files`).
    var path: String
    var kind: PathKind
    var pathClass: PathClass
    /// What the app keeps there, as its documentation says it.
    var what: String
    /// The documentation (or the app's own shipped file) that says so.
    var source: String
    /// A config file the app's installer writes: linked into shared/, never created empty.
    var writtenByApp = false
    /// Files the release may ship to seed a missing config file from, first found wins.
    var examples: [String] = []
    /// Listed only when the release has it (a folder some versions of the app do not use).
    var onlyIfPresent = false
    /// True when `path` is relative to the web root the tool detected (Symfony's `public/`, which
    /// older Symfony apps call `web/`), not to the preset's base.
    var inWebRoot = false
    /// Older names of the path, used when the release has one of them and not the path
    /// (Symfony 2 and 3 log to `var/logs`).
    var formerly: [String] = []

    init(
        _ path: String, _ kind: PathKind, _ pathClass: PathClass, _ what: String, source: String,
        writtenByApp: Bool = false, examples: [String] = [], onlyIfPresent: Bool = false, inWebRoot: Bool = false, formerly: [String] = []
    ) {
        self.inWebRoot = inWebRoot
        self.formerly = formerly
        self.path = path
        self.kind = kind
        self.pathClass = pathClass
        self.what = what
        self.source = source
        self.writtenByApp = writtenByApp
        self.examples = examples
        self.onlyIfPresent = onlyIfPresent
    }
}

/// What a preset may look at to decide whether it applies: the app's files below one base
/// folder, and the packages its manifests require.
struct PresetProbe {
    let reader: AppReader
    /// The folder the preset's paths are relative to, relative to the app root ("." for it).
    let base: String
    let facts: AppFacts

    func path(_ relative: String) -> String { AppReader.join(base, relative) }
    func isFile(_ relative: String) throws(ToolError) -> Bool { try reader.isFile(path(relative)) }
    func isDirectory(_ relative: String) throws(ToolError) -> Bool { try reader.isDirectory(path(relative)) }
    func exists(_ relative: String) throws(ToolError) -> Bool { try reader.exists(path(relative)) }

    /// True when every one of `paths` exists below the base.
    func has(_ paths: String...) throws(ToolError) -> Bool {
        for relative in paths where try !exists(relative) { return false }
        return true
    }

    /// True when composer.json (at the app root) requires any of `packages`.
    func requires(_ packages: String...) -> Bool {
        packages.contains { facts.composerPackages.contains($0) }
    }
}

/// A preset's entries laid out on one app: the paths they name, with `*` expanded and kinds
/// read from the release.
extension Preset {
    func classifiedPaths(probe: PresetProbe) throws(ToolError) -> [ClassifiedPath] {
        var result: [ClassifiedPath] = []
        let webRoot = PathName.normalize(probe.facts.detection.webRoot)
        for entry in entries {
            var pattern = entry.path
            if try !probe.exists(pattern), let former = try probe.reader.first(of: entry.formerly, where: probe.exists) { pattern = former }
            for relative in try expand(pattern, probe: probe) {
                let path = entry.inWebRoot ? AppReader.join(webRoot, relative) : probe.path(relative)
                let onDisk = try probe.reader.entryType(path)
                if entry.onlyIfPresent && onDisk == nil { continue }
                // A path the release lacks inside a folder it lacks too would make a stray folder
                // in every release, unless that folder is named for data (Symfony's `var/`, which
                // git ignores whole).
                let parent = PathName.parent(path)
                if onDisk == nil, parent != ".", try !probe.reader.isDirectory(parent),
                   NameRules.classFor(name: PathName.basename(parent))?.isPersistent != true
                {
                    continue
                }
                let kind: PathKind = onDisk == .directory ? .dir : onDisk == .file ? .file : entry.kind
                var example: String?
                for candidate in entry.examples where onDisk == nil {
                    guard try probe.isFile(candidate) else { continue }
                    example = probe.path(candidate)
                    break
                }
                let awaits = entry.writtenByApp && kind == .file && onDisk == nil && example == nil
                var reason = "\(entry.what) (\(name): \(entry.source))"
                if awaits {
                    reason += NameRules.isOptionalEnvOverride(path)
                        ? "; the app reads it only when present, so it is linked, never created empty"
                        : "; the installer writes it, so it is linked and never created empty"
                }
                if let example { reason += "; seeded from \(example) when shared/ lacks it" }
                result.append(ClassifiedPath(
                    path: path, kind: kind, class: entry.pathClass, reason: reason,
                    writtenByApp: awaits ? true : nil, example: example))
            }
        }
        return result
    }

    /// `pattern` with each `*` component replaced by every folder found there (none found: the
    /// pattern with `default` in its place, Drupal's own name for the only site).
    private func expand(_ pattern: String, probe: PresetProbe) throws(ToolError) -> [String] {
        let parts = PathName.components(pattern)
        guard let star = parts.firstIndex(of: "*") else { return [pattern] }
        let parent = parts[..<star].joined(separator: "/")
        let rest = parts[(star + 1)...].joined(separator: "/")
        var folders: [String] = []
        if try probe.isDirectory(parent) {
            for name in try probe.reader.list(probe.path(parent)).sorted() where name != "all" && !name.hasPrefix(".") {
                if try probe.isDirectory(PathName.join(parent, name)) { folders.append(name) }
            }
        }
        if folders.isEmpty { folders = ["default"] }
        return folders.map { PathName.join(parent, $0, rest) }
    }
}
