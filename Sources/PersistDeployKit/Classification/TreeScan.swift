/// What a shallow walk of the app finds: its `.gitignore` rules, and the files and folders that
/// say where the app keeps data (settings git ignores, databases, compiled-template folders).
/// Dependencies and `.git` are skipped and links are never followed.
struct TreeScan {
    private(set) var gitIgnore = GitIgnore()
    /// The scanned files that may be settings or databases (`NameRules.mayBeSettingsOrDatabase`): the only
    /// ones the rules below ask about, so an asset folder's thousands of images are not kept.
    private var files: [String] = []
    /// Folders named `templates_c`: Smarty's compiled templates.
    private(set) var compiledTemplateFolders: [String] = []
    private let reader: AppReader

    static let skipped: Set<String> = [".git", "node_modules", "vendor", ".next", ".nuxt", ".output"]
    private static let maximumDepth = 4

    /// `webRoot` is the app-relative web root: folders named for users' or the app's data
    /// (uploads, media, cache…) in it or at the app root are not searched, only read for their own
    /// `.gitignore`. They can hold many thousands of files, and a deploy must not cost more as
    /// the demo content or the data in them grows.
    init(reader: AppReader, webRoot: String) throws(ToolError) {
        self.reader = reader
        var ignoreFiles: [String] = []
        var queue = ["."]
        var next = 0
        let webRoot = PathName.normalize(webRoot)
        while next < queue.count {
            let directory = queue[next]
            next += 1
            let depth = PathName.components(directory).count
            let parent = PathName.parent(directory)
            // OpenCart's web root `upload/` is named like a data folder, yet it is the app.
            if directory != ".", parent == webRoot || parent == ".", !PathName.isWithin(webRoot, directory),
               let dataClass = NameRules.classFor(name: PathName.basename(directory)), dataClass.isPersistent
            {
                let ignoreFile = AppReader.join(directory, ".gitignore")
                if try reader.entryType(ignoreFile) == .file { ignoreFiles.append(ignoreFile) }
                continue
            }
            // Other files are never asked about, so a folder of images costs no string per image.
            let listed: [(name: String, type: EntryType)]
            do {
                listed = try reader.fileSystem.listDirectoryWithTypes(at: reader.path(directory)) { name in
                    name.elementsEqual(".gitignore".utf8) || NameRules.mayBeSettingsOrDatabase(bytes: name)
                }
            } catch {
                throw ToolError.system(error, while: "Reading the app")
            }
            for (name, type) in listed {
                switch type {
                case .directory:
                    let path = AppReader.join(directory, name)
                    if name == "templates_c" { compiledTemplateFolders.append(path) }
                    if depth + 1 < Self.maximumDepth, !Self.skipped.contains(name) { queue.append(path) }
                case .file:
                    if name == ".gitignore" { ignoreFiles.append(AppReader.join(directory, name)) }
                    if NameRules.mayBeSettingsOrDatabase(name) { files.append(AppReader.join(directory, name)) }
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

    /// Install-time settings files git ignores: present in the tree, named literally by a rule, or
    /// named by a glob whose one plain reading is a settings file (`config*.php*`: `config.php`).
    func ignoredConfigFiles() -> [(path: String, reason: String)] {
        var found = ignored(where: NameRules.isConfigLike)
        for rule in gitIgnore.rules where !rule.negated && !rule.directoryOnly && !rule.isLiteral && (rule.anchored || rule.base.isEmpty) {
            guard let path = Self.plainReading(of: rule), !PathName.basename(path).hasPrefix(".env"),
                  NameRules.isConfigLike(path), NameRules.isInstallerWritable(path), !isInsideSkippedFolder(path), !found.contains(path)
            else { continue }
            found.append(path)
        }
        // One the release lacks is awaited from an installer only where an installer writes:
        // beside the app's code, never in a library's tree or a folder the release lacks.
        found.removeAll { path in
            !files.contains(path) && (!NameRules.isInstallerPlace(path)
                || (PathName.parent(path) != "." && (try? reader.isDirectory(PathName.parent(path))) != true))
        }
        return found.sorted().map { path in
            (path, "install-time settings of this server, which git ignores" + ruleNote(path, isDirectory: false))
        }
    }

    /// SQLite databases anywhere in the scanned tree, committed or not (`Thumbs.db` and the like
    /// are not databases), and those a literal rule names.
    func databaseFiles() -> [(path: String, reason: String)] {
        var found = files.filter { NameRules.isDatabaseFile($0) && !isInsideSkippedFolder($0) }
        for rule in gitIgnore.rules where rule.isLiteral && !rule.directoryOnly && (rule.anchored || rule.base.isEmpty) {
            let path = PathName.normalize(rule.literalPath)
            if NameRules.isDatabaseFile(path), !isInsideSkippedFolder(path), !found.contains(path) { found.append(path) }
        }
        return found.sorted().map { path in
            if gitIgnore.ignoringRule(for: path, isDirectory: false) != nil {
                return (path, "a SQLite database git ignores: data of the running app" + ruleNote(path, isDirectory: false))
            }
            return (path, "a SQLite database the release ships: the running app writes it, so it is seeded from the release once and persistent after")
        }
    }

    /// Folders a literal `.gitignore` rule names as folders the app fills (`/public/uploads/`,
    /// `/files/*`, `/public/uploads`, `/var/plugins*`), which the release either lacks (the app makes them at run
    /// time) or holds with nothing but placeholders in them. Build outputs, dependencies, tests
    /// and dot-folders of tools are never among them.
    func ignoredDataFolders(under scope: String?) -> [(path: String, reason: String)] {
        var seen: Set<String> = []
        var result: [(path: String, reason: String)] = []
        for rule in gitIgnore.rules where !rule.negated && (rule.anchored || rule.base.isEmpty) {
            var pattern = rule.pattern
            var contents = false
            for suffix in ["/**", "/*"] where pattern.hasSuffix(suffix) {
                pattern.removeLast(suffix.count)
                contents = true
            }
            // `/var/plugins*` (Kimai's) names the folder and its numbered or renamed siblings;
            // a dot in the name (`config.php*`) says it names files instead.
            var stem = false
            if !contents, pattern.hasSuffix("*"), !pattern.hasSuffix("/*") {
                pattern.removeLast()
                stem = !PathName.basename(pattern).contains(".")
                if !stem { continue }
            }
            guard !pattern.isEmpty, !pattern.contains(where: { "*?[".contains($0) }) else { continue }
            let path = PathName.normalize(PathName.join(rule.base, pattern))
            let name = PathName.basename(path)
            let byName = NameRules.classFor(name: name)
            guard rule.directoryOnly || contents || stem || byName?.isPersistent == true,
                  byName != .asset, !NameRules.bundlerOutputNames.contains(Text.foldedName(name)),
                  !isInsideSkippedFolder(PathName.join(path, "x")), !PathName.components(path).contains(where: { $0.hasPrefix(".") }),
                  scope.map({ PathName.isWithin(path, $0) && path != $0 }) ?? true, seen.insert(path).inserted
            else { continue }
            let pathClass: PathClass = byName?.isPersistent == true ? byName! : .user
            guard let state = try? folderState(path) else { continue }
            let parent = PathName.parent(path)
            let parentIsShipped = parent == "." || (try? reader.isDirectory(parent)) == true
            // A folder missing inside a folder the release lacks too (ProcessWire's
            // `site-default/assets/files`, for a site profile the repository does not ship) would
            // make a stray folder in every release.
            if state == .missing, !parentIsShipped { continue }
            // A folder no name rule knows, missing at the top of the app, is more often a tool's
            // (`/api/`, `/results/`, `nbproject/`) than the app's: only one inside a folder the
            // release ships (`/phpBB/images/ranks/*`) counts, and only when the rule keeps the
            // folder and ignores what goes in it. A folder kept out whole among shipped code
            // (`bl-plugins/tail-writer/`, `wire/modules/Jquery/JqueryFancybox/`) is code a
            // developer left out, unless it sits in a folder named for data.
            if state == .missing, byName?.isPersistent != true {
                if parent == "." { continue }
                if !contents, !stem, NameRules.classFor(name: PathName.basename(parent))?.isPersistent != true { continue }
            }
            // A stem glob's absent folder counts only under a folder named for data (`var/`):
            // `/config/local*` names settings files more often than a folder.
            if stem, state == .missing, byName?.isPersistent != true,
               NameRules.classFor(name: PathName.basename(PathName.parent(path)))?.isPersistent != true
            {
                continue
            }
            switch state {
            case .missing:
                result.append((path, "git ignores it ('\(rule.text)' in \(rule.file)) and the release has no such folder: the app makes it at run time, so it is persistent (\(pathClass.rawValue))"))
            case .placeholdersOnly:
                result.append((path, "git ignores what it holds ('\(rule.text)' in \(rule.file)) and the release ships it with placeholders only: the app writes there, so it is persistent (\(pathClass.rawValue))"))
            case .other:
                continue
            }
        }
        return result
    }

    /// Folders the release ships with placeholders only, holding files a literal `.gitignore`
    /// rule names (Matomo's `/misc/user/logo.png`): the app writes those files there at run
    /// time. Settings files and databases are listed on their own; compiled css/js named so is
    /// a build's output, and so is a folder named for assets.
    func foldersOfIgnoredFiles() -> [(path: String, reason: String)] {
        var seen: Set<String> = []
        var result: [(path: String, reason: String)] = []
        for rule in gitIgnore.rules where rule.isLiteral && !rule.directoryOnly && (rule.anchored || rule.base.isEmpty) {
            let file = PathName.normalize(rule.literalPath)
            let folder = PathName.parent(file)
            guard folder != ".", !Text.fileExtension(PathName.basename(file)).isEmpty,
                  !NameRules.isConfigLike(file), !NameRules.isDatabaseFile(file), !NameRules.isFrontEndCode(file),
                  NameRules.classFor(name: PathName.basename(folder)) != .asset,
                  !NameRules.bundlerOutputNames.contains(Text.foldedName(PathName.basename(folder))),
                  !isInsideSkippedFolder(file), (try? folderState(folder)) == .placeholdersOnly, seen.insert(folder).inserted
            else { continue }
            result.append((folder, "git ignores the files the app writes there ('\(rule.text)' in \(rule.file)) and the release ships it with placeholders only: persistent"))
        }
        return result
    }

    private enum FolderState: Equatable { case missing, placeholdersOnly, other }

    /// Whether `path` is absent (with no link or file on the way to it), a folder holding only
    /// placeholders and guard files, or anything else.
    private func folderState(_ path: String) throws(ToolError) -> FolderState {
        var ancestor = PathName.parent(path)
        while ancestor != "." {
            if let type = try reader.entryType(ancestor), type != .directory { return .other }
            ancestor = PathName.parent(ancestor)
        }
        switch try reader.entryType(path) {
        case nil: return .missing
        case .directory:
            let names = try reader.list(path)
            for name in names {
                guard NameRules.placeholderNames.contains(name) || NameRules.guardNames.contains(name),
                      try reader.entryType(AppReader.join(path, name)) == .file
                else { return .other }
            }
            return .placeholdersOnly
        default: return .other
        }
    }

    private func ignored(where test: (String) -> Bool) -> [String] {
        var found: [String] = files.filter { test($0) && !isInsideSkippedFolder($0) && gitIgnore.ignoringRule(for: $0, isDirectory: false) != nil }
        for rule in gitIgnore.rules where rule.isLiteral && !rule.directoryOnly && (rule.anchored || rule.base.isEmpty) {
            let path = PathName.normalize(rule.literalPath)
            // A file the release lacks is only listed when an installer could have written it.
            if test(path), !isInsideSkippedFolder(path), !found.contains(path), NameRules.isInstallerWritable(path) || files.contains(path) {
                found.append(path)
            }
        }
        return found
    }

    private func ruleNote(_ path: String, isDirectory: Bool) -> String {
        gitIgnore.ignoringRule(for: path, isDirectory: isDirectory).map { " ('\($0.text)' in \($0.file))" } ?? ""
    }

    func isInsideSkippedFolder(_ path: String) -> Bool {
        NameRules.isInsideLibrary(path) || PathName.components(path).dropLast().contains {
            Self.skipped.contains($0) || NameRules.developmentFolders.contains($0.lowercased()) || ($0.hasPrefix(".") && $0 != ".")
        }
    }

    /// The one file name a glob rule most plainly names, relative to the app root: its wildcards
    /// dropped (`config*.php*` reads `config.php`), or a trailing `.*` read as `.php`
    /// (`config.inc.*`); nil when that reading is not a name the rule matches.
    static func plainReading(of rule: GitIgnore.Rule) -> String? {
        let directory = PathName.parent(rule.pattern)
        let glob = PathName.basename(rule.pattern)
        guard directory == "." || !directory.contains(where: { "*?[".contains($0) }), !glob.contains("[") else { return nil }
        var candidates = [glob.filter { $0 != "*" && $0 != "?" }]
        if glob.hasSuffix(".*") { candidates.append(String(glob.dropLast(2)).filter { $0 != "*" && $0 != "?" } + ".php") }
        for name in candidates where !name.isEmpty && !name.hasPrefix(".") && !name.hasSuffix(".") {
            if Glob.matches(Array(glob), Array(name)) {
                return PathName.normalize(PathName.join(rule.base, directory == "." ? name : PathName.join(directory, name)))
            }
        }
        return nil
    }
}
