import Glibc

/// What a deploy reports (the contract's JSON for deploys).
package struct DeployReport: Codable, Equatable {
    package var release: String
    package var activated: Bool
    package var paths: [PathRecord]
    package var removedReleases: [String]
    package var warnings: [String]
    /// Present for `plan` and `--dry-run`: the operations, in order.
    package var operations: [PlannedOperationJSON]?
}

/// Extra steps around the plan that only a real run does.
package struct DeployOptions: Sendable {
    package var dryRun = false
    package var waitSeconds = 0
    /// A shell command run after the switch; on failure the previous release is put back.
    package var verifyCommand: String?
    package init() {}
}

/// Runs a deploy: takes the lock, plans, applies, verifies, cleans up.
package struct Deployer {
    let context: Context
    let console: Console
    let root: DeployRoot

    package init(context: Context, console: Console, root: DeployRoot) {
        self.context = context
        self.console = console
        self.root = root
    }

    package func run(_ request: DeployRequest, options: DeployOptions, commandName: String) throws(ToolError) -> DeployReport {
        let fileSystem = context.fileSystem
        var lock: DeployLock?
        if !options.dryRun {
            try ensureRootExists()
            lock = try DeployLock.acquire(root: root, command: commandName, waitSeconds: options.waitSeconds, context: context)
        }
        defer { lock?.release() }

        let state = try DeployState.read(root, fileSystem: fileSystem)
        let planner = DeployPlanner(fileSystem: fileSystem, root: root, now: context.now(), host: context.hostName, user: context.userName)
        let executor = PlanExecutor(fileSystem: fileSystem, console: console, environment: context.environment)

        // An archive is extracted first (into staging, or a scratch folder for a dry run) so the
        // release can be classified; that step leads the printed plan.
        var prelude: [DeployOperation] = []
        var scratch: String?
        defer { if let scratch { try? fileSystem.removeTree(at: scratch) } }
        // An in-place site being adopted is older than the new release: its id comes first.
        let reserved: Set<String> = state.current == .inPlaceDirectory
            ? [ReleaseID.next(at: context.now(), taken: state.usedIDs)] : []
        let target: ReleaseTarget
        if case .archive(let archive) = request.source {
            guard (try? fileSystem.type(at: archive)) != nil else {
                throw ToolError("The archive '\(archive)' does not exist.", hint: "Check the --from path.")
            }
            let id = ReleaseID.next(at: context.now(), taken: state.usedIDs.union(reserved))
            let staging = root.release(".staging-\(id)")
            let extractTo = options.dryRun ? try scratchDirectory() : staging
            if options.dryRun { scratch = extractTo }
            let extract = DeployOperation.extractRelease(archive: archive, to: staging)
            try executor.apply([.createDirectory(path: PathName.parent(extractTo)), .extractRelease(archive: archive, to: extractTo)][...], root: root.path)
            prelude = [.createDirectory(path: root.releases), extract, .publishRelease(from: staging, to: root.release(id))]
            target = ReleaseTarget(id: id, contentDirectory: extractTo, staging: prelude)
        } else {
            target = try planner.target(for: request, state: state, reservedIDs: reserved)
        }

        let classification = try Classifier(fileSystem: fileSystem).classify(appDirectory: target.contentDirectory)
        let plan = try planner.plan(request, target: target, classification: classification, state: state, prelude: target.staging)

        var report = DeployReport(
            release: plan.releaseID, activated: false, paths: plan.paths, removedReleases: plan.removedReleases,
            warnings: plan.warnings, operations: nil)
        if options.dryRun {
            report.operations = plan.operations.map { PlannedOperationJSON(op: $0.name, description: $0.describe(relativeTo: root.path)) }
            return report
        }

        if request.backupFirst {
            try backUpShared()
        }

        // The archive's extraction already ran; apply the rest, and hold back cleanup until a
        // `--verify` has passed.
        let firstToApply = prelude.isEmpty ? 0 : 2
        let cleanupStart = plan.operations.firstIndex { if case .removeRelease = $0 { true } else { false } } ?? plan.operations.count
        try executor.apply(plan.operations[firstToApply..<cleanupStart], root: root.path, counted: firstToApply)
        report.activated = plan.activates

        if plan.activates, let command = options.verifyCommand {
            try verify(command, plan: plan, executor: executor)
        }
        try executor.apply(plan.operations[cleanupStart...], root: root.path, counted: cleanupStart)
        if plan.activates, let publicHTML = request.publicHTML {
            if request.syncPublicHTML {
                try syncPublicHTML(publicHTML, plan: plan)
            } else {
                let message = try PublicHTML.link(publicHTML: publicHTML, root: root, webRoot: plan.classification.webRoot, fileSystem: context.fileSystem)
                console.say(message)
            }
        }
        return report
    }

    /// `--backup`: a snapshot of shared/ under the deploy's own lock, before anything changes.
    private func backUpShared() throws(ToolError) {
        guard (try? context.fileSystem.isDirectory(root.shared, followSymlink: true)) == true else {
            console.say("No shared/ yet, so there is nothing to back up before this first deploy.")
            return
        }
        let store = BackupStore(root: root, fileSystem: context.fileSystem as? LocalFileSystem ?? LocalFileSystem(), now: context.now)
        let paths = try BackupStore.persistentPaths(root: root, fileSystem: context.fileSystem)
        let info = try store.create(persistentPaths: paths, keep: 24, console: console)
        console.say("Backed up shared/ as backups/\(info.id) (\(Text.count(info.files, "file"))) before deploying.")
    }

    /// `--public-html PATH --sync`: the served folder stays real; the release's web root is
    /// copied in, and only what the previous sync copied and this release no longer ships is removed.
    private func syncPublicHTML(_ publicHTML: String, plan: DeployPlan) throws(ToolError) {
        let fileSystem = context.fileSystem
        guard let record = try PersistenceRecord.load(from: root, fileSystem: fileSystem) else {
            throw ToolError("'\(root.configRecord)' is missing after the deploy.", hint: "Run 'persist-deploy generate', then the deploy again.")
        }
        let webRoot = PathName.join(plan.releasePath, record.webRoot)
        let shipped: [String]
        do {
            shipped = try fileSystem.files(under: webRoot)
        } catch {
            throw ToolError.system(error, while: "Listing the web root '\(webRoot)'")
        }
        let previous = (try? fileSystem.readFile(at: root.publicHTMLShipped))
            .flatMap { try? JSONDecoder().decode([String].self, from: Data($0)) } ?? []
        let report = try PublicHTML.sync(
            publicHTML: publicHTML, root: root, record: record, release: plan.releasePath, shipped: shipped,
            previouslyShipped: previous, allowLinks: false, fileSystem: fileSystem)
        do {
            try fileSystem.writeText("[" + shipped.map(Text.jsonString).joined(separator: ",") + "]\n", to: root.publicHTMLShipped)
        } catch {
            throw ToolError.system(error, while: "Recording what was synced into '\(publicHTML)'")
        }
        console.say("Synced '\(publicHTML)': \(Text.count(report.copied.count, "file")) copied, \(report.removed.count) removed.")
        for note in report.notes { console.warn(note) }
    }

    private func ensureRootExists() throws(ToolError) {
        if root.path == "/" {
            throw ToolError("The deploy root is '/'.", hint: "Pass --root with the folder that holds (or will hold) releases/, shared/ and current.")
        }
        do {
            try context.fileSystem.createDirectory(at: root.path, permissions: 0o755)
        } catch {
            throw ToolError.system(error, while: "Creating the deploy root '\(root.path)'")
        }
    }

    private func scratchDirectory() throws(ToolError) -> String {
        let base = context.environment["TMPDIR"] ?? "/tmp"
        var template = Array(PathName.join(base, "persist-deploy-plan-XXXXXX").utf8CString)
        guard mkdtemp(&template) != nil else {
            throw ToolError("Could not make a scratch folder in '\(base)' to read the archive.", hint: "Set TMPDIR to a writable folder.")
        }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs the health gate; on failure switches back to the previous release and records the
    /// new one as bad.
    private func verify(_ command: String, plan: DeployPlan, executor: PlanExecutor) throws(ToolError) {
        console.say("Verifying with: \(command)")
        var environment = context.environment
        environment["PERSIST_DEPLOY_RELEASE"] = plan.releaseID
        environment["PERSIST_DEPLOY_ROOT"] = root.path
        let status: Int32
        do {
            status = try Subprocess.shell(command, environment: environment)
        } catch {
            throw ToolError.system(error, while: "Running the --verify command")
        }
        guard status != 0 else { return }
        let time = Timestamp.iso8601(context.now())
        let bad = HistoryRecord(release: plan.releaseID, time: time, outcome: .bad, framework: plan.classification.framework,
                                paths: [], host: context.hostName, user: context.userName)
        var steps: [DeployOperation] = [.appendHistory(root: root.path, shared: root.shared, line: Text.json(bad))]
        if let previous = plan.previousLiveID {
            let back = HistoryRecord(release: previous, time: time, outcome: .rolledBack, framework: plan.classification.framework,
                                     paths: [], host: context.hostName, user: context.userName)
            steps.insert(.switchCurrent(root: root.path, releaseID: previous), at: 0)
            steps.append(.appendHistory(root: root.path, shared: root.shared, line: Text.json(back)))
        }
        try executor.apply(steps[...], root: root.path)
        throw ToolError(
            "The --verify command failed (exit \(status)) after releases/\(plan.releaseID) went live.",
            hint: plan.previousLiveID.map { "'current' was switched back to releases/\($0); the new release is marked bad. Nothing in shared/ was changed." }
                ?? "There was no previous release to go back to; the new release stays live and is marked bad.")
    }
}
