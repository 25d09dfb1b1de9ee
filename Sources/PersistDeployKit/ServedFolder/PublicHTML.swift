/// The folder a shared host serves (`~/public_html`): what a sync copies into it, the probe for
/// links there, and the `index.php` that loads a Laravel app from the live release.
///
/// Link mode makes the folder a relative link to `current/<web root>`. Sync mode keeps it real:
/// each deploy copies in what the release's web root ships and removes only files the previously
/// synced release shipped and this one does not; the persistent folders in it are links into
/// shared/ where links work, else they hold the data themselves (see `ServedData`).
package enum PublicHTML {
    /// The release a sync last copied in (`.persist-deploy/public-html/last`) and the files it
    /// copied (`<id>.files`, NUL-separated, the same files `deploy.sh` writes).
    package struct SyncedState: Sendable, Equatable {
        package var release: String?
        package var files: [String]

        package init(release: String?, files: [String]) {
            self.release = release
            self.files = files
        }
    }

    package static func syncedState(root: DeployRoot, fileSystem: any FileSystem) -> SyncedState {
        if let text = try? fileSystem.readText(at: root.lastSynced), case let id = Text.trimmed(text), ReleaseID.isValid(id),
            let bytes = try? fileSystem.readFile(at: root.syncedFiles(of: id))
        {
            let files = bytes.split(separator: 0, omittingEmptySubsequences: true).map { NameBytes.string($0) }
            return SyncedState(release: id, files: files)
        }
        // Written by versions before 0.x: a JSON list, without the release.
        if let bytes = try? fileSystem.readFile(at: PathName.join(root.state, "public-html-shipped.json")),
            let files = try? JSONDecoder().decode([String].self, from: Data(NameBytes.string(bytes).utf8))
        {
            return SyncedState(release: nil, files: files)
        }
        return SyncedState(release: nil, files: [])
    }

    /// The operations that make the real served folder show release `releaseID`: its web-root
    /// files copied in (read from `listedFrom`, which is the release folder once it exists),
    /// files only the previously synced release shipped removed, Laravel's `index.php` written,
    /// and the synced state recorded: the list of files copied, and what the folder then holds
    /// (passing over `passedOver`), which the next sync compares it with (`ServedDrift`). The
    /// persistent folders are never copied over or removed.
    package static func syncOperations(
        served: String, root: DeployRoot, releaseID: String, listedFrom: String, webRoot: String, framework: Framework,
        folders: [ServedPersistentFolder], passedOver: [String], fileSystem: any FileSystem
    ) throws(SystemCallError) -> (operations: [DeployOperation], notes: [String]) {
        let isKept = { (relative: String) in folders.contains { PathName.isWithin(relative, $0.name) } }
        let writesIndex = framework == .laravel
        let listedWebRoot = PathName.join(listedFrom, webRoot)
        var notes: [String] = []
        var shipped: [String] = []
        for relative in try fileSystem.files(under: listedWebRoot) where !isKept(relative) && !(writesIndex && relative == "index.php") {
            if try fileSystem.type(at: PathName.join(served, relative)) == .directory {
                notes.append("'\(PathName.join(served, relative))' is a folder where the release ships a file; left alone.")
                continue
            }
            shipped.append(relative)
        }
        // By bytes: a file the last sync put there stays only if this release ships that very name.
        let now = Set(shipped.map(NameBytes.Key.init))
        var removing: [String] = []
        for relative in syncedState(root: root, fileSystem: fileSystem).files where !now.contains(NameBytes.Key(relative)) && !isKept(relative) {
            // Only a file or link a sync put there; a folder may hold someone's work.
            guard let type = try fileSystem.type(at: PathName.join(served, relative)), type != .directory else { continue }
            removing.append(relative)
        }
        var operations: [DeployOperation] = [
            .syncServedFolder(from: PathName.join(root.release(releaseID), webRoot), to: served, files: shipped, removing: removing)
        ]
        if writesIndex {
            let original = PathName.join(listedWebRoot, "index.php")
            let text = try fileSystem.type(at: original) == .file ? try fileSystem.readText(at: original) : nil
            operations.append(.writeFile(path: PathName.join(served, "index.php"), contents: laravelIndex(original: text, root: root), permissions: 0o644))
        }
        let list = shipped.map { $0 + "\u{0}" }.joined()
        operations += [
            .createDirectory(path: root.syncState),
            .writeFile(path: root.syncedFiles(of: releaseID), contents: list, permissions: 0o644),
            // Laravel's index.php is the tool's own, rewritten by every sync and by recovery.
            .recordReleaseTree(release: served, manifest: root.syncedTree(of: releaseID), disposable: passedOver + (writesIndex ? ["index.php"] : [])),
            .writeFile(path: root.lastSynced, contents: releaseID + "\n", permissions: 0o644),
        ]
        return (operations, notes)
    }

    /// Makes a link in `folder` (or, when it does not exist yet, the nearest folder above it),
    /// reads through it and removes it. Returns whether that worked and a sentence saying what was
    /// probed. The web server's own rules (`Options -FollowSymLinks`) cannot be seen from here.
    package static func probeLinks(in folder: String, fileSystem: any FileSystem, processID: Int32) -> (works: Bool, said: String) {
        var place = folder
        while (try? fileSystem.isDirectory(place, followSymlink: true)) != true && place != "/" { place = PathName.parent(place) }
        let probe = PathName.join(place, ".persist-deploy-link-probe-\(processID)")
        defer { try? fileSystem.removeTree(at: probe) }
        do {
            try fileSystem.removeTree(at: probe)
            try fileSystem.createSymlink(at: probe, target: ".")
            guard PathName.sameBytes(try fileSystem.readSymlink(at: probe), "."), try fileSystem.isDirectory(probe, followSymlink: true) else {
                return (false, "a link made in '\(place)' could not be read through")
            }
            try fileSystem.removeTree(at: probe)
        } catch {
            return (false, "making a link in '\(place)' failed: \(error.reason)")
        }
        return (true, "a link made in '\(place)' could be read through and was removed")
    }

    /// Laravel's `public/index.php` made to load the live release: every `__DIR__.'/../` becomes
    /// `PERSIST_DEPLOY_RELEASE.'/`, defined from the `current` link with `readlink()` on each
    /// request. A path through the link would be resolved from PHP's realpath cache, which keeps
    /// the old release for up to `realpath_cache_ttl` seconds (120 by default) after a switch;
    /// `readlink()` asks the file system every time, so the switch shows at once (measured with
    /// scripts/measure-stale-php.sh).
    package static func laravelIndex(original: String?, root: DeployRoot) -> String {
        let definition = releaseDefinition(root: root)
        guard let original, original.contains("__DIR__") else {
            return """
                <?php
                \(definition)
                use Illuminate\\Http\\Request;

                define('LARAVEL_START', microtime(true));

                if (file_exists($maintenance = PERSIST_DEPLOY_RELEASE.'/storage/framework/maintenance.php')) {
                    require $maintenance;
                }

                require PERSIST_DEPLOY_RELEASE.'/vendor/autoload.php';

                (require_once PERSIST_DEPLOY_RELEASE.'/bootstrap/app.php')
                    ->handleRequest(Request::capture());

                """
        }
        var text = original
        for (form, replacement) in [
            ("__DIR__.'/../", "PERSIST_DEPLOY_RELEASE.'/"), ("__DIR__ . '/../", "PERSIST_DEPLOY_RELEASE.'/"),
            ("__DIR__.\"/../", "PERSIST_DEPLOY_RELEASE.\"/"), ("__DIR__ . \"/../", "PERSIST_DEPLOY_RELEASE.\"/"),
        ] {
            text = Text.replacing(form, with: replacement, in: text)
        }
        return insertingAfterOpeningTag(definition, into: text)
    }

    /// The PHP lines that define `PERSIST_DEPLOY_RELEASE`.
    static func releaseDefinition(root: DeployRoot) -> String {
        """
        // Written by persist-deploy: the live release, read from the `current` link on each request
        // (a path through the link may be served from PHP's realpath cache for 2 minutes after a deploy).
        define('PERSIST_DEPLOY_RELEASE', \(PHP.quote(root.path + "/")).readlink(\(PHP.quote(root.current))));
        """
    }

    /// `lines` on their own after `<?php` (and after a leading `declare(...)`, which must stay first).
    static func insertingAfterOpeningTag(_ lines: String, into text: String) -> String {
        guard let tag = text.firstRange(of: "<?php") else { return "<?php\n" + lines + "\n?>" + text }
        var cursor = tag.upperBound
        let rest = text[cursor...].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        if rest.hasPrefix("declare"), let end = rest.firstIndex(of: ";") {
            cursor = text.index(after: end)
        }
        return String(text[..<cursor]) + "\n" + lines + String(text[cursor...])
    }
}
