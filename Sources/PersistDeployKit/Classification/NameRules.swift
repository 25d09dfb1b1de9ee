/// What a directory's name, contents and placeholders say about its class.
enum NameRules {
    /// Folded names (see `Text.foldedName`) that say what makes a directory.
    static let assetNames: Set<String> = ["build", "css", "js", "flags", "images", "img", "fonts", "vendor", "themes", "assets", "static"]
    static let userNames: Set<String> = [
        "upload", "uploads", "useruploads", "avatars", "profilephotos", "media", "documents", "attachments", "files",
        "data", "user", "users", "content", "userfiles",
    ]
    static let runtimeNames: Set<String> = ["qrcodes", "invoices", "exports", "reports", "logs", "cache", "tmp", "var", "writable", "store"]

    /// Folders at the app root that plain-PHP apps and CMSs keep their data in by convention
    /// (DokuWiki's and Kanboard's `data/`, Grav's `user/`, Statamic's `content/` and `users/`,
    /// CodeIgniter's `writable/`, phpBB's `store/`): persistent wherever they sit.
    static let appRootDataNames: Set<String> = [
        "data", "user", "users", "content", "var", "writable", "files", "userfiles", "upload", "uploads", "media", "cache", "store",
    ]

    /// The class a directory's name says, or nil for a name no rule knows. Case, `-`, `_` and
    /// camelCase do not matter: `user_uploads`, `User-Uploads` and `UserUploads` are one name.
    static func classFor(name: String) -> PathClass? {
        let folded = Text.foldedName(name)
        if assetNames.contains(folded) { return .asset }
        if userNames.contains(folded) { return .user }
        if runtimeNames.contains(folded) { return .runtime }
        return nil
    }

    /// Files whose only job is to make git keep an empty directory.
    static let placeholderNames: Set<String> = [".gitkeep", ".keep", ".gitignore", ".empty", ".placeholder"]

    /// Files that keep a data folder from being listed or served (`index.html`, `.htaccess`,
    /// DokuWiki's `_dummy`): they say nothing about what else the folder holds.
    static let guardNames: Set<String> = [".htaccess", "web.config", "index.html", "index.htm", "index.php", "_dummy"]

    /// Extensions of files that ship with the code: stylesheets, scripts, source maps, images, fonts.
    static let staticExtensions: Set<String> = [
        "css", "js", "mjs", "cjs", "map", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp",
        "woff", "woff2", "ttf", "otf", "eot", "webmanifest",
    ]

    /// Extensions of server-side code and its templates, which ship with the app.
    static let codeExtensions: Set<String> = ["php", "phtml", "inc", "twig", "tpl", "latte", "blade"]

    /// Extensions that travel with code in a code folder (its templates, texts and settings).
    static let companionExtensions: Set<String> = ["html", "htm", "json", "xml", "yml", "yaml", "md", "txt", "ini", "neon", "lock", "dist"]

    /// Extensions of compiled front-end code: a git-ignored folder of these is a build's output.
    static let compiledExtensions: Set<String> = ["css", "js", "mjs", "cjs", "map"]

    /// Extensions of front-end sources a build compiles into what is served (Shaarli's
    /// `assets/`: scss and js built into `tpl/`).
    static let frontEndSourceExtensions: Set<String> = ["scss", "sass", "less", "styl", "ts", "tsx", "jsx", "vue", "svelte"]

    /// Extensions of templates written as plain HTML (RainTPL's, in Shaarli's `tpl/`).
    static let htmlTemplateExtensions: Set<String> = ["html", "htm"]

    /// Folders a bundler writes on every build; git ignores them because the deploy rebuilds them.
    static let bundlerOutputNames: Set<String> = ["build", "dist", "hot", "vite", "out", "bundles"]

    /// Data names that say nothing of who writes there: a `files` folder is as often the app's
    /// own (Akaunting's import templates) as its users', so what git tracks there decides.
    static let genericDataNames: Set<String> = ["files"]

    /// Extensions of what users upload besides images (documents, archives, audio, video): a
    /// folder holding these is data even where git ignores a build's output beside it.
    static let uploadExtensions: Set<String> = [
        "pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "odp", "ppt", "pptx", "csv", "rtf", "zip", "rar", "7z", "tar", "gz",
        "mp3", "mp4", "m4a", "mov", "avi", "mkv", "webm", "wav", "ogg", "heic", "psd", "tif", "tiff",
    ]

    static func isUploadKind(_ file: String) -> Bool {
        uploadExtensions.contains(Text.fileExtension(PathName.basename(file)))
    }

    /// A file stored the way an app stores uploads: below a dated or numbered folder
    /// (`2024/05/`), or under a generated name (a hash or UUID of 16 or more hex digits).
    static func looksUploaded(_ file: String) -> Bool {
        let parts = PathName.components(file)
        if parts.dropLast().contains(where: { !$0.isEmpty && $0.allSatisfy(\.isNumber) }) { return true }
        let stem = PathName.basename(file).split(separator: ".").first.map(String.init) ?? ""
        return stem.filter(\.isHexDigit).count >= 16 && stem.allSatisfy { $0.isHexDigit || $0 == "-" }
    }

    /// Server code, its settings, or compiled front-end code: what a release ships on purpose.
    static func isCodeOrCompiled(_ file: String) -> Bool {
        isCodeOrSettings(file) || isCompiled(file)
    }

    /// A file of a kind that ships with code: code, its templates and texts, static files, placeholders.
    static func isShippedKind(_ file: String) -> Bool {
        let name = PathName.basename(file)
        let ext = Text.fileExtension(name)
        return codeExtensions.contains(ext) || companionExtensions.contains(ext) || staticExtensions.contains(ext)
            || placeholderNames.contains(name) || guardNames.contains(name)
    }

    static func isPlaceholder(_ file: String) -> Bool {
        placeholderNames.contains(PathName.basename(file))
    }

    static func isStatic(_ file: String) -> Bool {
        staticExtensions.contains(Text.fileExtension(PathName.basename(file)))
    }

    static func isCompiled(_ file: String) -> Bool {
        compiledExtensions.contains(Text.fileExtension(PathName.basename(file)))
    }

    /// Compiled css/js or a source a build compiles (`.scss`, `.ts`, `.vue`).
    static func isFrontEndCode(_ file: String) -> Bool {
        let ext = Text.fileExtension(PathName.basename(file))
        return compiledExtensions.contains(ext) || frontEndSourceExtensions.contains(ext)
    }

    static func isFrontEndSource(_ file: String) -> Bool {
        frontEndSourceExtensions.contains(Text.fileExtension(PathName.basename(file)))
    }

    /// Code of any kind a release ships: server code and its settings, front-end code, HTML
    /// templates. Git ignoring what is added beside such files does not make them data.
    static func isShippedCode(_ file: String) -> Bool {
        isCodeOrSettings(file) || isFrontEndCode(file) || htmlTemplateExtensions.contains(Text.fileExtension(PathName.basename(file)))
    }

    static func isCode(_ file: String) -> Bool {
        codeExtensions.contains(Text.fileExtension(PathName.basename(file)))
    }

    /// True when `files` hold server-side code besides the `index.php` that guards a data folder.
    static func holdsCode(_ files: [String]) -> Bool {
        files.contains { isCode($0) && !guardNames.contains(PathName.basename($0)) }
    }

    /// A file of code or of the settings that ship with it (`.php`, `.twig`, `.yml`, `.json`).
    static func isCodeOrSettings(_ file: String) -> Bool {
        let ext = Text.fileExtension(PathName.basename(file))
        return codeExtensions.contains(ext) || ["yml", "yaml", "json", "xml", "neon", "ini"].contains(ext)
    }

    /// True when `files` are the app's code: server-side source files, and at least half of all
    /// files code, its templates and texts, placeholders or static files.
    static func isCodeFolder(_ files: [String]) -> Bool {
        guard holdsCode(files) else { return false }
        let known = files.filter { file in
            let name = PathName.basename(file)
            let ext = Text.fileExtension(name)
            return codeExtensions.contains(ext) || companionExtensions.contains(ext) || staticExtensions.contains(ext)
                || placeholderNames.contains(name) || guardNames.contains(name)
        }
        return known.count * 2 >= files.count
    }

    /// Composer packages that load `.env` into the environment: a PHP app requiring one reads
    /// `.env` even when it ships no `.env.example` (https://github.com/vlucas/phpdotenv). Symfony's
    /// own `.env` ships with the code (its preset).
    static let dotenvLoaders: Set<String> = ["vlucas/phpdotenv"]

    /// Folded names of folders that hold code, tools or documentation: asset when nothing else
    /// (git ignoring it, a deny-all `.htaccess`, placeholders only) says the app writes there.
    static let codeFolderNames: Set<String> = [
        "bin", "src", "lib", "libs", "app", "adm", "admin", "administrator", "includes", "inc", "system", "core", "modules", "components", "libraries", "classes",
        "tests", "test", "docs", "doc", "develop", "install", "installation", "scripts", "tools", "templates", "views", "resources",
        "language", "languages", "lang", "locale", "styles", "tpl", "webserverconfigs", "migrations",
    ]

    /// Folders of a project that hold its tools, tests and documentation, never data; a
    /// `.gitignore` rule or a settings file below one of them is not the running app's.
    static let developmentFolders: Set<String> = [
        "tests", "test", "testing", "spec", "fixtures", "__tests__", "_test", "testdata", "tools", "docs", "doc", "vagrant",
        "docker", "node_modules", "vendor",
    ]

    /// Folded names of folders holding other projects' code (FreshRSS's `lib/`, `third-party/`):
    /// a `.gitignore` there prunes the library's files, and nothing below one is the app's data.
    static let libraryFolders: Set<String> = [
        "lib", "libs", "vendor", "vendors", "thirdparty", "3rdparty", "external", "externals", "extlib", "libraries", "bowercomponents",
    ]

    /// True when `path` lies inside a library tree (see `libraryFolders`).
    static func isInsideLibrary(_ path: String) -> Bool {
        PathName.components(path).dropLast().contains { libraryFolders.contains(Text.foldedName($0)) }
    }

    /// A place an installer writes its settings file to: outside library trees and the folders
    /// of class files (`src/`, `classes/`), where a `DSNConfigurator.php` is code, not settings.
    static func isInstallerPlace(_ path: String) -> Bool {
        !isInsideLibrary(path) && !PathName.components(path).dropLast().contains { ["src", "classes"].contains($0.lowercased()) }
    }

    /// Folders and manifests a package manager writes: what an app's extension manager changes
    /// when it runs `composer require` on the server (Flarum's, October's), which is code.
    static let packageFolders: Set<String> = ["vendor", "node_modules"]
    static let packageManifests: Set<String> = [
        "composer.json", "composer.lock", "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml",
    ]

    /// True when `path` is a package manager's folder, lies in one, or is its manifest.
    static func isPackageManaged(_ path: String) -> Bool {
        packageManifests.contains(PathName.basename(path)) || PathName.components(path).contains { packageFolders.contains($0) }
    }

    /// A file that may hold a server's install-time settings (`config.php`, `settings.ini`).
    private static let configExtensions: Set<String> = ["php", "ini", "inc", "json", "yml", "yaml", "neon", "conf", "xml"]
    private static let databaseExtensions: Set<String> = ["sqlite", "sqlite3", "db", "db3"]
    /// Files named like databases that are not: Windows' and macOS's thumbnail caches.
    private static let notDatabases: Set<String> = ["thumbs.db", "ehthumbs.db", "ehthumbs_vista.db", "desktop.db", "pspbrwse.db"]

    /// False only for a file name that neither `isConfigLike` nor `isDatabaseFile` can accept,
    /// told from its bytes (a scan meets tens of thousands of images); any name holding
    /// non-ASCII bytes is left to those two.
    static func mayBeSettingsOrDatabase(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { mayBeSettingsOrDatabase(bytes: $0) }
    }

    /// `mayBeSettingsOrDatabase` for a name as `readdir` gives it, before it becomes a string. The
    /// extension is compared as one number (its lowercased bytes packed), never as an array.
    static func mayBeSettingsOrDatabase(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return true }
        func lower(_ byte: UInt8) -> UInt8 { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte }
        if bytes.count >= 4, packed(bytes[..<4], lower) == packedEnv { return true }
        guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")), dot > 0, bytes.count - dot - 1 <= 8 else { return false }
        return settingsOrDatabaseExtensions.contains(packed(bytes[(dot + 1)...], lower))
    }

    /// Up to eight bytes (none of them NUL) as one number, each passed through `transform`.
    private static func packed<Bytes: Collection>(_ bytes: Bytes, _ transform: (UInt8) -> UInt8 = { $0 }) -> UInt64 where Bytes.Element == UInt8 {
        bytes.reduce(0) { $0 << 8 | UInt64(transform($1)) }
    }

    private static let packedEnv = packed(".env".utf8)
    private static let settingsOrDatabaseExtensions = Set(configExtensions.union(databaseExtensions).map { packed($0.utf8) })

    static func isConfigLike(_ path: String) -> Bool {
        let name = PathName.basename(path).lowercased()
        if isExample(name) { return false }
        if name.hasPrefix(".env") { return !isTestEnvironment(name) }
        guard configExtensions.contains(Text.fileExtension(name)) else { return false }
        return ["config", "settings", "credentials", "secret", "parameters"].contains { name.contains($0) } || name == "local.php"
    }

    /// `.env.test`, `.env.test.local`, `.env.testing`, `.env.dusk.local`: a test run's settings
    /// (Symfony's, Laravel's, Dusk's), never this server's.
    static func isTestEnvironment(_ path: String) -> Bool {
        let name = PathName.basename(path).lowercased()
        return name.hasPrefix(".env.test") || name.hasPrefix(".env.dusk")
    }

    /// Overrides of `.env` the app reads only when present (`.env.local`, `.env.prod.local`, and
    /// `.env.local.php` that `composer dump-env` writes): a missing one is no fault, and an empty
    /// one in shared/ would hide the one a later release ships.
    static func isOptionalEnvOverride(_ path: String) -> Bool {
        let name = PathName.basename(path).lowercased()
        return name == ".env.local.php" || (name.hasPrefix(".env.") && name.hasSuffix(".local"))
    }

    /// `.env.example`, `config.sample.php`, `default.settings.php`, `wp-config-sample.php`: a
    /// template the release ships, never a server's own settings.
    static func isExample(_ name: String) -> Bool {
        let name = name.lowercased()
        return name.hasSuffix(".example") || name.hasSuffix(".sample") || name.hasSuffix(".dist") || name.hasSuffix(".default")
            || name.contains("example") || name.contains("sample") || name.hasPrefix("default.") || name.contains(".default.")
    }

    /// A settings file an installer writes when it is missing (`config.php`, `settings.inc.php`,
    /// `config.ini`, `.env`), rather than an editor's or a tool's (`nb-configuration.xml`).
    static func isInstallerWritable(_ path: String) -> Bool {
        let name = PathName.basename(path).lowercased()
        return name.hasPrefix(".env") || ["php", "inc", "ini"].contains(Text.fileExtension(name)) || isDatabaseFile(name)
    }

    static func isDatabaseFile(_ path: String) -> Bool {
        let name = PathName.basename(path)
        return databaseExtensions.contains(Text.fileExtension(name)) && !notDatabases.contains(name.lowercased())
    }

    /// True when the text of an `.htaccess` denies every web request (`Require all denied`,
    /// `Deny from all`) outside comments: the folder holds private data, not assets.
    static func deniesAllWebAccess(_ htaccess: String) -> Bool {
        for rawLine in Text.lines(htaccess) {
            let words = Text.trimmed(rawLine).lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = words.first, !first.hasPrefix("#") else { continue }
            if words == ["require", "all", "denied"] || words == ["deny", "from", "all"] { return true }
        }
        return false
    }
}
