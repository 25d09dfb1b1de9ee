extension Deployer {
    /// `--backup`: a snapshot of shared/ under the deploy's own lock, before anything changes.
    func backUpShared() throws(ToolError) {
        guard (try? context.fileSystem.isDirectory(root.shared, followSymlink: true)) == true else {
            console.say("No shared/ yet, so there is nothing to back up before this first deploy.")
            return
        }
        let store = BackupStore(root: root, fileSystem: context.fileSystem as? LocalFileSystem ?? LocalFileSystem(), now: context.now)
        let paths = try BackupStore.persistentPaths(root: root, fileSystem: context.fileSystem)
        let info = try store.create(persistentPaths: paths, keep: 24, console: console)
        console.say("Backed up shared/ as backups/\(info.id) (\(Text.count(info.files, "file"))) before deploying.")
    }

}
