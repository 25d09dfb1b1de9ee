/// Merging one folder's files into another without overwriting anything: adoption of a live
/// release's data, re-linking a rollback target, the served folder's moves.
extension PlanExecutor {
    /// Every file under the folder `source` goes to the same place under `destination` (see
    /// `place`); a missing `source` is a step a crashed run already finished.
    func mergeMove(_ source: String, into destination: String, suffix: String) throws {
        guard try fileSystem.type(at: source) == .directory else { return }
        for file in try fileSystem.files(under: source) {
            try place(PathName.join(source, file), at: PathName.join(destination, file), suffix: suffix)
        }
    }

    /// Moves `source` to `destination` when that is free; an identical file there makes it
    /// redundant (removed); a different one stays, and the newcomer takes a free name with
    /// `suffix`. Nothing at `destination` is overwritten.
    func place(_ source: String, at destination: String, suffix: String) throws {
        guard try fileSystem.exists(destination) else {
            try moveWithoutOverwriting(source, to: destination)
            return
        }
        if try fileSystem.sameContents(source, destination) {
            try fileSystem.removeTree(at: source)
        } else {
            try moveWithoutOverwriting(source, to: try freeName(for: destination, suffix: suffix))
        }
    }

    /// `path` itself when nothing is there, else `path` + suffix (+ `-2`, `-3`…) that is free.
    func freeName(for path: String, suffix: String) throws(SystemCallError) -> String {
        if try !fileSystem.exists(path) { return path }
        var attempt = 1
        while true {
            let candidate = path + suffix + (attempt == 1 ? "" : "-\(attempt)")
            if try !fileSystem.exists(candidate) { return candidate }
            attempt += 1
        }
    }
}
