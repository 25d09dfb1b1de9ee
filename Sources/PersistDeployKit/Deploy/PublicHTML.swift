/// Makes the folder a shared host serves (`~/public_html`) show `current/<web root>`.
///
/// Link mode replaces the folder with a relative symlink, but only when there is nothing to lose
/// (absent, an empty folder, or already a link). Sync mode is for hosts that refuse links there:
/// the folder stays real and each deploy copies in what the release ships, removing only files
/// the previous release shipped and this one does not.
package enum PublicHTML {
    /// Points `publicHTML` at `ROOT/current/<webRoot>` with a relative link (temp link + rename).
    /// Returns a sentence saying what was done.
    @discardableResult
    package static func link(publicHTML: String, root: DeployRoot, webRoot: String, fileSystem: any FileSystem) throws(ToolError) -> String {
        let target = PathName.join(root.current, webRoot)
        let text = PathName.relativeLink(at: publicHTML, to: target)
        let existing: EntryType?
        var entries: [String] = []
        do {
            existing = try fileSystem.type(at: publicHTML)
            if existing == .symlink, PathName.sameBytes(try fileSystem.readSymlink(at: publicHTML), text) {
                return "'\(publicHTML)' already links to \(text)."
            }
            if existing == .directory { entries = try fileSystem.listDirectory(at: publicHTML) }
        } catch {
            throw ToolError.system(error, while: "Reading '\(publicHTML)'")
        }
        if existing == .directory && !entries.isEmpty || existing == .file || existing == .other {
            let what = existing == .directory ? "a folder holding \(Text.count(entries.count, "entry", "entries"))" : "a file"
            throw ToolError(
                "'\(publicHTML)' is \(what); it is never deleted or overwritten, so it cannot become a link.",
                hint: "Use --public-html \(Shell.quote(publicHTML)) --sync to keep it a real folder and copy each release into it, "
                    + "or move its contents aside and run again.")
        }
        do {
            if existing == nil {
                try fileSystem.createDirectory(at: PathName.parent(publicHTML), permissions: 0o755)
            } else if existing == .directory {
                // rename(2) cannot put a link over a directory; the folder is empty, so nothing is lost.
                try fileSystem.removeTree(at: publicHTML)
            }
            let temporary = PathName.join(PathName.parent(publicHTML), ".\(PathName.basename(publicHTML)).persist-deploy-link")
            if try fileSystem.type(at: temporary) == .symlink { try fileSystem.removeTree(at: temporary) }
            try fileSystem.createSymlink(at: temporary, target: text)
            try fileSystem.rename(temporary, to: publicHTML, replacing: true)
        } catch {
            throw ToolError.system(error, while: "Linking '\(publicHTML)' to '\(target)'")
        }
        return "'\(publicHTML)' now links to \(text)."
    }

    /// What a sync did, for the deploy's output.
    package struct SyncReport: Sendable, Equatable {
        package var copied: [String] = []
        package var removed: [String] = []
        package var linked: [String] = []
        /// Things a person must do or know, one sentence each.
        package var notes: [String] = []
    }

    /// Copies what `release`'s web root ships into the real folder `publicHTML`.
    ///
    /// - `shipped`, `previouslyShipped`: the files of this and the previous release's web root,
    ///   relative to it. Only files in `previouslyShipped` and not in `shipped` are removed.
    /// - Persistent web-root folders become links into shared/ when `allowLinks`, else a note.
    /// - Laravel gets an `index.php` that loads the app from `ROOT/current/`.
    package static func sync(
        publicHTML: String, root: DeployRoot, record: PersistenceRecord, release: String,
        shipped: [String], previouslyShipped: [String], allowLinks: Bool, fileSystem: any FileSystem
    ) throws(ToolError) -> SyncReport {
        var report = SyncReport()
        let webRoot = PathName.join(release, record.webRoot)
        let kept = keptFolders(record: record, root: root)
        func isKept(_ relative: String) -> Bool {
            kept.contains { PathName.isWithin(relative, $0.name) }
        }
        let writesIndex = record.framework == .laravel
        let existing = (try? fileSystem.type(at: publicHTML)) ?? nil
        guard existing == nil || existing == .directory else {
            throw ToolError(
                "'\(publicHTML)' is not a real folder, so it cannot be synced.",
                hint: "Sync mode is for hosts that refuse links; drop --sync to link it instead.")
        }
        do throws(SystemCallError) {
            if existing == nil { try fileSystem.createDirectory(at: publicHTML, permissions: 0o755) }
            for relative in shipped where !isKept(relative) && !(writesIndex && relative == "index.php") {
                let source = PathName.join(webRoot, relative)
                let destination = PathName.join(publicHTML, relative)
                guard let type = try fileSystem.type(at: source), type != .directory else {
                    report.notes.append("'\(relative)' is listed as shipped but the release has no such file; skipped.")
                    continue
                }
                if try fileSystem.type(at: destination) == .directory {
                    report.notes.append("'\(destination)' is a folder where the release ships a file; left alone.")
                    continue
                }
                try fileSystem.createDirectory(at: PathName.parent(destination), permissions: 0o755)
                let temporary = PathName.join(PathName.parent(destination), ".\(PathName.basename(destination)).persist-deploy-copy")
                if try fileSystem.exists(temporary) { try fileSystem.removeTree(at: temporary) }
                try fileSystem.copyTree(from: source, to: temporary)
                try fileSystem.rename(temporary, to: destination, replacing: true)
                report.copied.append(relative)
            }
            // By bytes: a file the old release shipped is gone unless this release ships that very
            // name (a canonically equal one is another file).
            let current = Set(shipped.map(NameBytes.Key.init))
            for relative in previouslyShipped where !current.contains(NameBytes.Key(relative)) && !isKept(relative) {
                let destination = PathName.join(publicHTML, relative)
                // Only a file or link the old release put there; a folder may hold someone's work.
                guard let type = try fileSystem.type(at: destination), type != .directory else { continue }
                try fileSystem.removeTree(at: destination)
                report.removed.append(relative)
            }
            for folder in kept {
                let place = PathName.join(publicHTML, folder.name)
                let existing = try fileSystem.type(at: place)
                if !allowLinks {
                    if existing == nil {
                        report.notes.append("'\(place)' cannot be a link on this host; its files live in '\(folder.target)' (see SHARED-HOSTING-SETUP.md).")
                    }
                    continue
                }
                let text = PathName.relativeLink(at: place, to: folder.target)
                switch existing {
                case nil:
                    try fileSystem.createSymlink(at: place, target: text)
                    report.linked.append(folder.name)
                case .symlink where !PathName.sameBytes(try fileSystem.readSymlink(at: place), text):
                    let temporary = PathName.join(publicHTML, ".\(folder.name).persist-deploy-link")
                    if try fileSystem.exists(temporary) { try fileSystem.removeTree(at: temporary) }
                    try fileSystem.createSymlink(at: temporary, target: text)
                    try fileSystem.rename(temporary, to: place, replacing: true)
                    report.linked.append(folder.name)
                case .symlink: break
                default:
                    report.notes.append("'\(place)' is a real folder, not a link to '\(folder.target)'; left alone. Move its files into shared/ to keep them.")
                }
            }
            if writesIndex {
                let original = PathName.join(webRoot, "index.php")
                let text = try fileSystem.exists(original) ? try fileSystem.readText(at: original) : nil
                try fileSystem.writeText(laravelIndex(original: text, current: root.current), to: PathName.join(publicHTML, "index.php"))
                report.copied.append("index.php")
            }
        } catch {
            throw ToolError.system(error, while: "Syncing '\(publicHTML)'")
        }
        return report
    }

    /// Persistent folders directly in the web root (by their name there) and where their data
    /// lives: shared/ for persistent paths, the shared copy of the target for app links.
    /// `deploy.sh`'s sync mode keeps the same folders out of the served folder.
    package static func keptFolders(record: PersistenceRecord, root: DeployRoot) -> [(name: String, target: String)] {
        var folders: [(name: String, target: String)] = []
        for path in record.paths where path.class.isPersistent {
            guard let name = record.webRoot == "." ? path.path : PathName.relative(path.path, to: record.webRoot), name != "." else { continue }
            if let linkTarget = path.linkTarget {
                // Laravel's public/storage -> storage/app/public: the data is in shared/storage/app/public.
                guard record.persistentPaths.contains(where: { PathName.isWithin(linkTarget, $0.path) }) else { continue }
                folders.append((name, root.sharedPath(linkTarget)))
            } else {
                folders.append((name, root.sharedPath(path.path)))
            }
        }
        return folders
    }

    /// Laravel's `public/index.php` with every `__DIR__.'/../` made an absolute path in
    /// `current`, so the copy in the served folder loads the live release.
    package static func laravelIndex(original: String?, current: String) -> String {
        var prefix = PHP.quote(current + "/")
        prefix.removeLast()
        guard let original, original.contains("__DIR__") else {
            return """
                <?php
                // Written by persist-deploy: loads the live release from outside the served folder.
                use Illuminate\\Http\\Request;

                define('LARAVEL_START', microtime(true));

                if (file_exists($maintenance = \(prefix)storage/framework/maintenance.php')) {
                    require $maintenance;
                }

                require \(prefix)vendor/autoload.php';

                (require_once \(prefix)bootstrap/app.php')
                    ->handleRequest(Request::capture());

                """
        }
        var text = original
        for form in ["__DIR__.'/../", "__DIR__ . '/../", "__DIR__.\"/../", "__DIR__ . \"/../"] {
            let replacement = form.hasSuffix("'/../") ? prefix : "\"" + PHP.doubleQuotedContent(current) + "/"
            text = Text.replacing(form, with: replacement, in: text)
        }
        return text
    }
}
