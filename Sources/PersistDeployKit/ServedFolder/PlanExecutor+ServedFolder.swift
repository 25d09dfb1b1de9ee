/// The operations on the folder a shared host serves (`--public-html`).
extension PlanExecutor {
    func replaceEmptyFolderWithLink(_ path: String, target: String) throws {
        switch try fileSystem.type(at: path) {
        case .directory:
            let files = try fileSystem.files(under: path)
            guard files.isEmpty else {
                throw ToolError(
                    "'\(path)' holds \(Text.count(files.count, "file")) (e.g. '\(files[0])'); it is never deleted, so it cannot become a link.",
                    hint: "Move its files aside and run the command again.")
            }
            // rename(2) cannot put a link over a folder; it holds no files, so nothing is lost.
            try fileSystem.removeTree(at: path)
        case .file, .other:
            throw ToolError("'\(path)' is a file where a link must go.", hint: "Move it aside and run the command again; nothing was deleted.")
        case .symlink, nil:
            break
        }
        try fileSystem.createDirectory(at: PathName.parent(path), permissions: 0o755)
        try link(path, to: target)
    }

    func replaceLinkWithFolder(_ path: String) throws {
        switch try fileSystem.type(at: path) {
        case .symlink: try fileSystem.removeTree(at: path)
        case .directory: return
        case nil: break
        default: throw ToolError("'\(path)' is a file where the served folder must be.", hint: "Move it aside and run the command again.")
        }
        try fileSystem.createDirectory(at: path, permissions: 0o755)
    }

    /// `shared` is first renamed aside (`.NAME.to-served` beside it), so nothing the live app
    /// writes through the old path lands in a folder about to be emptied; a rerun after a crash
    /// finds the aside folder and finishes the merge.
    func moveDataToServedFolder(shared: String, served: String, linkText: String, suffix: String) throws {
        let aside = DeployRoot.servedMoveAside(of: shared)
        switch try fileSystem.type(at: shared) {
        case .directory:
            if try fileSystem.exists(aside) {
                try mergeMove(shared, into: aside, suffix: suffix)
                try removeEmptied(shared)
            } else {
                try fileSystem.rename(shared, to: aside, replacing: false)
            }
        case .file, .other:
            throw ToolError("'\(shared)' is a file where a persistent folder belongs.", hint: "Move it aside and run the command again.")
        case .symlink, nil:
            break
        }
        switch try fileSystem.type(at: served) {
        case .symlink: try fileSystem.removeTree(at: served)  // a link is not data
        case .file, .other:
            throw ToolError("'\(served)' is a file where the folder of '\(shared)' must go.", hint: "Move it aside and run the command again.")
        case .directory, nil: break
        }
        if try fileSystem.type(at: served) == nil {
            try fileSystem.createDirectory(at: PathName.parent(served), permissions: 0o755)
            if try !fileSystem.exists(aside) || !renamedWithinFileSystem(aside, to: served) {
                try fileSystem.createDirectory(at: served, permissions: 0o755)
            }
        }
        try fileSystem.createDirectory(at: PathName.parent(shared), permissions: 0o755)
        try link(shared, to: linkText)
        if try fileSystem.exists(aside) {
            try mergeMove(aside, into: served, suffix: suffix)
            try removeEmptied(aside)
        }
    }

    /// Removes a folder the merge emptied; one that still holds a file stays, and the step fails.
    private func removeEmptied(_ folder: String) throws {
        let left = try fileSystem.files(under: folder)
        guard left.isEmpty else {
            throw ToolError("'\(folder)' still holds \(Text.count(left.count, "file")) after moving them (e.g. '\(left[0])').",
                            hint: "Nothing was deleted. Run the command again to move the rest.")
        }
        try fileSystem.removeTree(at: folder)
    }

    func syncServedFolder(from source: String, to served: String, files: [String], removing: [String]) throws {
        try fileSystem.createDirectory(at: served, permissions: 0o755)
        for relative in files {
            let origin = PathName.join(source, relative)
            let destination = PathName.join(served, relative)
            let existing = try fileSystem.status(at: destination, followSymlink: false)
            if existing?.type == .directory { continue }
            // An unchanged file is left as it is: rewriting it would only make PHP recompile it.
            if let existing, existing.type == .file, let shipped = try fileSystem.status(at: origin, followSymlink: false),
                shipped.type == .file, shipped.size == existing.size, shipped.modificationTime == existing.modificationTime,
                shipped.permissions == existing.permissions
            {
                continue
            }
            let parent = PathName.parent(destination)
            try fileSystem.createDirectory(at: parent, permissions: 0o755)
            let temporary = PathName.join(parent, ".\(PathName.basename(destination)).persist-deploy-copy")
            try fileSystem.removeTree(at: temporary)
            try fileSystem.copyTree(from: origin, to: temporary)
            try fileSystem.rename(temporary, to: destination, replacing: true)
        }
        for relative in removing {
            let destination = PathName.join(served, relative)
            guard let type = try fileSystem.type(at: destination), type != .directory else { continue }
            try fileSystem.removeTree(at: destination)
        }
    }
}
