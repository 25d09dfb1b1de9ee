/// Tells which framework an app folder holds and where its web root is, from the files any such
/// app has (`artisan`, `composer.json`, `package.json`, `next.config.*`, `index.php`). Each signal
/// found becomes one sentence of evidence. Broken manifests are reported, never fatal.
package struct FrameworkDetector: Sendable {
    let fileSystem: any FileSystem

    package init(fileSystem: any FileSystem) {
        self.fileSystem = fileSystem
    }

    package func detect(appDirectory: String) throws(ToolError) -> DetectionResult {
        try inspect(appDirectory: appDirectory).detection
    }

    /// The plain-PHP web roots, most specific first; "." is the app root itself.
    static let phpWebRoots = ["public", "public_html", "web", "htdocs", "."]

    /// Detection plus the facts the classifier builds on.
    func inspect(appDirectory: String) throws(ToolError) -> AppFacts {
        try Self.requireDirectory(appDirectory, fileSystem: fileSystem)
        let reader = AppReader(fileSystem: fileSystem, appDirectory: appDirectory)
        var evidence: [String] = []

        let composer = try reader.manifest("composer.json", sections: ["require", "require-dev"], evidence: &evidence)
        let package = try reader.manifest("package.json", sections: ["dependencies", "devDependencies"], evidence: &evidence)
        let hasArtisan = try reader.isFile("artisan")
        let nextConfig = try reader.first(of: ["next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs"], where: reader.isFile)
        let wordPressMarker = try reader.first(of: ["wp-config-sample.php", "wp-content", "wp-includes"], where: reader.exists)
        let phpWebRoot = try reader.first(of: Self.phpWebRoots) { root throws(ToolError) in
            try reader.isFile(PathName.join(root, "index.php"))
        }
        let hasBootstrap = try reader.isFile("bootstrap/app.php")
        let laravelBased = hasArtisan && hasBootstrap && composer.present
        let packages = package.dependencies ?? [:]
        func packageEvidence(_ name: String) -> String { "package.json lists \(name) (\(packages[name] ?? ""))" }

        var framework = Framework.unknown
        var webRoot = "public"
        if hasArtisan, let constraint = composer.dependencies?["laravel/framework"] {
            framework = .laravel
            evidence.append("an artisan file at the app root")
            evidence.append("composer.json requires laravel/framework (\(constraint))")
        } else if hasArtisan, composer.dependencies == nil, composer.present {
            // The manifest is broken, but an artisan script next to it is Laravel's own.
            framework = .laravel
            evidence.append("an artisan file at the app root (taken as Laravel: composer.json could not be checked)")
        } else if laravelBased {
            // October CMS, Winter and other Laravel-based apps require their own package, which
            // requires laravel/framework in turn.
            framework = .laravel
            let named = (composer.dependencies ?? [:]).keys.sorted().first { $0.contains("/") && !$0.hasPrefix("php") && !$0.hasPrefix("ext-") }
            evidence.append("an artisan file and bootstrap/app.php at the app root: a Laravel-based app"
                + (named.map { " (composer.json requires \($0), not laravel/framework itself)" } ?? ""))
        } else if packages["next"] != nil || nextConfig != nil {
            framework = .next
            if packages["next"] != nil { evidence.append(packageEvidence("next")) }
            if let nextConfig { evidence.append("a \(nextConfig) file at the app root") }
        } else if let marker = wordPressMarker, let phpWebRoot {
            framework = .php
            webRoot = phpWebRoot
            evidence.append("WordPress-shaped: \(marker) at the app root")
            evidence.append("index.php in \(Self.describe(phpWebRoot))")
        } else if let phpWebRoot, composer.present {
            // A PHP app that bundles a JavaScript front end is still served by its index.php.
            framework = .php
            webRoot = phpWebRoot
            evidence.append("index.php in \(Self.describe(phpWebRoot))")
            evidence.append(composer.dependencies?.isEmpty == false ? "composer.json without laravel/framework" : "composer.json at the app root")
        } else if packages["vue"] != nil || packages["nuxt"] != nil {
            framework = .vue
            for name in ["vue", "nuxt"] where packages[name] != nil { evidence.append(packageEvidence(name)) }
            webRoot = try reader.builtWebRoot(packages: packages, evidence: &evidence)
        } else if packages["react"] != nil {
            framework = .react
            evidence.append(packageEvidence("react") + " without next")
            webRoot = try reader.builtWebRoot(packages: packages, evidence: &evidence)
        } else if let phpWebRoot {
            framework = .php
            webRoot = phpWebRoot
            evidence.append("index.php in \(Self.describe(phpWebRoot))")
        } else if let folder = try reader.webRootOneFolderDown() {
            framework = .php
            webRoot = folder
            evidence.append("index.php in \(folder)/: the app lives one folder down in its repository")
        } else if composer.present {
            framework = .php
            webRoot = try reader.isDirectory("public") ? "public" : "."
            evidence.append("composer.json without laravel/framework, and no index.php in \(Text.list(Self.phpWebRoots.dropLast().map { $0 + "/" })) or the app root")
        } else {
            webRoot = try reader.isDirectory("public") ? "public" : "."
            evidence.append("no artisan, composer.json, package.json framework or index.php found")
        }
        if framework == .laravel {
            if let frontEnd = Self.frontEnd(packages) { evidence.append(frontEnd) }
        }
        let hasPublicIndex = try reader.isFile("public/index.php")
        let hasRootIndex = try reader.isFile("index.php")
        let servedFromRoot = !hasPublicIndex && hasRootIndex
        if framework == .laravel, servedFromRoot {
            // Served from its own root (October CMS, many CodeCanyon products): there is no
            // public/ for Laravel's storage link to live in.
            webRoot = "."
            evidence.append("web root: the app root (index.php there and no public/index.php)")
        } else if framework == .laravel || framework == .next {
            evidence.append(try reader.isDirectory("public") ? "web root public/" : "web root public/ (not in the tree yet)")
        }
        return AppFacts(
            detection: DetectionResult(framework: framework, webRoot: webRoot, evidence: evidence),
            isWordPress: wordPressMarker != nil && framework == .php,
            composerPackages: Set((composer.dependencies ?? [:]).keys), npmPackages: Set(packages.keys))
    }

    /// The sentence naming a Laravel app's JavaScript front end, if it has one.
    private static func frontEnd(_ packages: [String: String]) -> String? {
        let library = packages["vue"] != nil ? "Vue" : packages["react"] != nil ? "React" : nil
        guard let library else { return nil }
        var parts = ["front end: \(library)"]
        if let inertia = packages.keys.sorted().first(where: { $0.hasPrefix("@inertiajs/") }) { parts.append("via Inertia (\(inertia))") }
        if packages["vite"] != nil || packages["laravel-vite-plugin"] != nil { parts.append("built by Vite into public/build") }
        return parts.joined(separator: ", ")
    }

    private static func describe(_ webRoot: String) -> String {
        webRoot == "." ? "the app root" : "\(webRoot)/"
    }

    /// Fails with one line naming `path` unless it is a readable directory.
    static func requireDirectory(_ path: String, fileSystem: any FileSystem) throws(ToolError) {
        let type: EntryType?
        do {
            type = try fileSystem.status(at: path, followSymlink: true)?.type
            if type == .directory { _ = try fileSystem.listDirectory(at: path) }
        } catch {
            throw ToolError("Cannot read the app directory '\(path)': \(error.reason); check its permissions, or run as its owner.")
        }
        guard let type else { throw ToolError("The app directory '\(path)' does not exist; give the folder that holds the app's code.") }
        guard type == .directory else { throw ToolError("'\(path)' is not a directory; give the folder that holds the app's code.") }
    }
}

/// What detection learned that classification needs too.
struct AppFacts {
    var detection: DetectionResult
    var isWordPress: Bool
    /// The packages composer.json and package.json require, for presets that key on them.
    var composerPackages: Set<String> = []
    var npmPackages: Set<String> = []
}

/// A dependency manifest: whether it is there and, when it could be read, its dependencies.
struct PackageManifest {
    var present: Bool
    var dependencies: [String: String]?
}

/// Reads an app's files for detection; every failure of the file system becomes a `ToolError`
/// naming the path.
struct AppReader {
    let fileSystem: any FileSystem
    let appDirectory: String

    func path(_ relative: String) -> String { PathName.join(appDirectory, relative) }

    /// `name` inside `base`, both relative to the app root, where the base "." adds nothing.
    static func join(_ base: String, _ name: String) -> String {
        base == "." || base.isEmpty ? name : PathName.join(base, name)
    }

    func entryType(_ relative: String) throws(ToolError) -> EntryType? {
        do {
            return try fileSystem.type(at: path(relative))
        } catch {
            throw ToolError.system(error, while: "Reading the app")
        }
    }

    func exists(_ relative: String) throws(ToolError) -> Bool { try entryType(relative) != nil }

    /// The first of `names` that passes `test`.
    func first(of names: [String], where test: (String) throws(ToolError) -> Bool) throws(ToolError) -> String? {
        for name in names where try test(name) { return name }
        return nil
    }
    func isFile(_ relative: String) throws(ToolError) -> Bool { try entryType(relative) == .file }
    func isDirectory(_ relative: String) throws(ToolError) -> Bool { try entryType(relative) == .directory }

    func read(_ relative: String) throws(ToolError) -> [UInt8] {
        do {
            return try fileSystem.readFile(at: path(relative))
        } catch {
            throw ToolError.system(error, while: "Reading the app")
        }
    }

    /// The names in a folder of the app with their types (see `FileSystem.listDirectoryWithTypes`).
    func listWithTypes(_ relative: String) throws(ToolError) -> [(name: String, type: EntryType)] {
        do {
            return try fileSystem.listDirectoryWithTypes(at: path(relative))
        } catch {
            throw ToolError.system(error, while: "Reading the app")
        }
    }

    func list(_ relative: String) throws(ToolError) -> [String] {
        do {
            return try fileSystem.listDirectory(at: path(relative))
        } catch {
            throw ToolError.system(error, while: "Reading the app")
        }
    }

    /// The dependencies named in `sections` of a JSON manifest; a broken file adds a sentence to
    /// `evidence` and gives a manifest without dependencies.
    func manifest(_ name: String, sections: [String], evidence: inout [String]) throws(ToolError) -> PackageManifest {
        guard try isFile(name) else { return PackageManifest(present: false) }
        let object: JSONObject
        do {
            guard let parsed = try JSONParser.parse(try read(name)).objectValue else {
                evidence.append("\(name) could not be read: it is not a JSON object; detection went on without it")
                return PackageManifest(present: true)
            }
            object = parsed
        } catch {
            evidence.append("\(name) could not be read (\(error)); detection went on without it")
            return PackageManifest(present: true)
        }
        var dependencies: [String: String] = [:]
        for section in sections {
            guard let entries = object[section]?.objectValue else { continue }
            for key in entries.keys { dependencies[key] = entries[key]?.stringValue ?? "" }
        }
        return PackageManifest(present: true, dependencies: dependencies)
    }

    /// Folders of a repository that hold no web root even when they hold an index.php.
    static let notWebRoots: Set<String> = [
        "vendor", "node_modules", "tests", "test", "spec", "docs", "doc", "build", "dist", "examples", "example", "tools", "bin",
        "scripts", "vagrant", "docker", ".git", ".github",
    ]

    /// The one immediate folder holding an index.php (phpBB's `phpBB/`, OpenCart's `upload/`), for
    /// an app that lives one folder down in its repository; nil when none or several do.
    func webRootOneFolderDown() throws(ToolError) -> String? {
        var found: [String] = []
        for name in try list(".") where !name.hasPrefix(".") && !Self.notWebRoots.contains(name.lowercased()) {
            if try isDirectory(name), try isFile(PathName.join(name, "index.php")) { found.append(name) }
        }
        return found.count == 1 ? found[0] : nil
    }

    /// A Vue or React app's web root: its build output when the release ships it, else `public`.
    func builtWebRoot(packages: [String: String], evidence: inout [String]) throws(ToolError) -> String {
        let usesVite = packages["vite"] != nil || packages["@vitejs/plugin-vue"] != nil || packages["@vitejs/plugin-react"] != nil
        let usesCRA = packages["react-scripts"] != nil
        var outputs: [(String, String)] = []
        if usesVite { outputs.append(("dist", "Vite")) }
        if usesCRA { outputs.append(("build", "Create React App")) }
        if packages["@vue/cli-service"] != nil { outputs.append(("dist", "Vue CLI")) }
        if packages["nuxt"] != nil { outputs += [(".output/public", "Nuxt build"), ("dist", "Nuxt generate")] }
        outputs += [("dist", "the usual build"), ("build", "the usual build")]
        for (folder, tool) in outputs where try isDirectory(folder) {
            evidence.append("web root \(folder)/: the build output of \(tool), shipped in the release")
            return folder
        }
        evidence.append("web root public/: no build output (dist/ or build/) in the release")
        return "public"
    }
}
