import Glibc

/// Moving the live release's own copy of a path into shared/ and linking it, under the journal
/// (`AdoptionJournal`): whatever moment a kill chooses, every command can tell and `recover`
/// (or the next deploy) finishes it.
extension PlanExecutor {
    func adoptLiveData(root: DeployRoot, release: String, path: String) throws {
        let live = PathName.join(root.release(release), path)
        let stored = root.sharedPath(path)
        let journal = AdoptionJournal(release: release, path: path, linkText: PathName.relativeLink(at: live, to: stored))
        switch try fileSystem.type(at: live) {
        case .symlink where PathName.sameBytes(try fileSystem.readSymlink(at: live), journal.linkText):
            return  // a run that got this far before a kill; the deploy finished its journal first
        case .directory, .file:
            break
        default:
            throw ToolError("'\(live)' is no longer a real folder or file, so it cannot be adopted into '\(stored)'.",
                            hint: "Nothing was moved. Run the deploy again; it plans from what is there now.")
        }
        try journal.save(root, fileSystem: fileSystem)
        try fileSystem.createDirectory(at: PathName.parent(stored), permissions: 0o755)
        if try renamedWithinFileSystem(live, to: stored) {
            try fileSystem.createSymlink(at: live, target: journal.linkText)
        } else {
            // Another file system: the site keeps serving the whole old copy while the new one
            // is made under a temporary name in shared/ and renamed into place; then one exchange
            // puts the link where the old copy was.
            try copyWithoutOverwriting(live, to: stored)
            try swapInLink(journal, root: root)
            try mergeAside(journal, root: root, suffix: ".adopted-\(release)")
        }
        try fileSystem.syncDirectory(at: PathName.parent(live))
        try AdoptionJournal.remove(root, fileSystem: fileSystem)
    }

    /// The live copy becomes the link in one `RENAME_EXCHANGE` (the old copy lands at the aside
    /// name); where the file system cannot swap, it is renamed aside and the link made after.
    private func swapInLink(_ journal: AdoptionJournal, root: DeployRoot) throws {
        let live = journal.live(root), aside = journal.aside(root)
        if try fileSystem.type(at: aside) == .symlink { try fileSystem.removeTree(at: aside) }
        try fileSystem.createSymlink(at: aside, target: journal.linkText)
        do {
            if environment["PERSIST_DEPLOY_REFUSE_EXCHANGE"] != nil {
                // Test hook: behave as a file system without RENAME_EXCHANGE.
                throw SystemCallError(call: "rename exchange", path: "\(aside) <-> \(live)", code: EINVAL)
            }
            try fileSystem.exchange(aside, live)
        } catch let error as SystemCallError where error.code == EINVAL || error.code == ENOSYS || error.code == EOPNOTSUPP {
            try fileSystem.removeTree(at: aside)
            try fileSystem.rename(live, to: aside, replacing: false)
            try fileSystem.createSymlink(at: live, target: journal.linkText)
        }
    }

    /// What the app wrote into the old copy while it was copied joins shared/ (a clash keeps
    /// both, the newcomer with `suffix`); then the old copy goes.
    private func mergeAside(_ journal: AdoptionJournal, root: DeployRoot, suffix: String) throws {
        let aside = journal.aside(root), stored = journal.stored(root)
        switch try fileSystem.type(at: aside) {
        case .directory:
            try mergeMove(aside, into: stored, suffix: suffix)
        case .file:
            try place(aside, at: stored, suffix: suffix)
        default:
            break
        }
        try fileSystem.removeTree(at: aside)
    }
}
