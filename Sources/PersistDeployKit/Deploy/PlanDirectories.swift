/// Each path's steps ask for the folders they need (`mkdir shared/public` for every persistent
/// path under `public/`); the plan people read, and the executor applies, makes each one once.
extension [DeployOperation] {
    /// The operations without a `mkdir` of a folder that an earlier `mkdir` of the list made
    /// (itself or below it), unless a step in between may have moved or removed it.
    func withoutRepeatedDirectories() -> [DeployOperation] {
        // By bytes: "café" composed and decomposed are two folders, each needing its mkdir.
        var made: Set<NameBytes.Key> = []
        var kept: [DeployOperation] = []
        for operation in self {
            switch operation {
            case .createDirectory(let path):
                if made.contains(NameBytes.Key(path)) { continue }
                var folder = path
                while folder != "/" && made.insert(NameBytes.Key(folder)).inserted {
                    folder = PathName.parent(folder)
                }
            case .writeFile, .copyFile, .createEmptyFile, .addMissingFiles, .setPermissions, .verifyLinks, .appendHistory:
                break
            case .moveIntoShared(let from, _), .mergeMoveIntoShared(let from, _, _), .removeReleaseCopy(let from), .link(let from, _):
                // `made` holds every ancestor of what it holds, so a folder at or below `from`
                // is there only if `from` is: the filter (a pass over `made`) runs only then, and a
                // plan of thousands of persistent paths stays linear.
                if made.contains(NameBytes.Key(from)) {
                    made = made.filter { !PathName.isWithin($0.string, from) }
                }
            default:
                // A step that may move or remove folders in ways not spelled out here: forget all.
                made = []
            }
            kept.append(operation)
        }
        return kept
    }
}
