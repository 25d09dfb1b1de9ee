/// Applying a plan so that an exit 1 means nothing went live: everything that can refuse runs
/// before the switch; what fails after it puts the previous release back or says plainly that
/// the new one is live.
extension Deployer {
    func apply(
        _ plan: DeployPlan, request: DeployRequest, executor: PlanExecutor, madeHere: Bool, report: inout DeployReport,
        options: DeployOptions
    ) throws(ToolError) {
        let operations = plan.operations
        // An archive's extraction already ran, before it could be classified.
        let first = operations.count > 1 && operations[1].name == "extractRelease" ? 2 : 0
        let tailStart = Self.afterVerifyStart(operations)
        let switchAt = operations.firstIndex { operation in
            if case .switchCurrent(_, let id) = operation { id == plan.releaseID } else { false }
        }

        try discardOnRefusal(madeHere ? plan.releaseID : nil) { () throws(ToolError) in
            try executor.apply(operations[first..<(switchAt ?? tailStart)], root: root.path, counted: first)
        }
        guard let switchAt else {
            return try executor.apply(operations[tailStart...], root: root.path, counted: tailStart)
        }
        do throws(ToolError) {
            try executor.apply(operations[switchAt..<tailStart], root: root.path, counted: switchAt)
        } catch {
            guard currentPoints(at: plan.releaseID) else { throw error }
            throw putBack(after: error, plan: plan, executor: executor)
        }
        report.activated = true

        if let command = options.verifyCommand {
            try verify(command, plan: plan, executor: executor)
        }
        // What the app wrote into the old release moves aside and old releases go only after the
        // deploy is done (a failed --verify puts the old release back whole). A failure there
        // stops the rest (nothing is removed past a move that did not happen) and is a warning:
        // the new release is live, and the next deploy finishes the job.
        do throws(ToolError) {
            try executor.apply(operations[tailStart...], root: root.path, counted: tailStart)
        } catch {
            let stopped = operations[tailStart...].compactMap { operation -> String? in
                if case .removeRelease(let path, _, _) = operation, (try? context.fileSystem.exists(path)) == true { return PathName.basename(path) }
                return nil
            }
            report.removedReleases.removeAll { stopped.contains($0) }
            report.warnings.append("\(error.message) releases/\(plan.releaseID) is live; the next deploy finishes this cleanup.")
        }
        if let publicHTML = request.publicHTML {
            do throws(ToolError) {
                if request.syncPublicHTML {
                    try syncPublicHTML(publicHTML, plan: plan)
                } else {
                    let message = try PublicHTML.link(publicHTML: publicHTML, root: root, webRoot: plan.classification.webRoot, fileSystem: context.fileSystem)
                    console.say(message)
                }
            } catch {
                throw ToolError(
                    "releases/\(plan.releaseID) is live, but the served folder was not updated: \(error.message)",
                    hint: error.hint, activated: true, live: plan.releaseID)
            }
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

    /// After a failure past the switch: `current` goes back to the release that was live before,
    /// or, when there is none or that fails too, the error says the new release is live.
    func putBack(after failure: ToolError, plan: DeployPlan, executor: PlanExecutor) -> ToolError {
        let new = plan.releaseID
        guard let previous = plan.previousLiveID else {
            return ToolError(
                "releases/\(new) is live, but the deploy did not finish: \(failure.message)",
                hint: (failure.hint.map { $0 + " " } ?? "") + "There was no earlier release to put back. Nothing in shared/ was lost.",
                activated: true, live: new)
        }
        do throws(ToolError) {
            try executor.apply([.switchCurrent(root: root.path, releaseID: previous)][...], root: root.path)
        } catch {
            return ToolError(
                "releases/\(new) is live, but the deploy did not finish: \(failure.message) Putting releases/\(previous) back failed too: \(error.message)",
                hint: "Run 'persist-deploy rollback --to \(previous)' once the cause is fixed, or leave the new release live. Nothing in shared/ was lost.",
                activated: true, live: new)
        }
        return ToolError(
            "\(failure.message) This came after the switch, so current was put back to releases/\(previous); releases/\(new) is not live.",
            hint: (failure.hint.map { $0 + " " } ?? "") + "Nothing in shared/ was lost; deploy again once the cause is fixed.",
            activated: false, live: previous)
    }

    private func currentPoints(at id: String) -> Bool {
        (try? context.fileSystem.readSymlink(at: root.current)) == "releases/\(id)"
    }

    /// Runs `body`; when it refuses, the release this deploy made (`id`, published or still in
    /// staging) is removed at once, so a refused upload leaves nothing behind to be deployed by
    /// mistake. Its shared/ paths are links or were moved there: nothing of the data goes.
    func discardOnRefusal<T>(_ id: String?, _ body: () throws(ToolError) -> T) throws(ToolError) -> T {
        do throws(ToolError) {
            return try body()
        } catch {
            guard let id else { throw error }
            let executor = PlanExecutor(fileSystem: context.fileSystem, console: nil)
            let staging = root.release(".staging-\(id)")
            let release = root.release(id)
            let made = [staging, release].filter { (try? context.fileSystem.exists($0)) == true }
            // Never live, so nothing of the app's is in it: back to its staging name (a stop
            // halfway leaves a leftover, not a release that looks whole), then removed.
            var leftovers: [DeployOperation] = [.removeLeftover(path: staging)]
            if made.contains(release) { leftovers.append(.publishRelease(from: release, to: staging)) }
            leftovers += [.removeLeftover(path: staging), .removeLeftover(path: root.manifest(of: id)), .removeLeftover(path: root.treeManifest(of: id))]
            var refused = error
            if !made.isEmpty, (try? executor.apply(leftovers[...], root: root.path)) != nil {
                refused.hint = (error.hint.map { $0 + " " } ?? "") + "The new release's folder was removed; shared/ keeps everything."
            }
            throw refused
        }
    }

    /// The flag given, or a yes at a terminal; otherwise `refusal`.
    func confirm(_ options: DeployOptions, question: String, refusal: ToolError) throws(ToolError) -> Bool {
        guard let prompter = options.prompter, prompter.isTerminal else { throw refusal }
        let answer = Text.trimmed(prompter.ask(question) ?? "").lowercased()
        guard answer == "y" || answer == "yes" else { throw refusal }
        return true
    }

    func adoptionRefusal() -> ToolError {
        ToolError(
            "'\(root.current)' is a real folder, not a link: a site deployed in place. Deploying here adopts it: "
                + "the folder becomes a release under releases/ and its users' files move into shared/.",
            hint: "Nothing was changed. If '\(root.path)' is the right deploy root, run the deploy again with --adopt "
                + "(see what it would do first with 'persist-deploy plan' and the same options).")
    }

    static func reclassifyQuestion(_ paths: [ClassifiedPath], root: DeployRoot) -> String {
        let names = paths.map { "'\($0.path)'" }.joined(separator: ", ")
        return "\(names) \(paths.count == 1 ? "was" : "were") persistent and \(paths.count == 1 ? "is" : "are") now classified asset: "
            + "the release's own copy replaces the link, and the data stays in \(root.shared). Go on? [y/N] "
    }
}
