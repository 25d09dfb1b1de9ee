/// SHARED-HOSTING-SETUP.md: serving the site from a folder the host fixes (`~/public_html`).
extension Guides {
    func sharedHosting() throws(ToolError) -> String {
        let servedLine = "SERVED=" + (publicHTML.map(Shell.quote) ?? "\"$HOME/public_html\"   # the folder your host serves")
        let webLine = "WEB=" + Shell.quote(record.webRoot == "." ? root.current : PathName.join(root.current, record.webRoot))
        return try Template.embedded("guides/SHARED-HOSTING-SETUP.md.tmpl").render([
            "public_html_label": .text(publicHTML.map(Markdown.code)
                ?? (deployScript == nil ? "`~/public_html` below; `persist-deploy generate --public-html PATH` writes your real path in"
                    : "`~/public_html` below; a bundle made with `--public-html PATH` has your real path in")),
            "web_server": .text(webServerSection()),
            "web_root": .text(record.webRoot),
            "current_setting": .text(currentSetting()),
            "link_mode_tool": .text(deployCommand(sync: false)),
            "link_mode_commands": .text([
                servedLine, webLine,
                "if [ -d \"$SERVED\" ] && [ ! -L \"$SERVED\" ]; then rmdir -- \"$SERVED\"; fi",
                "ln -sfn -- \"$(realpath -m -s --relative-to=\"$(dirname -- \"$SERVED\")\" \"$WEB\")\" \"$SERVED.tmp\"",
                "mv -T -- \"$SERVED.tmp\" \"$SERVED\"",
            ].joined(separator: "\n")),
            "sync_mode_tool": .text(deployCommand(sync: true)),
            "links_text": .text(linksText()),
            "sync_mode_commands": .text(syncCommands(servedLine: servedLine, webLine: webLine)),
            "persistent_folders_text": .text(persistentFoldersText(servedLine: servedLine)),
            "laravel_index": .text(laravelIndexText(servedLine: servedLine)),
            "upload_paths": .text(uploadPaths()),
            "check_commands": .text([
                "bash \(Shell.quote(root.sharedPath("health-check.sh")))",
                servedLine,
                "ls -la -- \"$SERVED\"",
                "# then ask the site itself for its status line (expect 200):  curl -sI https://YOUR-SITE/ | head -n 1",
            ].joined(separator: "\n")),
            "rollback_text": .text(
                "\(deployScript == nil ? "`persist-deploy rollback`" : "`deploy.sh --rollback`") goes back to the release that was live "
                    + "before, by the history, and in sync mode copies that release into the served folder again. By hand, switch "
                    + "`current` as MANUAL-SETUP-GUIDE.md shows, then run the copy of section B again."),
            "rollback_commands": .text(rollbackCommands(byHand: false)),
            "traps": .text(traps()),
        ])
    }

    /// The persistent folders in the web root (and links to them, Laravel's `storage`).
    private var servedFolders: [ServedPersistentFolder] {
        PublicHTML.persistentFolders(paths: record.paths, webRoot: record.webRoot).filter { $0.kind == .dir }
    }

    private func deployCommand(sync: Bool) -> String {
        if let deployScript {
            return deployScript + (sync ? " --sync" : " --no-sync") + "   # deploys the newest release uploaded to releases/"
        }
        let served = publicHTML.map(Shell.quote) ?? "\"$HOME/public_html\""
        return "persist-deploy auto --root \(Shell.quote(root.path)) --public-html \(served)" + (sync ? " --sync" : "")
    }

    private func currentSetting() -> String {
        if deployScript != nil, let served = publicHTML {
            return "`deploy.sh` serves \(Markdown.code(served)) as a link to the live web root (section A) until a deploy with "
                + "`--sync` (section B), which it then remembers."
        }
        guard let served = record.servedFolder else {
            return "No served folder is recorded for this site yet: the first deploy with `--public-html` records it."
        }
        var text = "This site's served folder is \(Markdown.code(served.path)), in **\(served.mode.rawValue) mode**"
        if served.mode == .sync {
            text += served.links == true ? ", its persistent folders linked into `shared/`" : ", links refused there"
        }
        text += " (recorded in `shared/.persistence-config`; later deploys keep it)."
        for data in record.servedData ?? [] {
            text += "\n\n- the files of \(Markdown.code(data.path)) live in \(Markdown.code(data.location)); `shared/\(data.path)` links there"
        }
        return text
    }

    private func linksText() -> String {
        let option = deployScript == nil ? "" : " (the same options work with `deploy.sh`)"
        return """
            The first sync makes a link in the served folder, reads through it and removes it. Where that
            works, the persistent folders become links into `shared/`; where it fails, their files are
            kept in the served folder itself and `shared/` links there instead. A web server can refuse
            links the file system allows (`Options -FollowSymLinks`): if uploads then answer 403 or 404,
            deploy once with `--served-links no`\(option); `--served-links yes` skips the probe.
            """
    }

    private func syncCommands(servedLine: String, webLine: String) -> String {
        var names = servedFolders.map { Shell.quote(PathName.components($0.name).first ?? $0.name) }
        if record.framework == .laravel { names.append("'index.php'") }
        var lines = [servedLine, webLine, "mkdir -p -- \"$SERVED\"", "shopt -s nullglob dotglob", "for entry in \"$WEB\"/*; do"]
        if !names.isEmpty {
            lines.append("  case \"${entry##*/}\" in \(Array(Set(names)).sorted().joined(separator: " | ")) ) continue ;; esac")
        }
        lines.append("  cp -a -- \"$entry\" \"$SERVED\"/")
        lines.append("done")
        return lines.joined(separator: "\n")
    }

    private func persistentFoldersText(servedLine: String) -> String {
        let folders = servedFolders
        guard !folders.isEmpty else { return "No persistent folder lives in the web root, so the copy is all there is to it." }
        let listed = folders.map { "\(Markdown.code($0.name)) (`shared/\($0.sharedPath)`)" }.joined(separator: ", ")
        var linked = [servedLine, "SHARED=\(Shell.quote(root.shared))"]
        var kept = linked
        for folder in folders {
            let place = "\"$SERVED\"/" + Shell.quote(folder.name)
            let shared = "\"$SHARED\"/" + Shell.quote(folder.sharedPath)
            linked.append("[ -e \(place) ] || ln -s -- \"$(realpath -m -s --relative-to=\"$(dirname -- \(place))\" \(shared))\" \(place)")
        }
        kept += [
            "# keep_in_served NAME PATH: moves shared/PATH to the served folder's NAME and links it back.",
            "keep_in_served() {",
            "  if [ -L \"$SHARED/$2\" ]; then return 0; fi",
            "  if [ -e \"$SERVED/$1\" ]; then",
            "    printf '%s exists: move its files into %s by hand, then run this again\\n' \"$SERVED/$1\" \"$SHARED/$2\" >&2",
            "    return 1",
            "  fi",
            "  mkdir -p -- \"$(dirname -- \"$SERVED/$1\")\" \"$SHARED/$2\"",
            "  mv -T -- \"$SHARED/$2\" \"$SERVED/$1\"",
            "  ln -s -- \"$(realpath -m -s --relative-to=\"$(dirname -- \"$SHARED/$2\")\" \"$SERVED/$1\")\" \"$SHARED/$2\"",
            "}",
        ]
        for folder in folders {
            kept.append("keep_in_served \(Shell.quote(folder.name)) \(Shell.quote(folder.sharedPath))")
        }
        return """
            The copy skips the persistent folders of the web root: \(listed). Once, by hand, make them
            reachable from the served folder. Where links work there, link them into `shared/`:

            ```sh
            \(linked.joined(separator: "\n"))
            ```

            Where links are refused, the served folder keeps their files and `shared/` links there (releases
            keep linking into `shared/`, so the app writes where visitors read):

            ```sh
            \(kept.joined(separator: "\n"))
            ```
            """
    }

    private func laravelIndexText(servedLine: String) -> String {
        guard record.framework == .laravel else { return "" }
        let delimiter = "PERSIST_DEPLOY_INDEX"
        let text = PublicHTML.laravelIndex(original: liveIndex, root: root)
        return """
            Laravel's `index.php` must load the app from the live release, not from next to itself. The
            sync writes it into the served folder with every `__DIR__.'/../` replaced by the release that
            `current` points at, read with `readlink()` on each request (a path through the link can be
            served from PHP's realpath cache for up to two minutes after a deploy, see the traps below).
            By hand, once:

            ```sh
            \(servedLine)
            cat >"$SERVED/index.php" <<'\(delimiter)'
            \(text.hasSuffix("\n") ? String(text.dropLast()) : text)
            \(delimiter)
            ```
            """
    }

    private func uploadPaths() -> String {
        var text = """
            The app writes uploads through the live release (`current/\(record.webRoot)/uploads` and the
            like), and every release links those paths into `shared/`: a deploy never hides them. In link
            mode visitors reach them through the same links; in sync mode through the persistent folders
            of section B, which are links into `shared/` or hold the files themselves. Nothing has to be
            changed in the app.
            """
        if record.framework == .laravel {
            text += """


                Laravel's public disk (`Storage::disk('public')`, `storage/app/public`) is served at
                `/storage`: in link mode through the release's `public/storage` link, in sync mode
                through the served folder's `storage`.
                """
        }
        return text
    }

    private func traps() -> String {
        """
        **Old PHP code after a switch.** PHP keeps what a path through a link (`current`, or a served
        folder that is a link) resolved to in its realpath cache for `realpath_cache_ttl` seconds (120
        by default), and opcache keeps compiled code by path; together they can serve the previous
        release for a while after `current` switches. Measured with Apache 2.4 and PHP 8.2 by
        `scripts/measure-stale-php.sh` (seconds during which old code was still served, worst of 5
        switches):

        | PHP runs as | setup | old code for |
        | --- | --- | --- |
        | Apache module (mod_php) | served folder is a link, nothing changed | up to 36 s |
        | mod_php | the same, with `php_value opcache.revalidate_path 1` in `.htaccess` | 117 s: worse |
        | mod_php | the same, with `.user.ini` (mod_php does not read it) | up to 32 s |
        | mod_php | link, with the prepend file below in `.htaccess` | 0 s |
        | mod_php | sync mode, the Laravel `index.php` the deploy writes | 0 s |
        | mod_php | sync mode, an `index.php` that requires `…/current/…` | 120 s |
        | mod_php | `apachectl -k graceful` after the switch (needs root) | 0 s |
        | CGI | any | 0 s (a new PHP process per request) |
        | PHP-FPM | served folder is a link, nothing changed | over 150 s, until PHP-FPM is reloaded |
        | PHP-FPM | link, with `opcache.revalidate_path=1` in `.user.ini` | 119 s |
        | PHP-FPM | link, with the prepend file alone in `.user.ini` | over 150 s |
        | PHP-FPM | link, with both lines below in `.user.ini` | 0 s |
        | PHP-FPM | sync mode, the Laravel `index.php` the deploy writes | 0 s |

        Without root: in sync mode the `index.php` the deploy writes needs nothing more. In link
        mode make PHP drop its realpath cache before each request, with a file outside the web root:

        ```sh
        printf '<?php clearstatcache(true);\\n' >\(Shell.quote(PathName.join(root.path, "persist-deploy-fresh-paths.php")))
        ```

        and name it in the app's `public/.htaccess` (it ships with each release) when PHP runs as an
        Apache module, or, with `opcache.revalidate_path`, in a `.user.ini` next to `index.php` when it
        runs as CGI or PHP-FPM (PHP re-reads `.user.ini` every `user_ini.cache_ttl` seconds, 300 by
        default; a `php_value` line in `.htaccess` there is an error 500):

        ```apache
        <IfModule mod_php.c>
            php_value auto_prepend_file \(Self.configQuote(PathName.join(root.path, "persist-deploy-fresh-paths.php")))
        </IfModule>
        ```

        ```ini
        opcache.revalidate_path = 1
        auto_prepend_file = \(Self.configQuote(PathName.join(root.path, "persist-deploy-fresh-paths.php")))
        ```

        With root: reload PHP after each deploy (`sudo systemctl reload php8.2-fpm`, the unit name
        varies, or `sudo apachectl -k graceful` for mod_php), or with nginx pass the resolved path
        (`fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name;`).

        **`open_basedir`.** Many hosts limit PHP to the account's home (and `/tmp`). Keep the deploy root
        inside it, next to the served folder (\(Markdown.code(root.path))): PHP loads the release and
        writes the data through `current`, and a root outside the allowed paths answers
        `open_basedir restriction in effect` (HTTP 500). A page with `<?php echo ini_get('open_basedir');`
        shows the limit.

        **A host's `index.html`.** A new account's served folder often holds a placeholder
        `index.html`, which most hosts serve before `index.php`. The deploy names it; `--move-index-aside`
        moves it to `.persist-deploy/moved-aside/`.

        **Next.js and other built front ends serve `public/` as it was at build time.** Files added to a
        persistent folder after the build are not served by `next start`; serve those folders from the
        served folder (sync mode, section B) or, with access to the server's configuration, with an
        nginx `alias` or Apache `Alias` to their folder in `shared/`.
        """
    }

    /// The web-server section: the binary's options for hooks and the web user, or for the
    /// bundle (whose `deploy.sh` has neither) what to do by hand.
    func webServerSection() -> String {
        guard deployScript != nil else { return webServer() }
        return """
            **Reloading PHP after a deploy.** `deploy.sh` runs no commands around the switch. Where you
            can, reload PHP-FPM after each deploy (`sudo systemctl reload php8.2-fpm`, the unit name
            varies), with `process_control_timeout = 10s` in `php-fpm.conf` so requests in flight finish;
            where you cannot, see "Traps after a switch" in SHARED-HOSTING-SETUP.md for what works without
            root, with measured delays.

            **Queue workers and other long-running processes** keep running the code they started with:
            restart them after each deploy (`php artisan queue:restart` in `current/`).

            **The user PHP runs as.** On shared hosting PHP usually runs as your own account, which owns
            what `deploy.sh` creates. If it runs as another user, make the persistent folders in `shared/`
            writable for that user's group (`chmod -R g+w`, `chgrp`) and `.env` readable by it.
            """
    }

    /// `text` for an nginx or Apache configuration: as is when plain, else double-quoted.
    static func configQuote(_ text: String) -> String {
        if text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/._-".contains($0)) }) { return text }
        return "\"" + Text.replacing("\"", with: "\\\"", in: Text.replacing("\\", with: "\\\\", in: text)) + "\""
    }
}
