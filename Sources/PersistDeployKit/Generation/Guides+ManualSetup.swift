/// MANUAL-SETUP-GUIDE.md: the layout built by hand, block by block, ending healthy.
extension Guides {
    func manualSetup() throws(ToolError) -> String {
        try Template.embedded("guides/MANUAL-SETUP-GUIDE.md.tmpl").render([
            "web_server": .text(webServerSection()),
            "cron_line": .text(cronLine()),
            "framework": .text(record.framework.rawValue),
            "web_root": .text(record.webRoot),
            "variables": .text([
                "ROOT=\(Shell.quote(root.path))",
                "SHARED=\(Shell.quote(root.shared))",
                "APP='app.tar.gz'   # the release you uploaded: a .tar.gz of the app, or a folder holding it",
                "RELEASE_ID=\"$(date -u +%Y-%m-%d_%H-%M-%S)\"",
                "RELEASE=\"$ROOT/releases/$RELEASE_ID\"",
            ].joined(separator: "\n")),
            "folders": .text(folderCommands()),
            "release_commands": .text([
                "mkdir -p -- \"$RELEASE\"",
                "if [ -d \"$APP\" ]; then cp -a -- \"$APP/.\" \"$RELEASE/\"; else tar -xzf \"$APP\" -C \"$RELEASE\"; fi",
            ].joined(separator: "\n")),
            "persistent_table": .text(persistentTable()),
            "link_commands": .text(linkCommands()),
            "switch_commands": .text([
                "ln -sfn -- \"releases/$RELEASE_ID\" \"$ROOT/.current.tmp\"",
                "mv -T -- \"$ROOT/.current.tmp\" \"$ROOT/current\"",
                "printf '{\"framework\":\"\(record.framework.rawValue)\",\"host\":\"%s\",\"outcome\":\"activated\",\"paths\":[],"
                    + "\"release\":\"%s\",\"time\":\"%s\",\"toolVersion\":\"by hand\",\"user\":\"%s\"}\\n' \\",
                "  \"$(uname -n)\" \"$RELEASE_ID\" \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" \"$(id -un)\" >>\"$SHARED/.deployment-history\"",
            ].joined(separator: "\n")),
            "check_commands": .text(manualCheckCommands()),
            "rollback_text": .text(rollbackText()),
            "rollback_commands": .text(rollbackCommands(byHand: true)),
        ])
    }

    private func folderCommands() -> String {
        let delimiter = "PERSIST_DEPLOY_RECORD"
        return [
            "mkdir -p -- \"$ROOT/releases\" \"$ROOT/.persist-deploy\" \"$SHARED\"",
            "[ -e \"$SHARED/.persistence-config\" ] || cat >\"$SHARED/.persistence-config\" <<'\(delimiter)'",
            Text.json(record, pretty: true),
            delimiter,
        ].joined(separator: "\n")
    }

    /// Each recorded path's class, looked up once a path: a record of 10,000 paths must not
    /// cost their square.
    private var pathClasses: [NameBytes.Key: PathClass] {
        Dictionary(record.paths.map { (NameBytes.Key($0.path), $0.class) }, uniquingKeysWith: { first, _ in first })
    }

    private func persistentTable() -> String {
        var rows = ["| path | kind | class | link in the release |", "| --- | --- | --- | --- |"]
        let classes = pathClasses
        for path in expectations.persistent {
            let kindClass = classes[NameBytes.Key(path.path)]?.rawValue ?? ""
            rows.append("| \(Markdown.code(path.path)) | \(path.kind.rawValue) | \(kindClass) | \(Markdown.code(path.linkText)) |")
        }
        if expectations.persistent.isEmpty { rows.append("| (none) | | | |") }
        return rows.joined(separator: "\n")
    }

    private func linkCommands() -> String {
        var lines = [
            "# persist PATH LINK_TEXT: the first time the release's copy seeds shared/; later it is moved",
            "# aside (never deleted), and the release gets the link.",
            "persist() {",
            "  if [ ! -e \"$SHARED/$1\" ] && [ ! -L \"$SHARED/$1\" ] && [ -e \"$RELEASE/$1\" ] && [ ! -L \"$RELEASE/$1\" ]; then",
            "    mkdir -p -- \"$(dirname -- \"$SHARED/$1\")\" && mv -- \"$RELEASE/$1\" \"$SHARED/$1\"",
            "  elif [ -e \"$RELEASE/$1\" ] && [ ! -L \"$RELEASE/$1\" ]; then",
            "    mkdir -p -- \"$(dirname -- \"$ROOT/.persist-deploy/release-copies/$RELEASE_ID/$1\")\"",
            "    mv -- \"$RELEASE/$1\" \"$ROOT/.persist-deploy/release-copies/$RELEASE_ID/$1\"",
            "  fi",
            "  mkdir -p -- \"$(dirname -- \"$RELEASE/$1\")\" && ln -sfn -- \"$2\" \"$RELEASE/$1\"",
            "}",
        ]
        for path in expectations.persistent {
            lines.append("persist \(Shell.quote(path.path)) \(Shell.quote(path.linkText))")
        }
        var created: [String] = []
        let classes = pathClasses
        for path in expectations.persistent {
            let shared = "\"$SHARED\"/" + Shell.quote(path.path)
            let isConfig = classes[NameBytes.Key(path.path)] == .config
            switch path.kind {
            case .dir:
                created.append("[ -e \(shared) ] || mkdir -p -- \(shared)")
                if record.framework == .laravel && path.path == "storage" {
                    created.append("mkdir -p -- \(shared)/app/public \(shared)/framework/cache \(shared)/framework/sessions \(shared)/framework/views \(shared)/logs")
                }
            case .file where isConfig:
                let example = "\"$RELEASE\"/" + Shell.quote(path.path + ".example")
                created.append("[ -e \(shared) ] || { if [ -f \(example) ]; then cp -- \(example) \(shared); else : >\(shared); fi; }")
                created.append("chmod 600 -- \(shared)   # fill in its secrets")
            case .file:
                created.append("[ -e \(shared) ] || : >\(shared)")
            }
        }
        if !created.isEmpty {
            lines.append("# What the release did not bring is created empty (a config file from its .example).")
            lines += created
        }
        if !expectations.appLinks.isEmpty {
            lines.append("# Links inside the app (a copy the release shipped there is moved aside, not deleted):")
            for link in expectations.appLinks {
                let path = Shell.quote(link.path)
                lines.append("if [ -e \"$RELEASE\"/\(path) ] && [ ! -L \"$RELEASE\"/\(path) ]; then")
                lines.append("  mkdir -p -- \"$(dirname -- \"$ROOT/.persist-deploy/release-copies/$RELEASE_ID\"/\(path))\"")
                lines.append("  mv -- \"$RELEASE\"/\(path) \"$ROOT/.persist-deploy/release-copies/$RELEASE_ID\"/\(path)")
                lines.append("fi")
                lines.append("ln -sfn -- \(Shell.quote(link.linkText)) \"$RELEASE\"/\(path)   # inside the app: \(link.target)")
            }
        }
        if record.framework == .laravel {
            lines.append("mkdir -p -- \"$RELEASE/bootstrap/cache\" && chmod 775 -- \"$RELEASE/bootstrap/cache\"   # Laravel writes compiled config here")
        }
        return lines.joined(separator: "\n")
    }

    private func manualCheckCommands() -> String {
        var lines: [String] = []
        switch audience {
        case .binary:
            lines.append("# The check scripts are written by persist-deploy; a root built by hand gets them with:")
            lines.append("[ -e \"$SHARED/health-check.sh\" ] || persist-deploy generate --root \"$ROOT\"")
        case .bundle(let directory):
            lines.append("# The check scripts come with the upload bundle; a root built by hand gets copies:")
            lines.append("for script in health-check.sh emergency-recovery.sh; do")
            lines.append("  [ -e \"$SHARED/$script\" ] || cp -- \(Shell.quote(directory))/\"$script\" \"$SHARED/$script\"")
            lines.append("done")
        }
        lines.append("bash \"$SHARED/health-check.sh\"")
        return lines.joined(separator: "\n")
    }

    func rollbackText() -> String {
        let how = switch audience {
        case .binary: "`persist-deploy rollback` goes back to the release that was live before, by the history"
        case .bundle: "`deploy.sh --rollback` goes back to the release that was live before, by the history"
        }
        return """
            Going back is the same switch pointed at an older folder under `releases/`. \(how), and
            in sync mode copies that release back into the served folder. By hand: the release just
            before the live one, by name (names sort by age; two deploys of one second are X and X-2, in version order).
            """
    }

    /// Going back: with the tool or deploy.sh, or by hand (a guarded switch to the release just
    /// before the live one).
    func rollbackCommands(byHand: Bool) -> String {
        guard byHand else {
            switch audience {
            case .binary: return "persist-deploy rollback --root \(Shell.quote(root.path))"
            case .bundle: return (deployScript ?? "") + " --rollback"
            }
        }
        return [
            "ROOT=\(Shell.quote(root.path))",
            "LIVE_ID=\"$(basename -- \"$(readlink -- \"$ROOT/current\")\")\"",
            // Version order puts two deploys of one second, X and X-2, in the order they were
            // made (a plain sort or a glob puts X-2 first).
            "PREVIOUS_ID=\"$(find \"$ROOT/releases\" -mindepth 1 -maxdepth 1 -type d -printf '%f\\n' | grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}(-[0-9]+)?$' | sort -V |",
            "  awk -v live=\"$LIVE_ID\" '$0 == live { print previous; exit } { previous = $0 }')\"",
            "if [ -n \"$PREVIOUS_ID\" ]; then",
            "  ln -sfn -- \"releases/$PREVIOUS_ID\" \"$ROOT/.current.tmp\" && mv -T -- \"$ROOT/.current.tmp\" \"$ROOT/current\"",
            "  echo \"current -> releases/$PREVIOUS_ID\"",
            "else",
            "  echo \"no release older than $LIVE_ID to go back to\"",
            "fi",
        ].joined(separator: "\n")
    }
}
