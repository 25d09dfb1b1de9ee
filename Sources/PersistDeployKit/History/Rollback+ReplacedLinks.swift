/// A persistent path of the live release whose link into shared/ the app replaced with a real
/// file or folder (a save through a temporary file and a rename, `rm` and `mkdir`): its newest
/// data is there, not in shared/, and would leave the site with the switch while the target's
/// link serves shared/'s older copy. A deploy stops for this (`replacedLink`,
/// `refuseDifferingCopies`); so does a rollback, `--leave-behind` or not: which copy is right is
/// the admin's call, and `recover` puts the link back once it is made.
extension Rollback {
    /// - Throws: `ToolError` (exit 1, nothing changed) naming the first such path and the ways out.
    func refuseReplacedLinks(_ live: String?, record: PersistenceRecord?, request: RollbackRequest) throws(ToolError) {
        guard let live, let record else { return }
        let fileSystem = context.fileSystem
        let recover = "persist-deploy recover --root \(Shell.quote(root.path))"
        var again = "persist-deploy rollback --root \(Shell.quote(root.path))"
        if let to = request.target { again += " --to \(Shell.quote(to))" }
        let then = "\(recover) (it puts the link back), then roll back again (\(again))"
        for path in record.persistentPaths.sorted(by: { PathName.bytewiseLess($0.path, $1.path) }) {
            let inRelease = PathName.join(root.release(live), path.path)
            let shared = root.sharedPath(path.path)
            let found: String
            let hint: String
            do {
                switch try fileSystem.type(at: inRelease) {
                case .file?:
                    if try fileSystem.sameContents(inRelease, shared) { continue }
                    found = "a real file where the link to '\(shared)' was, and the two differ"
                    hint = DifferingCopies.fileChoices(live: inRelease, shared: shared, then: then)
                case .directory?:
                    let differing = try fileSystem.differingCopies(of: inRelease, in: shared)
                    let only = try fileSystem.files(under: inRelease).filter { (try? fileSystem.type(at: PathName.join(shared, $0))) == nil }
                    if !differing.isEmpty {
                        found = "a real folder where the link to '\(shared)' was, and shared/'s copies of "
                            + "\(Text.count(differing.count, "file")) in it differ (\(DifferingCopies.shown(differing)))"
                        hint = DifferingCopies.folderChoices(live: inRelease, shared: shared, differing: differing, then: then)
                    } else if !only.isEmpty {
                        found = "a real folder where the link to '\(shared)' was, holding \(Text.count(only.count, "file")) "
                            + "shared/ lacks (\(DifferingCopies.shown(only)))"
                        hint = "\(recover) moves them into shared/ and puts the link back; then roll back again (\(again))."
                    } else {
                        continue
                    }
                default:
                    continue
                }
            } catch {
                throw ToolError.system(error, while: "reading '\(inRelease)' before rolling back")
            }
            throw ToolError(
                "'\(inRelease)' is \(found): the running app replaced the link, so its newest '\(NameBytes.display(path.path))' is in "
                    + "the live release, not in shared/. Rolling back would take it off the site, so the rollback stopped.",
                hint: "Nothing was changed. " + hint)
        }
    }
}
