/// Each path's steps ask for the folders they need (`mkdir shared/public` for every persistent
/// path under `public/`); the plan people read, and the executor applies, makes each one once,
/// and none that is already there.
extension [DeployOperation] {
    /// The operations without a `mkdir` of a folder that an earlier `mkdir` of the list made
    /// (itself or below it), unless a step in between may have moved or removed it; and, with
    /// `existing`, without a `mkdir` of a folder that is on disk and that no earlier step may have
    /// moved or removed (so a dry run does not claim to create what is there).
    func withoutRepeatedDirectories(existing: ((String) -> Bool)? = nil) -> [DeployOperation] {
        // By bytes: "café" composed and decomposed are two folders, each needing its mkdir.
        var made: Set<NameBytes.Key> = []
        // What earlier steps may have moved or removed; nil once a step may have done anything.
        var removed: Set<NameBytes.Key>? = existing == nil ? nil : []
        // A release copied in by an earlier step holds the folders its source holds.
        var copies: [(from: String, to: String)] = []
        func onDisk(_ path: String) -> Bool {
            guard let existing else { return false }
            if let copy = copies.last(where: { PathName.isWithin(path, $0.to) }), let relative = PathName.relative(path, to: copy.to) {
                return existing(PathName.join(copy.from, relative))
            }
            return existing(path)
        }
        var kept: [DeployOperation] = []
        func markMade(_ path: String) {
            var folder = path
            while folder != "/" && made.insert(NameBytes.Key(folder)).inserted {
                folder = PathName.parent(folder)
            }
        }
        for operation in self {
            switch operation {
            case .createDirectory(let path):
                if made.contains(NameBytes.Key(path)) { continue }
                if let removed, onDisk(path), !Self.lies(path, within: removed) {
                    markMade(path)
                    continue
                }
                markMade(path)
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
            if removed != nil {
                if let paths = operation.mayRemove { removed?.formUnion(paths.map(NameBytes.Key.init)) } else { removed = nil }
            }
            // A release copied in (and renamed into place) holds its source's folders.
            switch operation {
            case .copyRelease(let from, let to):
                removed?.remove(NameBytes.Key(to))
                copies.append((from, to))
            case .publishRelease(let staging, let to):
                if let copy = copies.last(where: { PathName.sameBytes($0.to, staging) }) {
                    removed?.remove(NameBytes.Key(to))
                    copies.append((copy.from, to))
                }
            default: break
            }
            kept.append(operation)
        }
        return kept
    }

    /// True when `path` or a folder above it is in `paths`: a lookup per ancestor, so linear plans stay linear.
    private static func lies(_ path: String, within paths: Set<NameBytes.Key>) -> Bool {
        var folder = path
        while true {
            if paths.contains(NameBytes.Key(folder)) { return true }
            if folder == "/" || folder.isEmpty { return false }
            folder = PathName.parent(folder)
        }
    }
}

extension DeployOperation {
    /// The paths this step may move, replace or remove (with all below them); nil when it may
    /// change anything (a hook). Exhaustive, so a new kind of step must say.
    var mayRemove: [String]? {
        switch self {
        case .removeLeftover(let path), .removeReleaseCopy(let path), .link(let path, _), .replaceEmptyFolderWithLink(let path, _),
            .replaceLinkWithFolder(let path), .removeRelease(let path, _, _), .extractRelease(_, let path), .syncServedFolder(_, let path, _, _),
            .copyRelease(_, let path):
            return [path]
        case .moveIntoShared(let from, _), .mergeMoveIntoShared(let from, _, _), .mergeReleaseCopyIntoShared(let from, _, _):
            return [from]
        case .publishRelease(let from, let to), .adoptInPlaceSite(let from, let to), .moveDataToServedFolder(let from, let to, _, _):
            return [from, to]
        case .adoptLiveData(let root, _, let release, let path):
            return [PathName.join(PathName.join(PathName.join(root, "releases"), release), path)]
        case .leaveBehind(let release, _, _, _):
            return [release]
        case .switchCurrent(let root, _):
            return [PathName.join(root, "current")]
        case .createDirectory, .addMissingFiles, .copyFile, .createEmptyFile, .setPermissions, .writeFile, .restrictSecret,
            .grantWebGroup, .verifyLinks, .checkRelease, .appendHistory, .rotateHistory, .recordReleaseTree, .recheckLiveRelease, .protectToolFiles:
            return []
        case .runHook:
            return nil
        }
    }
}
