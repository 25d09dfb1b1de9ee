/// What keeps "exit 1 means nothing went live" around the switch: a refused release removed at
/// once, a failure after the switch put back, and the questions a deploy may ask first.
extension Deployer {
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

    func currentPoints(at id: String) -> Bool {
        (try? context.fileSystem.readSymlink(at: root.current)) == "releases/\(id)"
    }

    /// Runs `body`; when it refuses, the release this deploy made (`id`, published or still in
    /// staging) is removed at once, so a refused upload leaves nothing behind to be deployed by
    /// mistake. Its shared/ paths are links or were moved there: nothing of the data goes.
    func discardOnRefusal<T>(
        _ id: String?, unless keep: () -> Bool = { false }, _ body: () throws(ToolError) -> T
    ) throws(ToolError) -> T {
        do throws(ToolError) {
            return try body()
        } catch {
            guard let id, !keep() else { throw error }
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
