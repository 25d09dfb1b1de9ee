/// Who follows the guides: an account that runs the binary, or a host that cannot and deploys
/// with the upload bundle's `deploy.sh` (whose guides never name the binary).
package enum GuideAudience: Sendable, Equatable {
    case binary
    /// The bundle as uploaded to the host (`ROOT/persist-deploy-bundle`).
    case bundle(directory: String)
}

/// The three Markdown guides, written with this root's real paths. Every command in them is
/// quoted with `Shell.quote` so it can be pasted as is, whatever the paths contain; a test pastes
/// each block into bash as a fresh account.
struct Guides {
    let root: DeployRoot
    let record: PersistenceRecord
    let expectations: LayoutExpectations
    let history: [HistoryRecord]
    let publicHTML: String?
    let audience: GuideAudience
    /// The live release's `index.php` (Laravel), rewritten for a synced served folder; nil for
    /// Laravel 11's own.
    let liveIndex: String?

    /// `bash '…/deploy.sh'` for the bundle's audience.
    var deployScript: String? {
        if case .bundle(let directory) = audience { return "bash " + Shell.quote(PathName.join(directory, "deploy.sh")) }
        return nil
    }

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
        lines.append("Newest first, from the last \(DeploymentHistory.guideRecords) lines of the history. `persist-deploy releases` shows the folders that are still kept.")
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
