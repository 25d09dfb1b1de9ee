/// The persistent paths outside the web root's own folders: the framework's settings and
/// storage, folders named for data at the app root, what `.gitignore` says the app makes at run
/// time, SQLite databases and compiled-template folders.
struct AppRootRules {
    let reader: AppReader
    let tree: TreeScan
    let facts: AppFacts

    private var framework: Framework { facts.detection.framework }
    private var isJavaScript: Bool { framework == .next || framework == .vue || framework == .react }

    func add(into builder: inout PathListBuilder) throws(ToolError) {
        try addSettings(into: &builder)
        if !isJavaScript { try addDataFolders(into: &builder) }
        if framework == .laravel || framework == .php { try addThemeFolder(into: &builder) }
        if isJavaScript { try addPublicDataFolders(into: &builder) }
        for (path, reason) in tree.ignoredDataFolders(under: isJavaScript ? "public" : nil) where !builder.contains(path) {
            builder.add(ClassifiedPath(path: path, kind: .dir, class: NameRules.classFor(name: PathName.basename(path)).flatMap {
                $0.isPersistent ? $0 : nil } ?? .user, reason: reason))
        }
        for (path, reason) in tree.foldersOfIgnoredFiles() where !isJavaScript && !builder.contains(path) {
            builder.add(ClassifiedPath(path: path, kind: .dir, class: NameRules.classFor(name: PathName.basename(path)).flatMap {
                $0.isPersistent ? $0 : nil } ?? .user, reason: reason))
        }
        for (path, reason) in tree.databaseFiles() where !builder.contains(path) {
            try add(path, .file, .runtime, reason, into: &builder)
        }
        if framework == .laravel { try addLaravelSQLite(into: &builder) }
        for folder in tree.compiledTemplateFolders where !builder.contains(folder) {
            builder.add(ClassifiedPath(
                path: folder, kind: .dir, class: .disposable,
                reason: "Smarty's compiled templates, rebuilt on demand for each release's code (https://www.smarty.net/docs/en/variable.compile.dir.tpl)"))
        }
    }

    private func add(
        _ path: String, _ kind: PathKind, _ pathClass: PathClass, _ reason: String, example: String? = nil,
        origin: PathListBuilder.Origin = .rule, into builder: inout PathListBuilder
    ) throws(ToolError) {
        let actual = try reader.entryType(path)
        let kind: PathKind = actual == .directory ? .dir : actual == .file ? .file : kind
        var reason = reason
        if let example, actual == nil { reason += "; seeded from \(example) when shared/ lacks it" }
        builder.add(ClassifiedPath(path: path, kind: kind, class: pathClass, reason: reason, example: actual == nil ? example : nil), origin: origin)
    }

    /// `.env` (seeded from `.env.example`, else Symfony's older `.env.dist`, else
    /// `.env.production`), Laravel's storage, Next's build output, and settings files git ignores.
    private func addSettings(into builder: inout PathListBuilder) throws(ToolError) {
        let hasEnv = try reader.exists(".env")
        let example = try reader.first(of: [".env.example", ".env.dist", ".env.production"], where: reader.isFile)
        let hasEnvFile = hasEnv || example != nil
        switch framework {
        case .laravel:
            try add("storage", .dir, .runtime, "Laravel's storage/: logs, sessions, cache and files the app stores (storage/app)", origin: .preset, into: &builder)
            try add(".env", .file, .config, "Laravel's per-server settings (APP_KEY, database password)", example: example, origin: .preset, into: &builder)
        case .php:
            // Only an app that reads .env gets one: a .env made for an app that never asked for it
            // sits in a web root served from the app root (Kirby, Grav) and is warned about for ever.
            if hasEnvFile {
                try add(".env", .file, .config, "per-server settings: a .env or .env.example is in the app", example: example, into: &builder)
            } else if let loader = facts.composerPackages.intersection(NameRules.dotenvLoaders).sorted().first {
                try add(".env", .file, .config, "per-server settings: composer.json requires \(loader), which reads .env", into: &builder)
            }
            for (path, reason) in tree.ignoredConfigFiles() where !builder.contains(path) {
                let absent = try reader.entryType(path) == nil
                if absent, !hasEnvFile, try isComposeEnvironment(path) { continue }
                let optional = NameRules.isOptionalEnvOverride(path)
                let example = absent && !optional && !facts.isWordPress ? try distributedTemplate(of: path) : nil
                if let example {
                    builder.add(ClassifiedPath(
                        path: path, kind: .file, class: .config,
                        reason: reason + "; the release ships its template \(example), which the app's install steps copy to it "
                            + "(the installer needs the file to exist): seeded from it when shared/ lacks it",
                        example: example))
                    continue
                }
                let awaits = absent && (optional || !PathName.basename(path).hasPrefix(".env"))
                let note = optional
                    ? "; the app reads it only when present, so it is linked, never created empty"
                    : "; the release lacks it, so the app's installer writes it: linked, never created empty"
                builder.add(ClassifiedPath(
                    path: path, kind: .file, class: .config,
                    reason: reason + (awaits ? note : ""),
                    writtenByApp: awaits ? true : nil))
            }
        case .next:
            if try reader.isDirectory(".next") {
                builder.add(ClassifiedPath(path: ".next", kind: .dir, class: .asset, reason: "Next.js's build output (next build), replaced by every deploy"), origin: .preset)
            }
            if hasEnvFile { try add(".env", .file, .config, "per-server settings: a .env or .env.example is in the app, and next start reads .env", example: example, into: &builder) }
        case .vue, .react, .unknown:
            if hasEnvFile { try add(".env", .file, .config, "per-server settings: a .env or .env.example is in the app", example: example, into: &builder) }
        }
    }

    /// The template the release ships beside a settings file it lacks, named as the file with
    /// `-dist`/`.dist` (OpenCart's `config-dist.php`, whose install steps say to rename it to
    /// `config.php`: https://github.com/opencart/opencart/blob/master/INSTALL.md). A WordPress-like
    /// installer writes the file itself when it is missing, so there it stays awaited.
    private func distributedTemplate(of path: String) throws(ToolError) -> String? {
        let name = PathName.basename(path)
        let ext = Text.fileExtension(name)
        guard !ext.isEmpty else { return nil }
        let stem = String(name.dropLast(ext.count + 1))
        let folder = PathName.parent(path)
        let candidates = ["\(stem)-dist.\(ext)", "\(stem).dist.\(ext)", "\(name).dist"].map { AppReader.join(folder, $0) }
        return try reader.first(of: candidates, where: reader.isFile)
    }

    /// A `.env` file the app lacks that only Docker Compose reads: a compose file beside it, and
    /// no template of it and no dotenv loader in the PHP app (OpenCart's `.env`, `.env.docker`).
    private func isComposeEnvironment(_ path: String) throws(ToolError) -> Bool {
        guard PathName.basename(path).hasPrefix(".env"), facts.composerPackages.isDisjoint(with: NameRules.dotenvLoaders.union(["symfony/dotenv"])) else {
            return false
        }
        let folder = PathName.parent(path)
        let composeFiles = ["docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"].map { AppReader.join(folder, $0) }
        return try reader.first(of: composeFiles, where: reader.isFile) != nil
    }

    /// Folders at the app root named for data by convention (`data/`, `user/`, `content/`,
    /// `writable/`, `var/`…), outside the web root: persistent whatever they hold.
    private func addDataFolders(into builder: inout PathListBuilder) throws(ToolError) {
        let webRoot = PathName.normalize(facts.detection.webRoot)
        guard webRoot != "." else { return }
        for name in try reader.list(".") where !name.hasPrefix(".") && !builder.contains(name) {
            guard !PathName.isWithin(webRoot, name), NameRules.appRootDataNames.contains(Text.foldedName(name)),
                  let byName = NameRules.classFor(name: name), byName.isPersistent, try reader.isDirectory(name)
            else { continue }
            builder.add(ClassifiedPath(
                path: name, kind: .dir, class: byName,
                reason: "a folder named for the app's data at the app root (plain PHP apps and CMSs keep data in data/, user/, content/, writable/, var/…): persistent"))
        }
    }

    /// Next.js and Nuxt apps that write into `public/` at run time (uploads a route saves there):
    /// its folders named for data, or that git ignores, are persistent even when `public/` is not
    /// the web root the tool serves.
    private func addPublicDataFolders(into builder: inout PathListBuilder) throws(ToolError) {
        guard PathName.normalize(facts.detection.webRoot) != "public", try reader.isDirectory("public") else { return }
        for name in try reader.list("public") {
            let path = PathName.join("public", name)
            guard !builder.contains(path), try reader.isDirectory(path) else { continue }
            if let byName = NameRules.classFor(name: name), byName.isPersistent {
                builder.add(ClassifiedPath(
                    path: path, kind: .dir, class: byName,
                    reason: "its name says \(byName.rawValue); the app writes into public/ at run time, which every build would replace"))
            } else if let rule = tree.gitIgnore.ignoringRule(for: path, isDirectory: true) ?? tree.gitIgnore.contentsIgnoringRule(for: path),
                      !NameRules.bundlerOutputNames.contains(Text.foldedName(name))
            {
                builder.add(ClassifiedPath(
                    path: path, kind: .dir, class: .user,
                    reason: "git ignores it ('\(rule.text)' in \(rule.file)), so the app writes it into public/ at run time: persistent"))
            }
        }
    }

    /// Laravel's SQLite databases (`LaravelSQLite`), listed even when the release lacks them.
    /// One the release lacks starts as an empty file in shared/, which SQLite reads as an empty
    /// database (an app on MySQL never opens it); `artisan migrate` fills it.
    private func addLaravelSQLite(into builder: inout PathListBuilder) throws(ToolError) {
        var databases: [LaravelSQLite.Database] = []
        var source = "config/database.php"
        if try reader.isFile(source) {
            databases = LaravelSQLite.databases(inConfig: String(decoding: try reader.read(source), as: UTF8.self))
        } else if let env = try reader.first(of: [".env", ".env.example"], where: reader.isFile),
                  LaravelSQLite.envPicksSQLite(String(decoding: try reader.read(env), as: UTF8.self))
        {
            databases = [LaravelSQLite.frameworkDefault]
            source = "Laravel's default, as \(env) sets DB_CONNECTION=sqlite"
        }
        for database in databases where !builder.contains(database.path) {
            guard try reader.isDirectory(PathName.parent(database.path)) else { continue }
            let shipped = try reader.entryType(database.path) != nil
            builder.add(ClassifiedPath(
                path: database.path, kind: .file, class: .runtime,
                reason: "the SQLite database of the '\(database.connection)' connection (\(source): \(database.written)), used when "
                    + "DB_CONNECTION=\(database.connection): data of the running app, persistent"
                    + (shipped ? "" : "; the release lacks it, so it starts empty in shared/ (an empty SQLite database)")))
        }
    }

    /// A `themes/` folder outside the web root that the release ships with nothing but
    /// placeholders or a README: where the site's own theme goes (BookStack's
    /// `themes/<APP_THEME>`), made on the server, so persistent. One the release fills ships
    /// with the code.
    private func addThemeFolder(into builder: inout PathListBuilder) throws(ToolError) {
        let webRoot = PathName.normalize(facts.detection.webRoot)
        guard webRoot != ".", !builder.contains("themes"), try reader.isDirectory("themes") else { return }
        let entries = try reader.listWithTypes("themes")
        guard entries.allSatisfy({ $0.type == .file && (NameRules.isPlaceholder($0.name) || Self.isReadme($0.name)) }) else { return }
        let shipped = entries.isEmpty ? "empty" : "with only \(Text.list(entries.map(\.name).sorted())) in it"
        var reason = "the release ships it \(shipped): the folder for the site's own theme, made on the server, so persistent"
        for env in [".env.example", ".env.example.complete"] where try reader.isFile(env) {
            let mentions = Text.lines(String(decoding: try reader.read(env), as: UTF8.self)).contains { $0.contains("APP_THEME") }
            if mentions {
                reason += " (\(env) names APP_THEME, the theme the app loads from themes/<APP_THEME>)"
                break
            }
        }
        builder.add(ClassifiedPath(path: "themes", kind: .dir, class: .user, reason: reason))
    }

    private static func isReadme(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "readme" || lower.hasPrefix("readme.")
    }
}
