import Glibc

/// Finishing what a deploy killed while it adopted a path of the live release left
/// (`AdoptionJournal`): `recover` plans it first, and a deploy does it before it plans.
extension Recovery {
    /// The repair for the journal on disk, or the problem when there is one it cannot settle.
    func adoptionRepair(root: DeployRoot) -> (action: Action?, problem: String?) {
        switch AdoptionJournal.read(root, fileSystem: fileSystem) {
        case .none:
            return (nil, nil)
        case .unreadable:
            return (nil, Self.unreadableJournal(root))
        case .journal(let journal):
            let stage = journal.stage(root, fileSystem: fileSystem)
            guard stage != .unknown else { return (nil, Self.unknownStage(journal, root: root)) }
            return (.finishAdoption(journal, stage: stage), nil)
        }
    }

    static func unreadableJournal(_ root: DeployRoot) -> String {
        "'\(AdoptionJournal.file(root))' is not an adoption journal this version can read: a deploy adopting a path of the live "
            + "release into shared/ was interrupted. Check the live release's links against shared/ (persist-deploy health-check), "
            + "then remove that file."
    }

    static func unknownStage(_ journal: AdoptionJournal, root: DeployRoot) -> String {
        "A deploy adopting '\(journal.path)' into shared/ was interrupted, and neither '\(journal.live(root))' nor '\(journal.stored(root))' "
            + "is as it left them (is a disk not mounted, or was one moved?). Nothing was changed; look for the data, "
            + "put it at '\(journal.stored(root))', then remove '\(AdoptionJournal.file(root))' and run recovery again."
    }

    static func describe(_ journal: AdoptionJournal, stage: AdoptionJournal.Stage) -> String {
        let live = "releases/\(journal.release)/\(journal.path)"
        switch stage {
        case .nothingMoved:
            return "finish the interrupted adoption of \(journal.path): nothing had moved (\(live) holds it whole); remove its partial copy and journal"
        case .unlinked:
            return "finish the interrupted adoption of \(journal.path): link \(live) -> \(journal.linkText) (its data is in shared/)"
        case .copiedNotSwapped:
            return "finish the interrupted adoption of \(journal.path): swap the link \(live) -> \(journal.linkText) in for the old copy, "
                + "then merge what only the old copy holds into shared/\(journal.path)"
        case .asideNotMerged:
            return "finish the interrupted adoption of \(journal.path): merge the old copy set aside beside \(live) into shared/\(journal.path)"
        case .linked, .unknown:
            return "finish the interrupted adoption of \(journal.path): \(live) links to shared/; remove its journal"
        }
    }

    /// Brings the adoption to its end from `stage` (nothing in shared/ overwritten, nothing of
    /// the old copy dropped unless shared/ holds the same bytes), then removes the journal.
    func finishAdoption(_ journal: AdoptionJournal, stage: AdoptionJournal.Stage, root: DeployRoot, say: (String) -> Void) throws(SystemCallError) {
        let live = journal.live(root), stored = journal.stored(root), aside = journal.aside(root)
        // A link made for the exchange, never swapped in.
        if type(aside) == .symlink { try fileSystem.removeTree(at: aside) }
        switch stage {
        case .nothingMoved:
            // The copy into shared/ stopped half-way: the live release still holds all of it.
            let partial = PathName.join(PathName.parent(stored), ".persist-deploy.seeding")
            if type(partial) != nil { try fileSystem.removeTree(at: partial) }
        case .unlinked:
            try pointLink(at: live, text: journal.linkText)
        case .copiedNotSwapped:
            // Made at the aside name, so the exchange leaves the old copy where the journal looks.
            try fileSystem.createSymlink(at: aside, target: journal.linkText)
            do {
                try fileSystem.exchange(aside, live)
            } catch where error.code == EINVAL || error.code == ENOSYS || error.code == EOPNOTSUPP {
                try fileSystem.removeTree(at: aside)
                try fileSystem.rename(live, to: aside, replacing: false)
                try pointLink(at: live, text: journal.linkText)
            }
        case .asideNotMerged, .linked, .unknown:
            break
        }
        switch type(aside) {
        case .directory:
            try merge(aside, into: stored, say: say)
        case .file:
            if try fileSystem.sameContents(aside, stored) {
                try fileSystem.removeTree(at: aside)
            } else {
                let free = freeName(stored + ".recovered-" + stamp)
                say("  kept both: \(stored) is saved as \(free)")
                try move(aside, to: free)
            }
        default:
            break
        }
        try fileSystem.syncDirectory(at: PathName.parent(live))
        try AdoptionJournal.remove(root, fileSystem: fileSystem)
    }

    /// A deploy's first step: finishes an interrupted adoption, or refuses to plan on top of one.
    package func finishInterruptedAdoption(root: DeployRoot, say: (String) -> Void) throws(ToolError) {
        let (action, problem) = adoptionRepair(root: root)
        if let problem {
            throw ToolError(problem, hint: "Nothing was changed by this deploy; run it again once that is settled.")
        }
        guard case .finishAdoption(let journal, let stage) = action else { return }
        say(Self.describe(journal, stage: stage))
        do {
            try finishAdoption(journal, stage: stage, root: root, say: say)
        } catch {
            throw ToolError.system(error, while: "Finishing the interrupted adoption of '\(journal.path)'")
        }
    }
}
