/// The class of each immediate folder of the web root (and of the links the release ships
/// there), by the general rules 3 to 9 of `Classifier`.
struct WebRootRules {
    let fileSystem: any FileSystem
    let reader: AppReader
    let tree: TreeScan
    let facts: AppFacts

    func classify(into builder: inout PathListBuilder) throws(ToolError) {
        let detection = facts.detection
        let webRoot = detection.webRoot
        let storageLink = detection.framework == .laravel && PathName.normalize(webRoot) != "." ? AppReader.join(webRoot, "storage") : nil
        if let storageLink {
            builder.add(ClassifiedPath(
                path: storageLink, kind: .dir, class: .user,
                reason: "Laravel's link to storage/app/public (php artisan storage:link); its files persist through storage/",
                linkTarget: "storage/app/public"), origin: .preset)
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
                try classifyLink(path: path, name: name, into: &builder)
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
                builder.add(ClassifiedPath(path: path, kind: .dir, class: .asset, reason: reason), origin: .preset)
                continue
            }
            if name == "node_modules" {
                builder.add(ClassifiedPath(path: path, kind: .dir, class: .asset, reason: "packages installed by npm for each release"))
                continue
            }
            let (entry, warning) = try decide(path: path, name: name)
            builder.add(entry, warning: warning)
        }
    }

    private static let wordPressAssetReasons = [
        "wp-admin": "WordPress core, replaced by an update",
        "wp-includes": "WordPress core, replaced by an update",
        "wp-content": "WordPress themes and plugins ship with the code; wp-content/uploads is persistent on its own",
    ]

    /// Rule 3. A link is never walked; only its own text and, for the kind of its target, one
    /// stat are read. A link to a folder inside the app (`public/ui -> ../vendor/acme/ui/dist`) is
    /// part of the code and stays a link. A link leaving the app is persistent when its name says
    /// so (a release copied from a live one links into a shared/ folder); any other is left
    /// exactly as the release ships it, never made an empty persistent folder.
    private func classifyLink(path: String, name: String, into builder: inout PathListBuilder) throws(ToolError) {
        let targetType = try? fileSystem.status(at: reader.path(path), followSymlink: true)?.type
        if targetType == .file { return }
        let target = (try? fileSystem.readSymlink(at: reader.path(path))) ?? "?"
        let link = "a link to '\(target)', not walked"
        if let inside = Self.targetInsideApp(linkPath: path, target: target), targetType == .directory,
           try reader.isDirectory(inside)
        {
            builder.add(ClassifiedPath(
                path: path, kind: .dir, class: .asset,
                reason: "\(link); the release ships it pointing inside the app (\(inside)), so it stays a link",
                linkTarget: inside))
            return
        }
        if let byName = NameRules.classFor(name: name), byName.isPersistent {
            builder.add(ClassifiedPath(path: path, kind: .dir, class: byName, reason: "\(link); its name says \(byName.rawValue)"))
            return
        }
        let whereTo = targetType == nil ? "points nowhere" : "leaves the app"
        builder.warn(
            path: path,
            "'\(path)' is a link the release ships to '\(target)', which \(whereTo): it is left as the release ships it, never followed and "
                + "never made persistent. If the app writes there and it should be kept, add \"classify\": {\(Text.json(path)): \"user\"} to persist-deploy.json.")
    }

    /// The app-relative path a relative link's text reaches, or nil when it is absolute or leaves
    /// the app.
    static func targetInsideApp(linkPath: String, target: String) -> String? {
        guard !target.hasPrefix("/"), !target.isEmpty else { return nil }
        let resolved = PathName.normalize(PathName.join(PathName.parent(linkPath), target))
        guard resolved != ".", resolved != "..", !resolved.hasPrefix("../") else { return nil }
        return resolved
    }

    /// Rules 4 to 9 for a real directory of the web root.
    private func decide(path: String, name: String) throws(ToolError) -> (ClassifiedPath, String?) {
        if let byName = NameRules.classFor(name: name), byName.isPersistent {
            return try decideDataFolder(path: path, byName: byName)
        }
        // Listed only as far as a rule asks: an asset folder can hold any number of files.
        var files = FolderFiles(fileSystem: fileSystem, directory: reader.path(path), label: path)
        let byName = NameRules.classFor(name: name)
        func entry(_ pathClass: PathClass, _ reason: String) -> ClassifiedPath {
            ClassifiedPath(path: path, kind: .dir, class: pathClass, reason: reason)
        }

        if name.hasPrefix("."), name != ".well-known" {
            return (entry(.asset, "a hidden folder of a development tool, which ships with the code"), nil)
        }
        if let rule = tree.gitIgnore.ignoringRule(for: path, isDirectory: true) ?? tree.gitIgnore.contentsIgnoringRule(for: path) {
            let how = "git ignores \(rule.text == "*" ? "what it holds" : "it") ('\(rule.text)' in \(rule.file))"
            if NameRules.bundlerOutputNames.contains(Text.foldedName(name)) {
                return (entry(.asset, "\(how), but it is a bundler's output, rebuilt for every release"), nil)
            }
            if try files.holdOnly(NameRules.isCompiled) {
                return (entry(.asset, "\(how), but it holds only compiled css/js, rebuilt for every release"), nil)
            }
            // `/phpBB/language/*` with `!/phpBB/language/en`: the code ships some of it, and git
            // ignores only what admins add. Persisting it would keep the shipped part from
            // updating, so it ships with each release and the drift guard watches what is added.
            let shipped = try files.all().filter { file in
                !NameRules.isPlaceholder(file) && !NameRules.guardNames.contains(PathName.basename(file))
                    && tree.gitIgnore.ignoringRule(for: PathName.join(path, file), isDirectory: false) == nil
            }
            if let code = shipped.first(where: NameRules.isShippedCode) {
                return (entry(.asset, "\(how) except the code the release ships there (e.g. '\(code)'), so it ships with each release"),
                        "'\(path)' ships code, and git ignores what is added to it ('\(rule.text)' in \(rule.file)): it is replaced by every deploy. "
                            + "If the app adds files there at run time (extensions, languages, styles), a deploy stops and names them before anything is lost.")
            }
            return (entry(.user, "\(how), so the app writes it: persistent"), nil)
        }
        if try files.holds(".htaccess"), !NameRules.holdsCode(try files.all()),
           NameRules.deniesAllWebAccess(String(decoding: try reader.read(AppReader.join(path, ".htaccess")), as: UTF8.self))
        {
            // Sources a build compiles are kept from the web like data (Shaarli's assets/:
            // scss and js built into tpl/), yet a changed one must ship with the next release.
            let sorted = try files.all()
            if let code = sorted.first(where: NameRules.isFrontEndSource) ?? sorted.first(where: NameRules.isFrontEndCode) {
                return (entry(.asset, "its .htaccess denies all web access, but it holds front-end code (e.g. '\(code)'): "
                    + "the sources a build compiles for the app, which ship with each release"), nil)
            }
            return (entry(.user, "its .htaccess denies all web access and it holds no code: private data the app writes, persistent"), nil)
        }
        if try files.holdOnly(NameRules.isPlaceholder) {
            let placeholder = PathName.basename(try files.all()[0])
            let reason = "holds only a placeholder (\(placeholder)), kept so the app can write there: persistent"
            guard byName != nil else {
                return (entry(.user, reason), Self.undecidedWarning(path: path, treatedAs: .user, because: "it holds only a placeholder"))
            }
            return (entry(.user, reason), nil)
        }
        if let byName {
            return (entry(byName, "its name says \(byName.rawValue)"), nil)
        }
        if try files.holdOnly(NameRules.isStatic) {
            return (entry(.asset, "holds only static files (css, js, images, fonts, maps)"), nil)
        }
        if NameRules.isCodeFolder(try files.all()) {
            return (entry(.asset, "holds the app's code (PHP and its templates), which ships with each release"), nil)
        }
        if NameRules.codeFolderNames.contains(Text.foldedName(name)) {
            return (entry(.asset, "its name says it holds code, tools or documentation, which ship with the code"), nil)
        }
        if try files.isEmpty() {
            return (entry(.user, "empty and no rule knows its name: kept persistent to be safe"),
                    Self.undecidedWarning(path: path, treatedAs: .user, because: "it is empty"))
        }
        return (entry(.asset, "no rule decides it; it holds \(Text.count(try files.all().count, "file")) that ship with the code"),
                Self.undecidedWarning(path: path, treatedAs: .asset, because: "it holds files of no known kind"))
    }

    /// A folder named for users' or the app's data is persistent whatever it holds; only the
    /// reason is worked out, from a few of its names, never from all of its files: it can hold
    /// any number of them, and classifying must not cost more as they grow.
    private func decideDataFolder(path: String, byName: PathClass) throws(ToolError) -> (ClassifiedPath, String?) {
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

    static func undecidedWarning(path: String, treatedAs pathClass: PathClass, because: String) -> String {
        let other: PathClass = pathClass == .asset ? .user : .asset
        let what = pathClass == .asset ? "an asset (replaced by every deploy)" : "persistent (user data in shared/)"
        let change = pathClass == .asset ? "If the app writes there" : "If it ships with the code"
        return "'\(path)' matched no rule (\(because)), so it is treated as \(what). \(change), add "
            + "\"classify\": {\(Text.json(NameBytes.display(path))): \"\(other.rawValue)\"} to persist-deploy.json."
    }
}
