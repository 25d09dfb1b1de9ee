/// `health-check`, `recover` and `generate`.
enum HealthCommands {
    static func healthCheck(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        let root = try unhealthyIfMissing { () throws(ToolError) in
            try DeployRoot.existing(option: invocation.value("--root"), sharedOption: invocation.value("--shared"), context: context)
        }
        let report = runHealthCheck(root: root, context: context, console: console)
        console.result(report)
        return report.exitCode
    }

    /// A root that cannot be checked is not healthy: for health-check, exit 1 means warnings
    /// only, which a monitor lets pass, so its failure to find the root exits 2.
    private static func unhealthyIfMissing(_ body: () throws(ToolError) -> DeployRoot) throws(ToolError) -> DeployRoot {
        let result = Result { () throws(ToolError) in try body() }
        switch result {
        case .success(let root): return root
        case .failure(var error):
            if error.exitCode == .failure { error.exitCode = .unhealthy }
            throw error
        }
    }

    /// Checks `root`, prints one line a check, the results line and, after a failure, the next
    /// step; keeps the report in `.persist-deploy/last-health-check.json` for `status`. With
    /// `--quiet` (cron, monitoring) it prints nothing when healthy and only the problems otherwise.
    @discardableResult
    static func runHealthCheck(root: DeployRoot, context: Context, console: Console) -> HealthReport {
        let record: PersistenceRecord?
        do {
            record = try PersistenceRecord.load(from: root, fileSystem: context.fileSystem)
        } catch {
            console.warn(error.message)
            record = nil
        }
        var report = HealthChecker(fileSystem: context.fileSystem).check(root: root, record: record)
        report.checked = Timestamp.iso8601(context.now())
        let header = "Health of \(root.path) (\(record?.framework.rawValue ?? "unknown"), web root \(record?.webRoot ?? "?"))"
        var lines = [header]
        for check in report.checks where !console.quiet || check.status != .pass {
            let label = switch check.status {
            case .pass: console.paint("PASS", code: "32")
            case .warn: console.paint("WARN", code: "33")
            case .fail: console.paint("FAIL", code: "31")
            }
            lines.append("\(label) \(check.name) \(check.path): \(check.message)")
        }
        lines.append(report.summaryLine)
        lines += HealthAdvice.nextSteps(report, root: root)
        if !console.quiet || report.status != .healthy {
            for line in lines { console.essential(line) }
        }
        // Kept only in a deploy root (one with a record): checking '/' or a wrong --root must
        // not leave the tool's folder there.
        guard record != nil else { return report }
        do {
            try context.fileSystem.createDirectory(at: root.state, permissions: 0o755)
            try context.fileSystem.writeText(Text.json(report, pretty: true) + "\n", to: root.lastHealthCheck)
        } catch {
            console.warn("Could not keep the report in '\(root.lastHealthCheck)': \(error.reason).")
        }
        return report
    }

    static func recover(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        let root = try DeployRoot.existing(option: invocation.value("--root"), sharedOption: invocation.value("--shared"), context: context)
        try root.refuseUnsafeDestinations(fileSystem: context.fileSystem)
        let record = try PersistenceRecord.load(from: root, fileSystem: context.fileSystem)
        let dryRun = invocation.flag("--dry-run")
        // A dry run only reads, so it need not wait for a deploy in progress.
        let lock = dryRun ? nil : try DeployLock.acquire(root: root, command: "recover", waitSeconds: 0, context: context)
        defer { lock?.release() }
        let recovery = Recovery(
            fileSystem: OwningFileSystem.forRoot(root.path, fileSystem: context.fileSystem), now: context.now(), environment: context.environment)
        let plan = recovery.plan(root: root, record: record)
        var problems = plan.problems
        if dryRun {
            for action in plan.actions { console.say("would \(action.description)") }
        } else {
            problems = recovery.apply(plan, root: root, say: console.say)
        }
        if plan.actions.isEmpty && plan.problems.isEmpty { console.say("Nothing to repair.") }
        for problem in problems { console.warn("cannot fix: \(problem)") }
        if dryRun {
            console.result(RecoverResult(dryRun: true, actions: plan.actions.map(\.description), problems: problems, health: nil))
            guard problems.isEmpty else {
                throw ToolError(
                    "Recovery would leave \(Text.count(problems.count, "problem")) it cannot fix (the 'cannot fix' lines above).",
                    hint: "Nothing was changed (dry run). Each of those lines says what to do by hand.")
            }
            return .success
        }
        let report = runHealthCheck(root: root, context: context, console: console)
        console.result(RecoverResult(dryRun: false, actions: plan.actions.map(\.description), problems: problems, health: report.status))
        guard problems.isEmpty && report.status != .failed else {
            throw ToolError(
                "Recovery left \(problems.isEmpty ? "a failed health check" : Text.count(problems.count, "problem") + " it cannot fix") "
                    + "in '\(root.path)'.",
                hint: "Each 'cannot fix' or FAIL line above says what to do; nothing in shared/ was deleted.")
        }
        return .success
    }

    /// `recover --json`: what was (or would be) done and the health afterwards.
    struct RecoverResult: Encodable {
        var dryRun: Bool
        var actions: [String]
        var problems: [String]
        var health: HealthReport.Status?
    }

    static func generate(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        let root = try DeployRoot.existing(option: invocation.value("--root"), sharedOption: invocation.value("--shared"), context: context)
        try root.refuseUnsafeDestinations(fileSystem: context.fileSystem)
        guard let record = try PersistenceRecord.load(from: root, fileSystem: context.fileSystem) else {
            throw ToolError(
                "There is no persistence record at '\(root.configRecord)', so there is nothing to generate from.",
                hint: "Deploy first (persist-deploy auto --root \(Shell.quote(root.path))); it writes the record and these files.")
        }
        let history = DeploymentHistory.recent(root, fileSystem: context.fileSystem, limit: DeploymentHistory.guideRecords)
        let publicHTML = invocation.value("--public-html").map(context.absolutePath)
        let liveIndex = record.framework == .laravel
            ? try? context.fileSystem.readText(at: PathName.join(root.current, record.webRoot, "index.php")) : nil
        let live = PathResolver.resolve(root.current, fileSystem: context.fileSystem).map(PathName.basename)
        let liveAppLinks = live.flatMap { ReleaseManifest.appLinks(of: $0, root: root, fileSystem: context.fileSystem) }
        let written = try SafetyNet.write(
            root: root, record: record, history: history, publicHTML: publicHTML, liveIndex: liveIndex, liveAppLinks: liveAppLinks,
            fileSystem: context.fileSystem)
        for path in written { console.say("wrote \(path)") }
        console.result(["written": written])
        return .success
    }
}
