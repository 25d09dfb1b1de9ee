/// The executor's steps for the history's rotation and for re-linking a rollback target.
extension PlanExecutor {
    /// The new file is complete under a temporary name before the old one moves, and each move
    /// is one rename that never replaces: a crash leaves the old file whole, or the dated file
    /// whole and no current one (the next append starts it; readers go on into the dated file).
    func rotateHistory(shared: String, archive: String, carried: [String]) throws {
        let root = DeployRoot(path: PathName.parent(shared), shared: shared)
        let rotating = PathName.join(shared, HistoryFiles.rotatingName)
        try fileSystem.removeTree(at: rotating)
        try fileSystem.writeFile(at: rotating, contents: Array(carried.map { $0 + "\n" }.joined().utf8), permissions: 0o644)
        if try fileSystem.exists(root.historyFile) {
            try fileSystem.rename(root.historyFile, to: PathName.join(shared, archive), replacing: false)
        }
        try fileSystem.rename(rotating, to: root.historyFile, replacing: false)
        try fileSystem.syncDirectory(at: shared)
    }

    /// Each file of `source` (a folder, or one file) goes to the same place under `destination`
    /// when that is free; an identical file there makes it redundant; a different one stays and
    /// the newcomer takes a free name with `suffix`. Nothing in shared/ is overwritten.
    func mergeReleaseCopy(_ source: String, into destination: String, suffix: String) throws {
        switch try fileSystem.type(at: source) {
        case nil: return
        case .directory:
            for file in try fileSystem.files(under: source) {
                try place(PathName.join(source, file), at: PathName.join(destination, file), suffix: suffix)
            }
        case .file, .symlink:
            try place(source, at: destination, suffix: suffix)
        case .other:
            throw ToolError(
                "'\(source)' is a socket, pipe or device where a persistent path's data is expected.",
                hint: "Move it out of the release and run the command again; nothing in shared/ was changed.")
        }
    }
}
