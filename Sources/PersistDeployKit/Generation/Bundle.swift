/// The upload bundle for hosts that cannot run the binary (glibc older than 2.35, a web terminal
/// only): `deploy.sh` does what `auto --release DIR` does with bash and coreutils, next to the
/// safety net and the guides, all written for the account's real deploy root.
///
/// The app is classified here, where the binary runs; the decisions travel in `deploy.sh` as
/// single-quoted bash array elements (data rule 8), the same way the safety net carries them.
package enum UploadBundle {
    /// A file of the bundle: its name in the bundle folder, its text and its mode.
    package typealias File = SafetyNet.File

    /// The names of the files a bundle holds, in the order they are written.
    package static let fileNames = [
        "deploy.sh", "health-check.sh", "emergency-recovery.sh", "MANUAL-SETUP-GUIDE.md", "SHARED-HOSTING-SETUP.md", "README.txt",
    ]

    /// Renders every file of the bundle without touching the disk.
    ///
    /// - `remoteRoot`: the deploy root on the host, absolute (it is written into every file).
    /// - `publicHTML`: the folder the host serves, absolute, or nil.
    /// - `keep`: how many releases `deploy.sh` keeps unless told otherwise.
    /// - `liveIndex`: the app's Laravel `public/index.php`, for the guide's by-hand copy.
    package static func render(
        classification: Classification, remoteRoot: String, publicHTML: String?, keep: Int, now: Date, liveIndex: String? = nil
    ) throws(ToolError) -> [File] {
        for (option, path) in [("--remote-root", remoteRoot), ("--public-html", publicHTML ?? "/")] where !path.hasPrefix("/") {
            throw ToolError(
                "\(option) '\(path)' is not an absolute path on the host.",
                hint: "Write the account's real path, e.g. /home/USER/site (a '~' would be expanded here, not on the host).", exitCode: .usage)
        }
        let root = DeployRoot(path: remoteRoot)
        if root.path == "/" {
            throw ToolError("--remote-root is '/'.", hint: "Pass the folder that will hold releases/, shared/ and current.", exitCode: .usage)
        }
        let record = PersistenceRecord(classification: classification, root: root, updated: "")
        // The check scripts check the served folder; its mode they read from what is on disk.
        var checked = record
        checked.servedFolder = publicHTML.map { ServedFolder(path: $0, mode: .link) }
        let safetyNet = try SafetyNet.render(
            root: root, record: checked, history: [], publicHTML: publicHTML, audience: .bundle(directory: bundleDirectory(root)),
            liveIndex: liveIndex)
        var files = [try deployScript(classification: classification, root: root, record: record, publicHTML: publicHTML, keep: keep)]
        for name in ["health-check.sh", "emergency-recovery.sh", "MANUAL-SETUP-GUIDE.md", "SHARED-HOSTING-SETUP.md"] {
            guard let file = safetyNet.first(where: { $0.name == name }) else {
                throw ToolError("The safety net lacks '\(name)'.", hint: "This is a bug in persist-deploy; please report it.")
            }
            files.append(file)
        }
        files.append(File(
            name: "README.txt", text: readme(root: root, classification: classification, publicHTML: publicHTML, keep: keep, now: now),
            permissions: 0o644))
        return files
    }

    /// Writes the bundle into `directory` (created when missing); each file through a temporary
    /// name and a rename. Returns the paths written.
    @discardableResult
    package static func write(_ files: [File], to directory: String, fileSystem: any FileSystem) throws(ToolError) -> [String] {
        var written: [String] = []
        for file in files {
            let path = PathName.join(directory, file.name)
            do {
                try fileSystem.createDirectory(at: directory, permissions: 0o755)
                try fileSystem.writeText(file.text, to: path, permissions: file.permissions)
            } catch {
                throw ToolError.system(error, while: "Writing '\(path)'")
            }
            written.append(path)
        }
        return written
    }

    /// Where README.txt tells the account to upload the bundle.
    package static func bundleDirectory(_ root: DeployRoot) -> String {
        PathName.join(root.path, "persist-deploy-bundle")
    }

    // MARK: deploy.sh

    private static func deployScript(
        classification: Classification, root: DeployRoot, record: PersistenceRecord, publicHTML: String?, keep: Int
    ) throws(ToolError) -> File {
        let release = root.release("ID")
        let persistent = record.persistentPaths.sorted { $0.path < $1.path }
        let appLinks = classification.paths.compactMap { path in
            path.linkTarget.map { target in
                [path.path, target, PathName.relativeLink(at: PathName.join(release, path.path), to: PathName.join(release, target))]
            }
        }
        // The record is written by deploy.sh with the time of the deploy in `updated`: the JSON is
        // carried in two halves around that value, the second without its closing brace, after
        // which deploy.sh adds how the served folder is served.
        let recordJSON = Text.json(record, pretty: true) + "\n"
        let marker = "\"updated\" : \"\""
        guard let split = recordJSON.firstRange(of: marker), recordJSON.hasSuffix("\n}\n") else {
            throw ToolError("The persistence record has no 'updated' field to fill in.", hint: "This is a bug in persist-deploy; please report it.")
        }
        let recordAfter = String(recordJSON[split.upperBound...].dropLast(3))
        let webRoot = PathName.join(root.current, classification.webRoot)
        let values: [String: TemplateValue] = [
            "tool_version": .shellWord(toolVersion),
            "remote_root": .shellWord(root.path),
            "framework": .shellWord(classification.framework.rawValue),
            "web_root": .shellWord(classification.webRoot),
            "keep": .shellWord(String(keep)),
            "public_html": .shellWord(publicHTML ?? ""),
            "public_html_link": .shellWord(publicHTML.map { PathName.relativeLink(at: $0, to: webRoot) } ?? ""),
            "persistent_rows": .shellRows(persistent.map { path in
                [path.path, path.kind.rawValue, path.class.rawValue,
                 PathName.relativeLink(at: PathName.join(release, path.path), to: root.sharedPath(path.path))]
            }),
            "app_link_rows": .shellRows(appLinks),
            "seed_rows": .shellRows(persistent.compactMap { path in path.example.map { [path.path, $0] } }),
            "awaited_rows": .shellRows(persistent.filter(\.awaitsApp).map { [$0.path] }),
            "disposable_rows": .shellRows(record.paths.filter { $0.class == .disposable }.map { [$0.path] }),
            "drift_functions": .scriptPart("scripts/drift-functions.sh.tmpl"),
            "known_rows": .shellRows(classification.paths.map { [$0.path] }),
            "kept_rows": .shellRows(publicHTML.map { served in
                PublicHTML.persistentFolders(paths: record.paths, webRoot: record.webRoot).map { folder in
                    let place = PathName.join(served, folder.name)
                    let shared = root.sharedPath(folder.sharedPath)
                    return [folder.name, folder.sharedPath, folder.isConfig ? "config" : folder.kind.rawValue,
                            PathName.relativeLink(at: shared, to: place), PathName.relativeLink(at: place, to: shared)]
                }
            } ?? []),
            "record_before": .shellWord(String(recordJSON[..<split.upperBound].dropLast())),
            "record_after": .shellWord("\"" + recordAfter),
            "laravel_index": .shellWord(PublicHTML.laravelIndex(original: nil, root: root)),
            "laravel_definition": .shellWord(PublicHTML.releaseDefinition(root: root)),
        ]
        let text = try Template.embedded("scripts/deploy.sh.tmpl").render(values)
        return File(name: "deploy.sh", text: text, permissions: 0o755)
    }

    // MARK: README.txt

    private static func readme(root: DeployRoot, classification: Classification, publicHTML: String?, keep: Int, now: Date) -> String {
        let bundle = bundleDirectory(root)
        let example = ReleaseID.timestamp(now)
        let persistent = classification.persistentPaths.map { "    \($0.path)  (\($0.class.rawValue))" }.joined(separator: "\n")
        var lines = [
            "persist-deploy upload bundle (persist-deploy \(toolVersion))",
            "App: \(classification.framework.rawValue), web root \(classification.webRoot)",
            "Deploy root on the host: \(root.path)",
            "",
            "Kept across deploys in \(root.shared):",
            persistent.isEmpty ? "    (nothing)" : persistent,
            "",
            "What to upload where, and what to run (needs bash and coreutils only):",
            "",
            "1. Upload this whole folder to the host as",
            "       \(Shell.quote(bundle))",
            "",
            "2. Get a release id (the UTC time; names sort by age, and the newest \(keep) releases are kept):",
            "       bash \(Shell.quote(PathName.join(bundle, "deploy.sh"))) --new-id",
            "   and upload the new release of the app (its files, with \(classification.webRoot == "." ? "index.php" : classification.webRoot + "/") at the top)",
            "   into the folder of that name, e.g.",
            "       \(Shell.quote(PathName.join(root.releases, example)))",
            "",
            "3. In the host's terminal, deploy it (with no id, the newest release uploaded that never went live):",
            "       bash \(Shell.quote(PathName.join(bundle, "deploy.sh"))) \(example)",
            "   It links the release to the data in shared/, switches 'current' to it in one step and",
            "   records the deploy. Run it again after any error: it goes on from what is on disk.",
            "   An id older than the live release is refused: going back is step 5.",
            "",
            "4. Check the live site's layout (exit 0 = healthy):",
            "       bash \(Shell.quote(root.sharedPath("health-check.sh")))",
            "   If a link is ever lost or broken, repair without losing anything:",
            "       bash \(Shell.quote(root.sharedPath("emergency-recovery.sh")))",
            "",
            "5. Go back to the release that was live before (by the history), or to a named one:",
            "       bash \(Shell.quote(PathName.join(bundle, "deploy.sh"))) --rollback",
            "       bash \(Shell.quote(PathName.join(bundle, "deploy.sh"))) --rollback RELEASE_ID",
            "",
        ]
        if let publicHTML {
            lines += [
                "6. Serve it: deploy.sh makes \(Shell.quote(publicHTML)) a link to the live web root when that",
                "   folder is absent, empty or already a link. Where the host refuses links there, or the folder",
                "   holds files of its own, deploy once with",
                "       bash \(Shell.quote(PathName.join(bundle, "deploy.sh"))) --sync",
                "   which keeps it a real folder and copies each release's web root in; later deploys remember it.",
                "   If uploaded files then answer 403 or 404, the web server refuses links there: deploy once with",
                "       bash \(Shell.quote(PathName.join(bundle, "deploy.sh"))) --sync --served-links no",
                "   SHARED-HOSTING-SETUP.md explains both, and the traps after a switch (old PHP code, open_basedir).",
            ]
        } else {
            lines += [
                "6. To serve the site from public_html, make the bundle again with --public-html PATH; see",
                "   SHARED-HOSTING-SETUP.md.",
            ]
        }
        lines += [
            "",
            "MANUAL-SETUP-GUIDE.md builds the same layout by hand. Make the bundle again whenever the",
            "app gains or loses a folder that must persist (deploy.sh stops and says so).",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
