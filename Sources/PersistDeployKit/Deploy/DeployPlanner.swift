/// A deploy worked out in full before anything changes: the operations in order, and what they
/// will mean for each persistent path.
package struct DeployPlan: Sendable {
    package var releaseID: String
    package var releasePath: String
    package var operations: [DeployOperation]
    package var paths: [PathRecord]
    package var warnings: [String]
    package var removedReleases: [String]
    package var classification: Classification
    package var activates: Bool
    /// The release that was live before (the one `--verify` falls back to).
    package var previousLiveID: String?
}

/// Turns the classification and the state on disk into an ordered list of operations. It only
/// reads; `PlanExecutor` applies the result.
package struct DeployPlanner {
    let fileSystem: any FileSystem
    let root: DeployRoot
    let now: Date
    let host: String
    let user: String
    /// Where running processes are listed (`/proc`), to keep releases still in use.
    package var processTable = "/proc"
    /// This process, which never counts as using a release.
    package var ownPID: Int32 = 0

    package init(fileSystem: any FileSystem, root: DeployRoot, now: Date, host: String, user: String) {
        self.fileSystem = fileSystem
        self.root = root
        self.now = now
        self.host = host
        self.user = user
    }

    /// The whole plan for deploying `target`, whose app model is `classification`.
    package func plan(
        _ request: DeployRequest, target: ReleaseTarget, classification: Classification, state: DeployState,
        prelude: [DeployOperation] = []
    ) throws(ToolError) -> DeployPlan {
        do {
            return try makePlan(request, target: target, classification: classification, state: state, prelude: prelude)
        } catch let error as ToolError {
            throw error
        } catch let error as SystemCallError {
            throw ToolError.system(error, while: "Planning the deploy")
        } catch {
            throw ToolError("Planning the deploy of '\(target.contentDirectory)' failed: \(error).", hint: "Nothing was changed. Run it again with --verbose, and report it if it repeats.")
        }
    }

    private func makePlan(
        _ request: DeployRequest, target: ReleaseTarget, classification: Classification, state: DeployState,
        prelude: [DeployOperation]
    ) throws -> DeployPlan {
        try checkRoot()
        let allowed = try checkBeforeChanging(request, classification: classification, state: state, content: target.contentDirectory)
        var operations = prelude
        let persistent = persistentPaths(classification, record: state.record)
        let exclusions = driftExclusions(classification, record: state.record, persistent: persistent)
        for leftover in state.leftovers {
            // A release whose removal a crash interrupted is finished the way cleanup does it:
            // what the app wrote into it goes to left-behind/ first.
            operations.append(
                PathName.basename(leftover).hasPrefix(".removing-")
                    ? .removeRelease(path: leftover, exclusions: exclusions, compareWith: nil)
                    : .removeLeftover(path: leftover))
        }
        operations += historyRotation(state: state, framework: classification.framework)
        // A path's own warning ("matched no rule") is given by the first deploy that finds it.
        let warnedBefore = Set((state.record?.warnedPaths ?? []).map(NameBytes.Key.init))
        let repeated = Set(classification.pathWarnings.filter { warnedBefore.contains(NameBytes.Key($0.key)) }.map(\.value))
        var warnings = classification.warnings.filter { !repeated.contains($0) } + allowed
        warnings += try caseOnlyRenameWarnings(persistent)
        let releasePath = root.release(target.id)

        // The live release, where its content can be read now, and where it will be once an
        // in-place site has been adopted.
        var live: LiveRelease?
        var adoptedID: String?
        switch state.current {
        case .inPlaceDirectory:
            let id = ReleaseID.next(at: now, taken: state.usedIDs.union([target.id]))
            adoptedID = id
            live = LiveRelease(id: id, content: root.current, path: root.release(id))
            operations.append(.adoptInPlaceSite(current: root.current, release: root.release(id)))
        case .release(let id, true) where id != target.id && state.interruptedAdoption == nil:
            live = LiveRelease(id: id, content: root.release(id), path: root.release(id))
        case _ where state.interruptedAdoption != nil:
            // A crash came between renaming the in-place site into releases/ and pointing
            // `current` at it: put the site back first, then finish adopting it.
            let id = state.interruptedAdoption ?? ""
            adoptedID = id
            live = LiveRelease(id: id, content: root.release(id), path: root.release(id))
            operations.append(.switchCurrent(root: root.path, releaseID: id))
        case .release(let id, false):
            warnings.append("'current' points at releases/\(id), which does not exist; the new release replaces it.")
        case .foreignLink(let text):
            throw ToolError(
                "'\(root.current)' is a link to '\(text)', not to a release under releases/.",
                hint: "Move it aside (mv current current.old) and deploy again; nothing was changed.")
        default: break
        }
        let liveManifest = live.flatMap { ReleaseManifest.load($0.id, root: root, fileSystem: fileSystem) }
        let liveTree = live.flatMap { loadTree(of: $0.id) }

        var drift = DriftDecision()
        // The tool's own leftovers in the live release are removed first, not the app's writes.
        let liveLeftovers = live.map { live in state.leftovers.compactMap { PathName.relative($0, to: live.path) } } ?? []
        // Also with --no-activate: Deployer's and Capistrano's recipes switch `current` themselves
        // right after this returns.
        if let live {
            drift = try guardLiveRelease(
                live, tree: liveTree, newContent: target.contentDirectory, persistent: persistent.map(\.path), exclusions: DriftExclusions(exclusions + liveLeftovers),
                webRoot: classification.webRoot, leaveBehind: request.leaveBehind)
            warnings += drift.warnings
        }

        if !(try fileSystem.isDirectory(root.shared, followSymlink: true)) {
            operations.append(.createDirectory(path: root.shared))
        }
        // The manifest is written before the release changes, so a rerun after a crash still
        // knows what the release shipped in folders the first run already moved to shared/.
        let manifestIndex = operations.count
        let earlierManifest = ReleaseManifest.load(target.id, root: root, fileSystem: fileSystem)
        let recordPaths = mergedRecordPaths(classification, record: state.record)
        let served = try request.servedFolder.map { folder in
            try planServedFolder(
                folder, paths: recordPaths, webRoot: classification.webRoot, framework: classification.framework, releaseID: target.id,
                content: target.contentDirectory, request: request, state: state)
        }
        warnings += served?.warnings ?? []
        var records: [PathRecord] = []
        var links: [NameBytes.Key: String] = [:]
        var awaiting: [String] = []
        var shipped: [String: [String]] = [:]
        let persistentOnDisk = try withKindsOnDisk(persistent, content: target.contentDirectory, live: live)
        for path in persistentOnDisk {
            let linkedToServed = served?.beforeSeeding[path.path]
            operations += linkedToServed ?? []
            let step = try planPersistentPath(
                path, request: request, releasePath: releasePath, content: target.contentDirectory,
                live: live, liveManifest: liveManifest, liveTree: liveTree, framework: classification.framework, record: state.record,
                sharedLinkedToServed: linkedToServed != nil)
            operations += step.operations
            warnings += step.warnings
            records.append(PathRecord(path: path.path, class: path.class, action: step.action, added: step.added, shadowed: step.shadowed))
            links[NameBytes.Key(PathName.join(releasePath, path.path))] = step.linkText
            if step.awaitsApp { awaiting.append(PathName.join(releasePath, path.path)) }
            if let files = step.shipped ?? earlierManifest?.shipped[path.path] { shipped[path.path] = files }
        }
        for path in classification.paths where path.linkTarget != nil {
            let step = try planAppLink(path, releasePath: releasePath, content: target.contentDirectory)
            operations += step.operations
            links[NameBytes.Key(PathName.join(releasePath, path.path))] = step.linkText
        }
        let writableCache = try laravelWritableCache(classification, releasePath: releasePath, content: target.contentDirectory)
        operations += writableCache + releaseWritableGrants(writableCache, request: request)

        let ownLinks = classification.paths.compactMap { path in path.linkTarget.map { ReleaseManifest.AppLink(path: path.path, target: $0) } }
        let manifest = ReleaseManifest(release: target.id, shipped: shipped, appLinks: ownLinks)
        operations.insert(contentsOf: [
            .createDirectory(path: root.manifests),
            .writeFile(path: root.manifest(of: target.id), contents: manifest.json, permissions: 0o644),
        ], at: manifestIndex)
        operations.append(.verifyLinks(release: releasePath, links: links, awaiting: awaiting))
        // Before the release's tree is recorded: what the hook writes (config:cache) ships with it.
        if let command = request.hooks.beforeSwitch {
            operations.append(.runHook(hook(.beforeSwitch, command, request: request, target: target.id, previous: live?.id)))
        }
        let disposable = disposablePaths(classification, record: state.record)
        if let adoptedID, loadTree(of: adoptedID) == nil {
            // An adopted site has no record of what it shipped; from now on, what it holds once
            // its data is in shared/ is what it shipped, so later writes into it are seen.
            operations.append(.recordReleaseTree(release: root.release(adoptedID), manifest: root.treeManifest(of: adoptedID), disposable: disposable))
        }
        if try recordsTree(of: target.id, state: state) {
            operations.append(.recordReleaseTree(release: releasePath, manifest: root.treeManifest(of: target.id), disposable: disposable))
        }

        let time = Timestamp.iso8601(now)
        var recorded = classification
        let kinds = Dictionary(persistentOnDisk.map { ($0.path, $0.kind) }, uniquingKeysWith: { a, _ in a })
        recorded.paths = recordPaths.map { path in
            var path = path
            path.kind = kinds[path.path] ?? path.kind
            return path
        }
        var record = PersistenceRecord(classification: recorded, root: root, updated: time)
        let warned = Set(((state.record?.warnedPaths ?? []) + classification.pathWarnings.keys).map(NameBytes.Key.init))
        record.warnedPaths = warned.isEmpty ? nil : warned.sorted().map(\.string)
        record.webUser = request.webAccess?.user?.name
        record.webGroup = request.webAccess?.group.name
        record.servedFolder = request.activate ? request.servedFolder ?? state.record?.servedFolder : state.record?.servedFolder
        let servedData = served?.servedData ?? state.record?.servedData ?? []
        record.servedData = servedData.isEmpty ? nil : servedData
        // Everything that can still refuse the release runs before the switch (data rule 5):
        // the checks `health-check` makes, then every write into shared/ that can fail (a full
        // disk, an immutable or read-only shared/), so an exit 1 means nothing went live.
        if try sharedNeedsProtection(request) { operations.append(.protectToolFiles(shared: root.shared)) }
        operations.append(.checkRelease(release: releasePath, record: record))
        operations.append(.writeFile(path: root.configRecord, contents: Text.json(record, pretty: true) + "\n", permissions: 0o644))
        let history = HistoryRecord(release: target.id, time: time, outcome: request.activate ? .activated : .prepared,
                                    framework: classification.framework, paths: records, host: host, user: user)
        // The safety net is rendered now, from the record and history this deploy will leave.
        let historyAfter = DeploymentHistory.recent(root, fileSystem: fileSystem, limit: DeploymentHistory.guideRecords - 1) + [history]
        let liveIndex = classification.framework == .laravel
            ? try? fileSystem.readText(at: PathName.join(target.contentDirectory, classification.webRoot, "index.php")) : nil
        for file in try SafetyNet.render(root: root, record: record, history: historyAfter, publicHTML: nil, liveIndex: liveIndex) {
            operations.append(.writeFile(path: root.sharedPath(file.name), contents: file.text, permissions: file.permissions))
        }
        if let adoptedID {
            let adopted = HistoryRecord(release: adoptedID, time: time, outcome: .adopted, framework: classification.framework,
                                        paths: records.filter { $0.action == .adopted }, host: host, user: user)
            operations.append(.appendHistory(root: root.path, shared: root.shared, line: Text.json(adopted)))
            operations.append(.removeLeftover(path: root.adoptionMarker))
        }
        // The served folder's persistent folders change after every check and hook that can stop
        // the deploy (a served folder turned from a link into a real one shows nothing until the sync).
        operations += served?.beforeSwitch ?? []
        // Copying a release in takes seconds in which the app keeps writing: what it wrote into
        // the live release meanwhile is looked for once more, just before the switch.
        if let live, operations.contains(where: { if case .copyRelease = $0 { true } else if case .extractRelease = $0 { true } else { false } }) {
            operations.append(.recheckLiveRelease(LiveRecheck(
                root: root, id: live.id, release: live.path, compareWith: releasePath,
                excluding: exclusions + liveLeftovers + drift.found,
                persistent: persistent.map(\.path), webRoot: classification.webRoot)))
        }
        if request.activate {
            operations.append(.switchCurrent(root: root.path, releaseID: target.id))
            operations += served?.afterSwitch ?? []
        }
        // The one write after the switch: the history states a fact only once it is true. If it
        // fails, the deployer puts the previous release back.
        operations.append(.appendHistory(root: root.path, shared: root.shared, line: Text.json(history)))
        if request.activate, let command = request.hooks.afterSwitch {
            operations.append(.runHook(hook(.afterSwitch, command, request: request, target: target.id, previous: live?.id)))
        }
        // Last with the removals: what the app wrote into the old release moves aside only once
        // `--verify` passed (a failed one puts that release back, whole).
        operations += drift.afterSwitch

        warnings += ReleaseHygiene.findings(appDirectory: target.contentDirectory, webRoot: classification.webRoot, fileSystem: fileSystem)
            .map { "\($0.path) \($0.message)." }

        var removed: [String] = []
        if request.activate {
            var cleanup = releasesToRemove(state: state, newID: target.id, previousLive: live?.id, keep: request.keep)
            cleanup = keepingReleasesInUse(cleanup, warnings: &warnings)
            removed = cleanup
            operations += cleanupOperations(cleanup, exclusions: exclusions, compareWith: releasePath)
        }
        return DeployPlan(
            releaseID: target.id, releasePath: releasePath, operations: operations.withoutRepeatedDirectories(existing: { (try? fileSystem.isDirectory($0)) == true }), paths: records, warnings: warnings,
            removedReleases: removed, classification: classification, activates: request.activate, previousLiveID: live?.id)
    }
}
