/// Decides the class of every web-root directory and lists the persistent paths outside the web
/// root, then applies the app's `persist-deploy.json`. It reads the tree without following a
/// single symlink, so it is safe on a release that is already linked into shared/.
///
/// The order of the rules, strongest first:
/// 1. `persist-deploy.json` (`classify`, `remove`);
/// 2. the framework's presets (Laravel's `public/storage`, a JavaScript app's build output,
///    WordPress's folders);
/// 3. a symlink is never walked: its name decides, else it is `user`;
/// 4. git ignores the directory or what it holds: persistent (a bundler's output excepted);
/// 5. it holds only a placeholder (`.gitkeep`): persistent;
/// 6. its name (`uploads`, `qrcodes`, `css`);
/// 7. it holds only static files (css, js, images, fonts, maps): asset;
/// 8. otherwise, with a warning: persistent (`user`) when empty, else `asset`.
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
        let (facts, config) = try prepare(appDirectory: appDirectory)
        let detection = facts.detection
        let reader = AppReader(fileSystem: fileSystem, appDirectory: appDirectory)
        let tree = try TreeScan(reader: reader, webRoot: detection.webRoot)
        var builder = PathListBuilder()

        try classifyWebRoot(facts: facts, reader: reader, tree: tree, into: &builder)
        try addPersistentPaths(facts: facts, reader: reader, tree: tree, into: &builder)
        if let config { try builder.apply(config, reader: reader, webRoot: detection.webRoot) }
        builder.dropNestedPaths()
        return Classification(detection: detection, paths: builder.sortedPaths, warnings: builder.allWarnings)
    }

    private func prepare(appDirectory: String) throws(ToolError) -> (facts: AppFacts, config: ProjectConfig?) {
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
        return (facts, config)
    }

    // MARK: The web root

    private func classifyWebRoot(facts: AppFacts, reader: AppReader, tree: TreeScan, into builder: inout PathListBuilder) throws(ToolError) {
        let detection = facts.detection
        let webRoot = detection.webRoot
        let storageLink = detection.framework == .laravel ? AppReader.join(webRoot, "storage") : nil
        if let storageLink {
            builder.add(ClassifiedPath(
                path: storageLink, kind: .dir, class: .user,
                reason: "Laravel's link to storage/app/public (php artisan storage:link); its files persist through storage/",
                linkTarget: "storage/app/public"))
        }
        let webRootIsDirectory = try reader.isDirectory(webRoot)
        guard webRoot == "." || webRootIsDirectory else {
            builder.warnings.append("The web root '\(webRoot)' is not in the app's tree, so no web-root directory was classified.")
            return
        }
        let isBuildOutput = (detection.framework == .vue || detection.framework == .react) && webRoot != "public"
        for name in try reader.list(webRoot) {
            let path = AppReader.join(webRoot, name)
            if path == storageLink || path == ".git" { continue }
            let type = try reader.entryType(path)
            if type == .symlink {
                // Only a link's own status is read to leave out links to files; it is never walked.
                let targetType = try? fileSystem.status(at: reader.path(path), followSymlink: true)?.type
                if targetType == .file { continue }
                let target = (try? fileSystem.readSymlink(at: reader.path(path))) ?? "?"
                builder.add(linkDecision(path: path, name: name, target: target))
                continue
            }
            guard type == .directory else { continue }
            if isBuildOutput {
                builder.add(ClassifiedPath(
                    path: path, kind: .dir, class: .asset,
                    reason: "inside the build output \(webRoot)/, which every build replaces"))
                continue
            }
            if facts.isWordPress, let reason = Self.wordPressAssetReasons[name] {
                builder.add(ClassifiedPath(path: path, kind: .dir, class: .asset, reason: reason))
                continue
            }
            if name == "node_modules" {
                builder.add(ClassifiedPath(path: path, kind: .dir, class: .asset, reason: "packages installed by npm for each release"))
                continue
            }
            let (entry, warning) = try decide(path: path, name: name, reader: reader, tree: tree)
            builder.add(entry, warning: warning)
        }
    }

    private static let wordPressAssetReasons = [
        "wp-admin": "WordPress core, replaced by an update",
        "wp-includes": "WordPress core, replaced by an update",
        "wp-content": "WordPress themes and plugins ship with the code; wp-content/uploads is persistent on its own",
    ]

    private func linkDecision(path: String, name: String, target: String) -> ClassifiedPath {
        let link = "a link to '\(target)', not walked"
        if let byName = NameRules.classFor(name: name) {
            return ClassifiedPath(path: path, kind: .dir, class: byName, reason: "\(link); its name says \(byName.rawValue)")
        }
        return ClassifiedPath(
            path: path, kind: .dir, class: .user,
            reason: "\(link); no rule knows its name, so it is kept persistent (its data already lives elsewhere)")
    }

    /// Rules 4 to 8 for a real directory of the web root.
    private func decide(path: String, name: String, reader: AppReader, tree: TreeScan) throws(ToolError) -> (ClassifiedPath, String?) {
        if let byName = NameRules.classFor(name: name), byName.isPersistent {
            return try decideDataFolder(path: path, byName: byName, reader: reader, tree: tree)
        }
        let files: [String]
        do {
            files = try fileSystem.files(under: reader.path(path))
        } catch {
            throw ToolError.system(error, while: "Reading '\(path)' of the app")
        }
        let byName = NameRules.classFor(name: name)
        let persistentClass = byName == .runtime ? PathClass.runtime : .user
        func entry(_ pathClass: PathClass, _ reason: String) -> ClassifiedPath {
            ClassifiedPath(path: path, kind: .dir, class: pathClass, reason: reason)
        }

        if let rule = tree.gitIgnore.ignoringRule(for: path, isDirectory: true) ?? tree.gitIgnore.contentsIgnoringRule(for: path) {
            let how = "git ignores \(rule.text == "*" ? "what it holds" : "it") ('\(rule.text)' in \(rule.file))"
            if NameRules.bundlerOutputNames.contains(Text.foldedName(name)) {
                return (entry(.asset, "\(how), but it is a bundler's output, rebuilt for every release"), nil)
            }
            if !files.isEmpty, files.allSatisfy(NameRules.isCompiled) {
                return (entry(.asset, "\(how), but it holds only compiled css/js, rebuilt for every release"), nil)
            }
            return (entry(persistentClass, "\(how), so the app writes it: persistent"), nil)
        }
        let realFiles = files.filter { !NameRules.isPlaceholder($0) }
        if !files.isEmpty, realFiles.isEmpty {
            let placeholder = PathName.basename(files[0])
            let reason = "holds only a placeholder (\(placeholder)), kept so the app can write there: persistent"
            guard byName != nil else {
                return (entry(.user, reason), Self.undecidedWarning(path: path, treatedAs: .user, because: "it holds only a placeholder"))
            }
            return (entry(persistentClass, reason), nil)
        }
        if let byName {
            return (entry(byName, "its name says \(byName.rawValue)"), nil)
        }
        if !files.isEmpty, files.allSatisfy(NameRules.isStatic) {
            return (entry(.asset, "holds only static files (css, js, images, fonts, maps)"), nil)
        }
        if files.isEmpty {
            return (entry(.user, "empty and no rule knows its name: kept persistent to be safe"),
                    Self.undecidedWarning(path: path, treatedAs: .user, because: "it is empty"))
        }
        return (entry(.asset, "no rule decides it; it holds \(Text.count(files.count, "file")) that ship with the code"),
                Self.undecidedWarning(path: path, treatedAs: .asset, because: "it holds files of no known kind"))
    }

    /// A folder named for users' or the app's data is persistent whatever it holds; only the
    /// reason is worked out, from a few of its names, never from all of its files: it can hold
    /// any number of them, and classifying must not cost more as they grow.
    private func decideDataFolder(path: String, byName: PathClass, reader: AppReader, tree: TreeScan) throws(ToolError) -> (ClassifiedPath, String?) {
        func entry(_ reason: String) -> (ClassifiedPath, String?) {
            (ClassifiedPath(path: path, kind: .dir, class: byName, reason: reason), nil)
        }
        if let rule = tree.gitIgnore.ignoringRule(for: path, isDirectory: true) ?? tree.gitIgnore.contentsIgnoringRule(for: path) {
            return entry("git ignores \(rule.text == "*" ? "what it holds" : "it") ('\(rule.text)' in \(rule.file)), so the app writes it: persistent")
        }
        let limit = NameRules.placeholderNames.count + 1
        let sample: [String]
        do {
            sample = try fileSystem.someNames(in: reader.path(path), limit: limit)
        } catch {
            throw ToolError.system(error, while: "Reading '\(path)' of the app")
        }
        var onlyPlaceholders = !sample.isEmpty && sample.count < limit
        for name in sample where onlyPlaceholders {
            let type = try reader.entryType(AppReader.join(path, name))
            onlyPlaceholders = NameRules.isPlaceholder(name) && type == .file
        }
        if onlyPlaceholders, let placeholder = sample.sorted().first {
            return entry("holds only a placeholder (\(placeholder)), kept so the app can write there: persistent")
        }
        return entry("its name says \(byName.rawValue)")
    }

    private static func undecidedWarning(path: String, treatedAs pathClass: PathClass, because: String) -> String {
        let other: PathClass = pathClass == .asset ? .user : .asset
        let what = pathClass == .asset ? "an asset (replaced by every deploy)" : "persistent (user data in shared/)"
        let change = pathClass == .asset ? "If the app writes there" : "If it ships with the code"
        return "'\(path)' matched no rule (\(because)), so it is treated as \(what). \(change), add "
            + "\"classify\": {\(Text.json(NameBytes.display(path))): \"\(other.rawValue)\"} to persist-deploy.json."
    }

    // MARK: Persistent paths outside the web root

    private func addPersistentPaths(facts: AppFacts, reader: AppReader, tree: TreeScan, into builder: inout PathListBuilder) throws(ToolError) {
        func add(_ path: String, _ kind: PathKind, _ pathClass: PathClass, _ reason: String) throws(ToolError) {
            let actual = try reader.entryType(path)
            let kind: PathKind = actual == .directory ? .dir : actual == .file ? .file : kind
            builder.add(ClassifiedPath(path: path, kind: kind, class: pathClass, reason: reason))
        }
        let hasEnv = try reader.exists(".env")
        let hasEnvExample = try reader.exists(".env.example")
        let hasEnvFile = hasEnv || hasEnvExample
        switch facts.detection.framework {
        case .laravel:
            try add("storage", .dir, .runtime, "Laravel's storage/: logs, sessions, cache and files the app stores (storage/app)")
            try add(".env", .file, .config, "Laravel's per-server settings (APP_KEY, database password)")
        case .php:
            // WordPress keeps its settings in wp-config.php; other PHP apps commonly read .env.
            if !facts.isWordPress || hasEnvFile {
                try add(".env", .file, .config, "per-server settings of the app (PHP apps read .env when one exists)")
            }
            if facts.isWordPress {
                let base = try reader.isDirectory(AppReader.join(facts.detection.webRoot, "wp-content")) ? facts.detection.webRoot : "."
                try add(AppReader.join(base, "wp-content/uploads"), .dir, .user, "WordPress's media library: files users upload")
                try add(AppReader.join(base, "wp-config.php"), .file, .config, "WordPress's per-server settings (database password, keys)")
            }
            for (path, reason) in tree.ignoredConfigFiles() where !builder.contains(path) {
                try add(path, .file, .config, reason)
            }
        case .next:
            if try reader.isDirectory(".next") {
                builder.add(ClassifiedPath(path: ".next", kind: .dir, class: .asset, reason: "Next.js's build output (next build), replaced by every deploy"))
            }
            if hasEnvFile { try add(".env", .file, .config, "per-server settings: a .env or .env.example is in the app, and next start reads .env") }
        case .vue, .react, .unknown:
            if hasEnvFile { try add(".env", .file, .config, "per-server settings: a .env or .env.example is in the app") }
        }
        for (path, reason) in tree.ignoredDatabaseFiles() where !builder.contains(path) {
            try add(path, .file, .runtime, reason)
        }
    }
}

/// The entries found so far, with the warnings that belong to each. Paths are told apart by
/// their bytes: a web root may hold "café" twice, composed and decomposed (two folders).
struct PathListBuilder {
    private var entries: [ClassifiedPath] = []
    private var pathWarnings: [NameBytes.Key: String] = [:]
    private var fromConfig: [NameBytes.Key: String] = [:]
    var warnings: [String] = []

    func contains(_ path: String) -> Bool { entries.contains { PathName.sameBytes($0.path, path) } }

    mutating func add(_ entry: ClassifiedPath, warning: String? = nil) {
        entries.removeAll { PathName.sameBytes($0.path, entry.path) }
        entries.append(entry)
        pathWarnings[NameBytes.Key(entry.path)] = warning
    }

    var sortedPaths: [ClassifiedPath] {
        entries.sorted { PathName.bytewiseLess($0.path, $1.path) }
    }

    /// Applies `persist-deploy.json`, then checks no persistent path lies inside another.
    mutating func apply(_ config: ProjectConfig, reader: AppReader, webRoot: String) throws(ToolError) {
        for (path, pathClass) in config.classify {
            let key = "classify.\(Text.json(path))"
            var kind = PathKind.dir
            switch try reader.entryType(path) {
            case .file: kind = .file
            case .symlink:
                kind = (try? reader.fileSystem.status(at: reader.path(path), followSymlink: true)?.type) == .file ? .file : .dir
            default: break
            }
            let reason = "persist-deploy.json classifies it as \(pathClass.rawValue)"
            if let found = entries.first(where: { PathName.sameBytes($0.path, path) }) {
                add(ClassifiedPath(path: path, kind: found.kind, class: pathClass, reason: "\(reason) (the tool said \(found.class.rawValue): \(found.reason))"))
            } else {
                add(ClassifiedPath(path: path, kind: kind, class: pathClass, reason: reason))
            }
            fromConfig[NameBytes.Key(path)] = key
        }
        for (index, path) in config.remove.enumerated() {
            guard let found = entries.first(where: { PathName.sameBytes($0.path, path) }), found.class.isPersistent else {
                warnings.append("\(ProjectConfig.fileName) removes '\(path)' (remove[\(index)]), but the tool found no persistent path there; nothing was removed.")
                continue
            }
            if PathName.parent(path) == PathName.normalize(webRoot) {
                add(ClassifiedPath(path: path, kind: found.kind, class: .asset, reason: "persist-deploy.json removes it from the persistent paths, so it ships with each release"))
            } else {
                entries.removeAll { PathName.sameBytes($0.path, path) }
                pathWarnings[NameBytes.Key(path)] = nil
            }
            fromConfig[NameBytes.Key(path)] = "remove[\(index)]"
        }
        // A persistent path inside another would be linked into shared/ twice.
        for (outer, inner) in nestedPersistentPaths() {
            if let key = fromConfig[NameBytes.Key(inner.path)] ?? fromConfig[NameBytes.Key(outer.path)] {
                throw ToolError(
                    "\(config.file): key \(key): expected persistent paths that do not overlap, but '\(inner.path)' lies inside '\(outer.path)' and both are persistent.",
                    hint: "Keep only the outer path persistent, or classify the outer one as asset; nothing was changed.")
            }
        }
    }

    /// When the tool's own rules find a persistent path inside another, the outer one already
    /// keeps it, so the inner one is dropped.
    mutating func dropNestedPaths() {
        for (_, inner) in nestedPersistentPaths() {
            entries.removeAll { PathName.sameBytes($0.path, inner.path) }
            pathWarnings[NameBytes.Key(inner.path)] = nil
        }
    }

    private func nestedPersistentPaths() -> [(outer: ClassifiedPath, inner: ClassifiedPath)] {
        let persistent = sortedPaths.filter { $0.class.isPersistent && $0.linkTarget == nil }
        return persistent.flatMap { outer in
            persistent.filter { !PathName.sameBytes($0.path, outer.path) && PathName.isWithin($0.path, outer.path) }.map { (outer, $0) }
        }
    }

    /// The warnings of the file, then those of the paths in path order.
    var allWarnings: [String] {
        warnings + sortedPaths.compactMap { pathWarnings[NameBytes.Key($0.path)] }
    }
}

/// What a shallow walk of the app finds: its `.gitignore` rules, and files that git ignores and
/// that hold a server's settings or a database. Dependencies and `.git` are skipped and links
/// are never followed.
struct TreeScan {
    private(set) var gitIgnore = GitIgnore()
    private var files: [String] = []

    private static let skipped: Set<String> = [".git", "node_modules", "vendor", ".next", ".nuxt"]
    private static let maximumDepth = 4

    /// `webRoot` is the app-relative web root: its folders named for users' or the app's data
    /// (uploads, media, cache…) are not searched for settings or databases, only for their own
    /// `.gitignore`. They can hold many thousands of files, and a deploy must not cost more as
    /// the demo content or the data in them grows.
    init(reader: AppReader, webRoot: String) throws(ToolError) {
        var ignoreFiles: [String] = []
        var queue = ["."]
        let webRoot = PathName.normalize(webRoot)
        while let directory = queue.first {
            queue.removeFirst()
            let depth = PathName.components(directory).count
            if PathName.parent(directory) == webRoot,
               let dataClass = NameRules.classFor(name: PathName.basename(directory)), dataClass.isPersistent
            {
                let ignoreFile = AppReader.join(directory, ".gitignore")
                if try reader.entryType(ignoreFile) == .file { ignoreFiles.append(ignoreFile) }
                continue
            }
            for name in try reader.list(directory) {
                let path = AppReader.join(directory, name)
                switch try reader.entryType(path) {
                case .directory:
                    if depth + 1 < Self.maximumDepth, !Self.skipped.contains(name) { queue.append(path) }
                case .file:
                    if name == ".gitignore" { ignoreFiles.append(path) }
                    files.append(path)
                default: break
                }
            }
        }
        // Git gives a deeper .gitignore precedence, so rules are added from the root down.
        for file in ignoreFiles.sorted(by: { PathName.components($0).count < PathName.components($1).count }) {
            let contents = String(decoding: try reader.read(file), as: UTF8.self)
            gitIgnore.add(contents: contents, base: PathName.parent(file))
        }
    }

    /// Install-time settings files git ignores: present in the tree, or named literally by a rule.
    func ignoredConfigFiles() -> [(String, String)] {
        ignored(where: NameRules.isConfigLike, reason: "install-time settings of this server, which git ignores")
    }

    func ignoredDatabaseFiles() -> [(String, String)] {
        ignored(where: NameRules.isDatabaseFile, reason: "a SQLite database git ignores: data of the running app")
    }

    private func ignored(where test: (String) -> Bool, reason: String) -> [(String, String)] {
        var found: [String] = files.filter { test($0) && gitIgnore.ignoringRule(for: $0, isDirectory: false) != nil }
        for rule in gitIgnore.rules where rule.isLiteral && !rule.directoryOnly && (rule.anchored || rule.base.isEmpty) {
            let path = PathName.normalize(rule.literalPath)
            let parts = PathName.components(path)
            if test(path), !parts.contains(where: Self.skipped.contains), !found.contains(path) { found.append(path) }
        }
        return found.sorted().map { path in
            let rule = gitIgnore.ignoringRule(for: path, isDirectory: false)
            return (path, reason + (rule.map { " ('\($0.text)' in \($0.file))" } ?? ""))
        }
    }
}
