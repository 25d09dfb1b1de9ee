/// What a directory's name, contents and placeholders say about its class.
enum NameRules {
    /// Folded names (see `Text.foldedName`) that say what makes a directory.
    static let assetNames: Set<String> = ["build", "css", "js", "flags", "images", "img", "fonts", "vendor", "themes", "assets", "static"]
    static let userNames: Set<String> = [
        "uploads", "useruploads", "avatars", "profilephotos", "media", "documents", "attachments", "files",
    ]
    static let runtimeNames: Set<String> = ["qrcodes", "invoices", "exports", "reports", "logs", "cache", "tmp"]

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

    /// Extensions of files that ship with the code: stylesheets, scripts, source maps, images, fonts.
    static let staticExtensions: Set<String> = [
        "css", "js", "mjs", "cjs", "map", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp",
        "woff", "woff2", "ttf", "otf", "eot", "webmanifest",
    ]

    /// Extensions of compiled front-end code: a git-ignored folder of these is a build's output.
    static let compiledExtensions: Set<String> = ["css", "js", "mjs", "cjs", "map"]

    /// Folders a bundler writes on every build; git ignores them because the deploy rebuilds them.
    static let bundlerOutputNames: Set<String> = ["build", "dist", "hot", "vite"]

    static func isPlaceholder(_ file: String) -> Bool {
        placeholderNames.contains(PathName.basename(file))
    }

    static func isStatic(_ file: String) -> Bool {
        staticExtensions.contains(Text.fileExtension(PathName.basename(file)))
    }

    static func isCompiled(_ file: String) -> Bool {
        compiledExtensions.contains(Text.fileExtension(PathName.basename(file)))
    }

    /// A file that may hold a server's install-time settings (`config.php`, `settings.ini`).
    private static let configExtensions: Set<String> = ["php", "ini", "inc", "json", "yml", "yaml", "neon", "conf", "xml"]
    private static let databaseExtensions: Set<String> = ["sqlite", "sqlite3", "db", "db3"]

    static func isConfigLike(_ path: String) -> Bool {
        let name = PathName.basename(path).lowercased()
        if name == ".env.example" || name.hasSuffix(".example") || name.hasSuffix(".sample") || name.hasSuffix(".dist") { return false }
        if name.hasPrefix(".env") { return true }
        guard configExtensions.contains(Text.fileExtension(name)) else { return false }
        return ["config", "settings", "credentials", "secret"].contains { name.contains($0) } || name == "local.php"
    }

    static func isDatabaseFile(_ path: String) -> Bool {
        databaseExtensions.contains(Text.fileExtension(PathName.basename(path)))
    }
}
