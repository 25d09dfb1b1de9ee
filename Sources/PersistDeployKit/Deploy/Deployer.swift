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
    /// Run as root on a root another user owns: `user:group` that what the deploy creates gets.
    package var owner: String?
    /// The web user and group shared/ was opened to (`--web-user`, `--web-group`).
    package var webUser: String?
    package var webGroup: String?
}

/// Extra steps around the plan that only a real run does.
package struct DeployOptions: Sendable {
    package var dryRun = false
    package var waitSeconds = 0
    /// A shell command run after the switch; on failure the previous release is put back.
    package var verifyCommand: String?
    /// Where a yes can be asked (adopting an in-place site, reclassifying a persistent path);
    /// nil or not a terminal: the flag is needed.
    package var prompter: Prompter?
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
        var request = request
        try root.refuseUnsafeDestinations(fileSystem: context.fileSystem)
        // Asked before the root is touched at all (not even the lock): a mistyped --root must
        // leave someone's site exactly as it was.
        var notes: [String] = []
        if try DeployState.read(root, fileSystem: context.fileSystem).current == .inPlaceDirectory && !request.adopt {
            if options.dryRun {
                notes.append("'\(root.current)' is a real folder (a site deployed in place): the deploy itself needs --adopt to move it into releases/.")
            } else {
                request.adopt = try confirm(options, question: "'\(root.current)' is a real folder: a site deployed in place. Adopt it (it becomes a release, current links to it)? [y/N] ",
                                            refusal: adoptionRefusal())
            }
        }
        if options.dryRun { return try deploy(request, options: options, notes: notes) }
        let createdRoot = try ensureRootExists(for: request)
        let lock = try DeployLock.acquire(
            root: root, command: commandName, waitSeconds: options.waitSeconds, context: context, notice: console.notice)
        // The lock file is the tool's own: made as root, the deploy user could not lock next time.
        try? (context.fileSystem as? OwningFileSystem)?.claim(root.lockFile)
        do {
            // A killed restore's copies beside persistent paths are provably its own: cleaned first.
            try BackupStore(root: root, now: context.now).cleanUpInterruptedRestore(console: console)
            try root.recordShared(fileSystem: context.fileSystem)
            // A killed adoption of a live path into shared/: its data is in no record until finished.
            try Recovery(fileSystem: context.fileSystem, now: context.now(), environment: context.environment)
                .finishInterruptedAdoption(root: root, say: console.warn)
            let report = try deploy(request, options: options, notes: notes)
            lock.release()
            return report
        } catch {
            // A first deploy that failed leaves no trace in the root it created: no lock file,
            // and no empty folders (anything with content stays).
            if createdRoot {
                clearFailedFirstDeploy()
                lock.releaseRemovingFile(thenEmpty: [root.manifests, root.state, root.releases, root.shared, root.path])
            } else {
                lock.release()
            }
            throw error
        }
    }

    /// The deploy itself, under the lock when it is real.
    private func deploy(_ request: DeployRequest, options: DeployOptions, notes: [String]) throws(ToolError) -> DeployReport {
        let fileSystem = context.fileSystem
        var notes = notes
        // SIGINT/SIGTERM stop a real deploy between operations (or kill a running hook) instead
        // of at a random moment; see `interrupted`.
        let interruption = options.dryRun ? nil : Interruption.begin()
        defer { interruption?.end() }
        let state = try DeployState.read(root, fileSystem: fileSystem)
        if state.current == .inPlaceDirectory && !request.adopt && !options.dryRun { throw adoptionRefusal() }
        var planner = DeployPlanner(fileSystem: fileSystem, root: root, now: context.now(), host: context.hostName, user: context.userName)
        planner.ownPID = context.processID
        let onDisk = fileSystem is LocalFileSystem || (fileSystem as? OwningFileSystem)?.base is LocalFileSystem
        let executor = PlanExecutor(
            fileSystem: fileSystem, console: console, environment: context.environment, interruption: interruption, aclSupport: onDisk)

        // An archive is extracted first (into staging, or a scratch folder for a dry run) so the
        // release can be classified; that step leads the printed plan.
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
            // An archive whose files sit under one top folder: the app inside it is the release.
            let (dropped, appFolder) = try discardOnRefusal(options.dryRun ? nil : id) { () throws(ToolError) in
                try executor.apply([.createDirectory(path: PathName.parent(extractTo))][...], root: root.path)
                let dropped = try executor.extractRelease(archive, into: extractTo, counted: 1)
                return (dropped, try ArchiveLayout.appFolder(in: extractTo, archive: archive, fileSystem: fileSystem))
            }
            notes += dropped
            let prelude: [DeployOperation]
            if let appFolder {
                prelude = [.createDirectory(path: root.releases), extract,
                           .publishRelease(from: PathName.join(staging, appFolder), to: root.release(id)), .removeLeftover(path: staging)]
                target = ReleaseTarget(id: id, contentDirectory: PathName.join(extractTo, appFolder), staging: prelude)
            } else {
                prelude = [.createDirectory(path: root.releases), extract, .publishRelease(from: staging, to: root.release(id))]
                target = ReleaseTarget(id: id, contentDirectory: extractTo, staging: prelude)
            }
        } else {
            target = try planner.target(for: request, state: state, reservedIDs: reserved)
        }

        var request = request
        let madeHere: String? = target.staging.isEmpty || options.dryRun ? nil : target.id
        let plan = try discardOnRefusal(madeHere) { () throws(ToolError) in
            let classification = try Classifier(fileSystem: fileSystem).classify(appDirectory: target.contentDirectory)
            try resolveSettings(&request, appDirectory: target.contentDirectory, record: state.record, verify: options.verifyCommand)
            request.servedFolder = resolveServedFolder(request, record: state.record)
            let reclassified = planner.reclassifiedPaths(classification, record: state.record)
            if !reclassified.isEmpty && !request.reclassify && !options.dryRun {
                request.reclassify = try confirm(options, question: Self.reclassifyQuestion(reclassified, root: root),
                                                 refusal: DeployPlanner.reclassifyRefusal(reclassified, root: root))
            }
            return try planner.plan(request, target: target, classification: classification, state: state, prelude: target.staging)
        }

        var report = DeployReport(
            release: plan.releaseID, activated: false, paths: plan.paths, removedReleases: plan.removedReleases,
            warnings: plan.warnings + notes, operations: nil)
        report.owner = (fileSystem as? OwningFileSystem).map { context.accounts.describe(user: $0.user, group: $0.group) }
        report.webUser = request.webAccess?.user?.name
        report.webGroup = request.webAccess?.group.name
        if options.dryRun {
            report.operations = plan.operations.map { PlannedOperationJSON(op: $0.name, description: $0.describe(relativeTo: root.path)) }
            return report
        }

        if request.backupFirst {
            try discardOnRefusal(madeHere) { () throws(ToolError) in try backUpShared() }
        }

        // The archive's extraction already ran; apply the rest.
        let firstToApply = plan.operations.count > 1 && plan.operations[1].name == "extractRelease" ? 2 : 0
        do {
            try apply(plan, from: firstToApply, executor: executor, request: request, report: &report, madeHere: madeHere != nil)
        } catch {
            if let signal = interruption?.received {
                throw interrupted(by: signal, plan: plan, request: request)
            }
            throw error
        }
        report.warnings += executor.notes.all
        if plan.activates, let served = request.servedFolder {
            console.say(served.mode == .link
                ? "'\(served.path)' links to the live web root."
                : "Synced the web root of releases/\(plan.releaseID) into '\(served.path)'.")
        }
        return report
    }


    /// A first deploy that failed in a root it created, before anything went live: the record,
    /// scripts and guides it wrote into shared/ go (they describe a deploy that did not happen),
    /// and shared/ itself when it holds no file; data seeded there stays, and so does the
    /// history when it marks the release failed (a later deploy must not pick that release).
    private func clearFailedFirstDeploy() {
        let fileSystem = context.fileSystem
        guard (try? fileSystem.type(at: root.current)) == nil else { return }
        try? fileSystem.removeTree(at: root.sharedRecord)
        for name in DeployRoot.toolFilesInShared where name != PathName.basename(root.historyFile) {
            try? fileSystem.removeTree(at: root.sharedPath(name))
        }
        if let entries = try? fileSystem.walk(root.shared), !entries.contains(where: { $0.status.type == .file || $0.status.type == .other }) {
            try? fileSystem.removeTree(at: root.shared)
        }
    }

    /// Where the steps that wait for `--verify` begin: the trailing moves of what the app wrote
    /// into the old release and the removal of old releases (a failed verify puts the old
    /// release back live, whole).
    static func afterVerifyStart(_ operations: [DeployOperation]) -> Int {
        var start = operations.count
        while start > 0 {
            switch operations[start - 1] {
            case .leaveBehind, .removeRelease: start -= 1
            default: return start
            }
        }
        return start
    }

    /// Creates a missing deploy root, saying so (a mistyped `--root` must not pass unseen), but
    /// only for a deploy that brings its release with it: a new root holds no release to deploy.
    /// Returns true when it created the root.
    private func ensureRootExists(for request: DeployRequest) throws(ToolError) -> Bool {
        if root.path == "/" {
            throw ToolError("The deploy root is '/'.", hint: "Pass --root with the folder that holds (or will hold) releases/, shared/ and current.")
        }
        guard (try? context.fileSystem.type(at: root.path)) == nil else { return false }
        switch request.source {
        case .directory(let path), .archive(let path):
            guard (try? context.fileSystem.type(at: path)) != nil else {
                throw ToolError("'\(path)' does not exist.", hint: "Check the --from path. Nothing was changed; '\(root.path)' was not created.")
            }
        case .existing, .newestNotLive:
            throw ToolError(
                "The deploy root '\(root.path)' does not exist, so it holds no release to deploy.",
                hint: "Check --root (or PERSIST_DEPLOY_ROOT); for a first deploy pass --from DIR|FILE.tar.gz. Nothing was changed.")
        }
        console.notice("The deploy root '\(root.path)' does not exist; creating it.")
        do {
            try context.fileSystem.createDirectory(at: root.path, permissions: 0o755)
        } catch {
            throw ToolError.system(error, while: "Creating the deploy root '\(root.path)'")
        }
        return true
    }

    private func scratchDirectory() throws(ToolError) -> String {
        let base = context.environment["TMPDIR"] ?? "/tmp"
        guard let scratch = try? SystemCall.makeTemporaryDirectory(PathName.join(base, "persist-deploy-plan-XXXXXX")) else {
            throw ToolError("Could not make a scratch folder in '\(base)' to read the archive.", hint: "Set TMPDIR to a writable folder.")
        }
        return scratch
    }

}
