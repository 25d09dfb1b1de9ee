/// The three Markdown guides, written with this root's real paths. Every command in them is
/// quoted with `Shell.quote` so it can be pasted as is, whatever the paths contain.
struct Guides {
    let root: DeployRoot
    let record: PersistenceRecord
    let expectations: LayoutExpectations
    let history: [HistoryRecord]
    let publicHTML: String?

    // MARK: DEPLOYMENT-SUMMARY.md

    func summary() throws(ToolError) -> String {
        try Template.embedded("guides/DEPLOYMENT-SUMMARY.md.tmpl").render([
            "web_server": .text(webServer()),
            "framework": .text(record.framework.rawValue),
            "web_root": .text(record.webRoot),
            "root": .text(Markdown.code(root.path)),
            "shared": .text(Markdown.code(root.shared)),
            "classification_table": .text(classificationTable()),
            "last_deploy": .text(lastDeploy()),
            "releases": .text(releaseList()),
            "check_commands": .text(checkCommands()),
            "cron_line": .text(cronLine()),
            "recover_commands": .text([
                "bash \(Shell.quote(root.sharedPath("emergency-recovery.sh"))) --dry-run   # shows what it would do",
                "bash \(Shell.quote(root.sharedPath("emergency-recovery.sh")))",
                "# or, with the tool:",
                "persist-deploy recover --root \(Shell.quote(root.path)) --dry-run",
                "persist-deploy recover --root \(Shell.quote(root.path))",
            ].joined(separator: "\n")),
        ])
    }

    private func classificationTable() -> String {
        var rows = ["| path | kind | class | lives in | why |", "| --- | --- | --- | --- | --- |"]
        for path in record.paths {
            let place: String
            if let target = path.linkTarget {
                place = "link to " + Markdown.code(target)
            } else if path.class.isPersistent {
                place = Markdown.code("shared/" + path.path)
            } else {
                place = "each release"
            }
            rows.append("| \(Markdown.code(path.path)) | \(path.kind.rawValue) | \(path.class.rawValue) | \(place) | \(Markdown.cell(path.reason)) |")
        }
        return rows.joined(separator: "\n")
    }

    private func lastDeploy() -> String {
        guard let last = history.last else { return "No deploy is recorded yet in `shared/.deployment-history`." }
        var lines = [
            "Release \(Markdown.code(last.release)) at \(last.time) by \(Markdown.cell(last.user))@\(Markdown.cell(last.host)): \(last.outcome.rawValue).",
            "",
            "| path | class | what the deploy did |",
            "| --- | --- | --- |",
        ]
        for path in last.paths {
            lines.append("| \(Markdown.code(path.path)) | \(path.class.rawValue) | \(Self.explain(path.action)) |")
        }
        if last.paths.isEmpty { lines.append("| (none) | | |") }
        return lines.joined(separator: "\n")
    }

    private static func explain(_ action: PathAction) -> String {
        switch action {
        case .seeded: "seeded: shared/ lacked it, the release's content was moved there"
        case .adopted: "adopted: the live site's real data was moved into shared/"
        case .linked: "linked: shared/ already had it, the release now links to it"
        case .created: "created: nobody had it, it was made empty"
        }
    }

    private func releaseList() -> String {
        var seen: [String] = []
        var outcome: [String: HistoryRecord] = [:]
        for record in history {
            if outcome[record.release] == nil { seen.append(record.release) }
            outcome[record.release] = record
        }
        guard !seen.isEmpty else { return "None recorded yet. `persist-deploy releases` lists the folders under `releases/`." }
        var lines = seen.reversed().map { id in
            "- \(Markdown.code(id)): \(outcome[id].map { "\($0.outcome.rawValue) at \($0.time)" } ?? "")"
        }
        lines.append("")
        lines.append("Newest first, from the history. `persist-deploy releases` shows the folders that are still kept.")
        return lines.joined(separator: "\n")
    }

    private func checkCommands() -> String {
        [
            "bash \(Shell.quote(root.sharedPath("health-check.sh")))",
            "bash \(Shell.quote(root.sharedPath("health-check.sh"))) --json",
            "# or, with the tool:",
            "persist-deploy health-check --root \(Shell.quote(root.path))",
        ].joined(separator: "\n")
    }

    /// The crontab line that runs the health check every five minutes. In a crontab an
    /// unescaped `%` ends the command, so it is written `\%`.
    func cronLine() -> String {
        "*/5 * * * * /bin/bash \(Shell.quote(root.sharedPath("health-check.sh")).replacing("%", with: "\\%")) --quiet"
    }

    // MARK: MANUAL-SETUP-GUIDE.md

    func manualSetup() throws(ToolError) -> String {
        try Template.embedded("guides/MANUAL-SETUP-GUIDE.md.tmpl").render([
            "web_server": .text(webServer()),
            "framework": .text(record.framework.rawValue),
            "web_root": .text(record.webRoot),
            "variables": .text([
                "ROOT=\(Shell.quote(root.path))",
                "SHARED=\(Shell.quote(root.shared))",
                "RELEASE_ID=\"$(date -u +%Y-%m-%d_%H-%M-%S)\"",
                "RELEASE=\"$ROOT/releases/$RELEASE_ID\"",
            ].joined(separator: "\n")),
            "folders": .text("mkdir -p -- \"$ROOT/releases\" \"$SHARED\""),
            "persistent_table": .text(persistentTable()),
            "shared_commands": .text(sharedCommands()),
            "release_commands": .text([
                "mkdir -p -- \"$RELEASE\"",
                "tar -xzf app.tar.gz -C \"$RELEASE\"        # or: cp -a /path/to/build/. \"$RELEASE\"/",
            ].joined(separator: "\n")),
            "link_commands": .text(linkCommands()),
            "switch_commands": .text([
                "ln -sfn -- \"releases/$RELEASE_ID\" \"$ROOT/.current.tmp\"",
                "mv -T -- \"$ROOT/.current.tmp\" \"$ROOT/current\"",
            ].joined(separator: "\n")),
            "check_commands": .text(checkCommands()),
            "cron_line": .text(cronLine()),
        ])
    }

    private func persistentTable() -> String {
        var rows = ["| path | kind | class | link in the release |", "| --- | --- | --- | --- |"]
        for path in expectations.persistent {
            let kindClass = record.paths.first { $0.path == path.path }?.class.rawValue ?? ""
            rows.append("| \(Markdown.code(path.path)) | \(path.kind.rawValue) | \(kindClass) | \(Markdown.code(path.linkText)) |")
        }
        if expectations.persistent.isEmpty { rows.append("| (none) | | | |") }
        return rows.joined(separator: "\n")
    }

    private func sharedCommands() -> String {
        var lines: [String] = []
        for path in expectations.persistent {
            let shared = "\"$SHARED\"/" + Shell.quote(path.path)
            switch path.kind {
            case .dir:
                lines.append("mkdir -p -- \(shared)")
                if record.framework == .laravel && path.path == "storage" {
                    lines.append("mkdir -p -- \(shared)/app/public \(shared)/framework/cache \(shared)/framework/sessions \(shared)/framework/views \(shared)/logs")
                }
            case .file:
                lines.append("mkdir -p -- \"$(dirname -- \(shared))\" && touch -- \(shared) && chmod 600 -- \(shared)   # then put the real file here")
            }
        }
        return lines.isEmpty ? "# nothing persists for this app" : lines.joined(separator: "\n")
    }

    private func linkCommands() -> String {
        var lines = [
            "# link_into_shared PATH LINK_TEXT: moves a real copy in the release aside, then links.",
            "link_into_shared() {",
            "  if [ -e \"$RELEASE/$1\" ] && [ ! -L \"$RELEASE/$1\" ]; then mv -- \"$RELEASE/$1\" \"$RELEASE/$1.release-copy\"; fi",
            "  mkdir -p -- \"$(dirname -- \"$RELEASE/$1\")\" && ln -sfn -- \"$2\" \"$RELEASE/$1\"",
            "}",
        ]
        for path in expectations.persistent {
            lines.append("link_into_shared \(Shell.quote(path.path)) \(Shell.quote(path.linkText))")
        }
        for link in expectations.appLinks {
            lines.append("link_into_shared \(Shell.quote(link.path)) \(Shell.quote(link.linkText))   # inside the app: \(link.target)")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: SHARED-HOSTING-SETUP.md

    func sharedHosting() throws(ToolError) -> String {
        let served = publicHTML ?? "$HOME/public_html"
        let servedWord = publicHTML.map(Shell.quote) ?? "\"$HOME/public_html\""
        let webRoot = PathName.join(root.current, record.webRoot)
        let linkText = publicHTML.map { PathName.relativeLink(at: $0, to: webRoot) } ?? webRoot
        return try Template.embedded("guides/SHARED-HOSTING-SETUP.md.tmpl").render([
            "web_server": .text(webServer()),
            "public_html_label": .text(publicHTML.map(Markdown.code)
                ?? "`~/public_html`; run `persist-deploy generate --public-html PATH` to write your real path here"),
            "web_root": .text(record.webRoot),
            "link_mode_commands": .text([
                "persist-deploy auto --root \(Shell.quote(root.path)) --public-html \(servedWord)",
                "# by hand (the folder must be absent, an empty folder removed with rmdir, or a link):",
                "ln -sfn -- \(Shell.quote(linkText)) \(served == "$HOME/public_html" ? "\"$HOME/public_html.tmp\"" : Shell.quote(served + ".tmp"))",
                "mv -T -- \(served == "$HOME/public_html" ? "\"$HOME/public_html.tmp\"" : Shell.quote(served + ".tmp")) \(servedWord)",
            ].joined(separator: "\n")),
            "sync_mode_commands": .text(syncCommands(servedWord: servedWord, webRoot: webRoot)),
            "sync_details": .text(syncDetails(served: served)),
            "upload_paths": .text(uploadPaths()),
            "check_commands": .text([
                "bash \(Shell.quote(root.sharedPath("health-check.sh")))",
                "ls -la -- \(servedWord)",
                "curl -sI https://YOUR-SITE/ | head -n 1      # expect HTTP 200",
            ].joined(separator: "\n")),
            "traps": .text(traps()),
        ])
    }

    /// The persistent directories directly inside the web root, relative to it (`uploads`).
    private var webRootDirectories: [(relative: String, persistent: LayoutExpectations.Persistent)] {
        expectations.persistent.compactMap { path in
            guard path.kind == .dir else { return nil }
            let relative = record.webRoot == "." ? path.path : PathName.relative(path.path, to: record.webRoot)
            guard let relative, relative != "." else { return nil }
            return (relative, path)
        }
    }

    /// The links to other app paths directly inside the web root (Laravel's `storage`).
    private var webRootAppLinks: [(relative: String, link: LayoutExpectations.AppLink)] {
        expectations.appLinks.compactMap { link in
            let relative = record.webRoot == "." ? link.path : PathName.relative(link.path, to: record.webRoot)
            guard let relative, relative != "." else { return nil }
            return (relative, link)
        }
    }

    private func syncCommands(servedWord: String, webRoot: String) -> String {
        var lines = ["persist-deploy auto --root \(Shell.quote(root.path)) --public-html \(servedWord) --sync",
                     "# by hand: copy what the release ships, skipping the persistent folders"]
        let names = webRootDirectories.map(\.relative) + webRootAppLinks.map(\.relative)
        let skipped = names.map { Shell.quote(PathName.components($0).first ?? $0) }
        lines.append("shopt -s nullglob dotglob")
        lines.append("for entry in \(Shell.quote(webRoot))/*; do")
        if !skipped.isEmpty {
            lines.append("  case \"${entry##*/}\" in \(skipped.joined(separator: " | ")) ) continue ;; esac")
        }
        lines.append("  cp -a -- \"$entry\" \(servedWord)/")
        lines.append("done")
        return lines.joined(separator: "\n")
    }

    private func syncDetails(served: String) -> String {
        var parts: [String] = []
        if record.framework == .laravel {
            let current = root.current
            parts.append("""
                Laravel's `index.php` must load the app from the live release, not from next to
                itself. `--sync` writes `\(served)/index.php` with its paths made absolute, for example:

                ```php
                if (file_exists($maintenance = \(PHP.quote(PathName.join(current, "storage/framework/maintenance.php"))))) {
                    require $maintenance;
                }
                require \(PHP.quote(PathName.join(current, "vendor/autoload.php")));
                $app = require_once \(PHP.quote(PathName.join(current, "bootstrap/app.php")));
                ```
                """)
        }
        let directories = webRootDirectories
        if directories.isEmpty {
            parts.append("No persistent folder lives inside the web root, so the copy is all there is to it.")
        } else {
            var lines = ["These persistent folders cannot be links in the served folder; the copy skips them:", ""]
            for directory in directories {
                lines.append("- \(Markdown.code(directory.relative)): its files live in \(Markdown.code(root.sharedPath(directory.persistent.path)))")
            }
            parts.append(lines.joined(separator: "\n"))
        }
        for link in webRootAppLinks {
            parts.append("`\(link.relative)` is a link to `\(link.link.target)` in the release; it is skipped too (see where uploads go, below).")
        }
        return parts.joined(separator: "\n\n")
    }

    private func uploadPaths() -> String {
        switch record.framework {
        case .laravel:
            let publicDisk = root.sharedPath("storage/app/public")
            return """
                `storage/` is a link into `shared/`, so `Storage::disk('public')` already writes to
                \(Markdown.code(publicDisk)). Without symlinks the `public/storage` link cannot exist in
                the served folder; serve those files through a route instead (in `routes/web.php`):

                ```php
                Route::get('/storage/{path}', fn (string $path) => Storage::disk('public')->response($path))
                    ->where('path', '.*');
                ```
                """
        default:
            var lines = ["Set the app's upload directory to an absolute path in `shared/`, for example in `.env`:", "", "```sh"]
            for directory in webRootDirectories {
                let name = "UPLOAD_DIR_" + Text.replacing("/", with: "_", in: directory.relative).uppercased()
                lines.append("\(Self.environmentName(name))=\(Shell.quote(root.sharedPath(directory.persistent.path)))")
            }
            if webRootDirectories.isEmpty { lines.append("# no persistent folder inside the web root") }
            lines.append("```")
            lines.append("")
            lines.append("and serve those folders with the web-server lines under \"Traps\" below.")
            return lines.joined(separator: "\n")
        }
    }

    /// `name` with anything but letters, digits and `_` made `_`.
    private static func environmentName(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    private func traps() -> String {
        var text = """
            **PHP opcache and the realpath cache.** PHP caches files by their resolved path. After
            `current` switches, PHP-FPM can keep running the old release until it is reloaded. With
            nginx, pass the resolved path so each request names the new release:

            ```nginx
            fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name;
            fastcgi_param DOCUMENT_ROOT $realpath_root;
            ```

            With Apache (mod_php or PHP-FPM), set in `php.ini` (or `.user.ini`):

            ```ini
            opcache.revalidate_path = 1
            ```

            or reload PHP-FPM after each deploy (`sudo systemctl reload php-fpm`, the unit name varies).

            **Next.js and other built front ends serve `public/` as it was at build time.** Files added
            to a persistent folder after the build are not served by `next start`. Serve the user
            folders straight from `shared/` with the web server:
            """
        let directories = webRootDirectories
        if directories.isEmpty {
            text += "\n\nThis app has no persistent folder inside its web root, so there is nothing to add."
            return text
        }
        var nginx = ["```nginx"]
        var apache = ["```apache"]
        for directory in directories {
            let url = "/" + directory.relative
            let place = root.sharedPath(directory.persistent.path)
            nginx.append("location \(Self.configQuote(url + "/")) {")
            nginx.append("    alias \(Self.configQuote(place + "/"));")
            nginx.append("}")
            apache.append("Alias \(Self.configQuote(url)) \(Self.configQuote(place))")
            apache.append("<Directory \(Self.configQuote(place))>")
            apache.append("    Require all granted")
            apache.append("</Directory>")
        }
        nginx.append("```")
        apache.append("```")
        text += "\n\nnginx:\n\n" + nginx.joined(separator: "\n") + "\n\nApache:\n\n" + apache.joined(separator: "\n")
        return text
    }

    /// `text` for an nginx or Apache configuration: as is when plain, else double-quoted.
    static func configQuote(_ text: String) -> String {
        if text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/._-".contains($0)) }) { return text }
        return "\"" + Text.replacing("\"", with: "\\\"", in: Text.replacing("\\", with: "\\\\", in: text)) + "\""
    }
}

/// Markdown escaping for the guides.
enum Markdown {
    /// `text` as a code span, fenced with more backticks than any run inside it.
    static func code(_ text: String) -> String {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let padded = text.hasPrefix("`") || text.hasSuffix("`") ? " \(text) " : text
        return Text.replacing("|", with: "\\|", in: fence + Text.replacing("\n", with: " ", in: padded) + fence)
    }

    /// Plain text safe inside a table cell.
    static func cell(_ text: String) -> String {
        Text.replacing("|", with: "\\|", in: Text.replacing("\n", with: " ", in: text))
    }
}
