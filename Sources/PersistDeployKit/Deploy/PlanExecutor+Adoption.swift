import Glibc

/// Adopting a site deployed in place (`current` a real folder) without a moment when `current`
/// is missing (data rule 5).
extension PlanExecutor {
    /// A link whose text is `releases/ID` is made at `releases/ID`, then swapped with `current` in
    /// one `renameat2(RENAME_EXCHANGE)`: the folder lands at `releases/ID` and the link at
    /// `current`, where the same text now resolves to the folder. The marker names the release
    /// first, so a rerun records the adoption whatever moment a crash chose. Where the file system
    /// cannot swap, the folder is renamed and then linked (a crash between leaves no `current`
    /// until `recover` or the rerun points it back at the marked release).
    func adopt(_ current: String, as release: String) throws {
        let root = DeployRoot(path: PathName.parent(current))
        let id = PathName.basename(release)
        let text = "releases/\(id)"
        try fileSystem.createDirectory(at: root.state, permissions: 0o755)
        try fileSystem.writeText(id + "\n", to: root.adoptionMarker)
        try fileSystem.createDirectory(at: root.releases, permissions: 0o755)
        switch try fileSystem.type(at: release) {
        case nil:
            try fileSystem.createSymlink(at: release, target: text)
        case .symlink where try fileSystem.readSymlink(at: release) == text:
            break  // made by a run that crashed before the swap
        default:
            throw ToolError("'\(release)' already exists, so the in-place site cannot be adopted under that name.",
                            hint: "Nothing was changed. Move it aside and run the deploy again.")
        }
        do {
            if environment["PERSIST_DEPLOY_REFUSE_EXCHANGE"] != nil {
                // Test hook: behave as a file system without RENAME_EXCHANGE.
                throw SystemCallError(call: "rename exchange", path: "\(current) <-> \(release)", code: EINVAL)
            }
            try fileSystem.exchange(current, release)
        } catch let error as SystemCallError where fileSystemCannotSwap(error) {
            console?.warn(
                "The file system of '\(root.path)' cannot swap two names in one step (RENAME_EXCHANGE), so the in-place "
                    + "site is moved to releases/\(id) and then linked: two steps, with '\(root.adoptionMarker)' naming it in between.")
            try fileSystem.removeTree(at: release)
            try fileSystem.rename(current, to: release, replacing: false)
            try switchCurrent(root: root.path, releaseID: id)
            return
        }
        try fileSystem.syncDirectory(at: root.releases)
        try fileSystem.syncDirectory(at: root.path)
    }

    private func fileSystemCannotSwap(_ error: SystemCallError) -> Bool {
        error.code == EINVAL || error.code == ENOSYS || error.code == EOPNOTSUPP
    }
}
