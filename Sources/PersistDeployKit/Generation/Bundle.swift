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
    package static func render(
        classification: Classification, remoteRoot: String, publicHTML: String?, keep: Int, now: Date
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
        let safetyNet = try SafetyNet.render(root: root, record: record, history: [], publicHTML: publicHTML)
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
        // carried in two halves around that value.
        let recordJSON = Text.json(record, pretty: true) + "\n"
        let marker = "\"updated\" : \"\""
        guard let split = recordJSON.firstRange(of: marker) else {
            throw ToolError("The persistence record has no 'updated' field to fill in.", hint: "This is a bug in persist-deploy; please report it.")
        }
        let current = root.current
        var phpPrefix = PHP.quote(current + "/")
        phpPrefix.removeLast()
        let webRoot = PathName.join(current, classification.webRoot)
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
            "disposable_rows": .shellRows(record.paths.filter { $0.class == .disposable }.map { [$0.path] }),
            "drift_functions": .scriptPart("scripts/drift-functions.sh.tmpl"),
            "known_rows": .shellRows(classification.paths.map { [$0.path] }),
            "kept_rows": .shellRows(PublicHTML.keptFolders(record: record, root: root).map { [$0.name, $0.target] }),
            "record_before": .shellWord(String(recordJSON[..<split.upperBound].dropLast())),
            "record_after": .shellWord("\"" + String(recordJSON[split.upperBound...])),
            "laravel_index": .shellWord(PublicHTML.laravelIndex(original: nil, current: current)),
            "php_prefix": .shellWord(phpPrefix),
            "php_double_prefix": .shellWord("\"" + PHP.doubleQuotedContent(current) + "/"),
        ]
        let text = try Template.embedded("scripts/deploy.sh.tmpl").render(values)
        return File(name: "deploy.sh", text: text, permissions: 0o755)
    }

    // MARK: README.txt

    private static func readme(root: DeployRoot, classification: Classification, publicHTML: String?, keep: Int, now: Date) -> String {
        let bundle = PathName.join(root.path, "persist-deploy-bundle")
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
            "2. Upload the new release of the app (its files, with \(classification.webRoot == "." ? "index.php" : classification.webRoot + "/") at the top)",
            "   into a folder named with the UTC time of the upload, e.g.",
            "       \(Shell.quote(PathName.join(root.releases, example)))",
            "   (YYYY-MM-DD_HH-MM-SS; names sort by age, and the newest \(keep) releases are kept).",
            "",
            "3. In the host's terminal, deploy it:",
            "       bash \(Shell.quote(PathName.join(bundle, "deploy.sh"))) \(example)",
            "   It links the release to the data in shared/, switches 'current' to it in one step and",
            "   records the deploy. Run it again after any error: it goes on from what is on disk.",
            "",
            "4. Check the live site's layout (exit 0 = healthy):",
            "       bash \(Shell.quote(root.sharedPath("health-check.sh")))",
            "",
        ]
        if let publicHTML {
            lines += [
                "5. Serve it: deploy.sh makes \(Shell.quote(publicHTML)) a link to the live web root when that",
                "   folder is absent, empty or already a link. Where the host refuses links there, deploy with",
                "       bash \(Shell.quote(PathName.join(bundle, "deploy.sh"))) --sync \(example)",
                "   which copies each release's web root in (SHARED-HOSTING-SETUP.md explains both).",
                "   If a link is ever lost or broken: bash \(Shell.quote(root.sharedPath("emergency-recovery.sh")))",
            ]
        } else {
            lines += [
                "5. If a link is ever lost or broken, repair without losing anything:",
                "       bash \(Shell.quote(root.sharedPath("emergency-recovery.sh")))",
                "   To serve the site from public_html, see SHARED-HOSTING-SETUP.md (or make the bundle",
                "   again with --public-html PATH).",
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
