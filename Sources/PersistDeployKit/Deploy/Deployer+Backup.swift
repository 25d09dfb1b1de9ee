extension Deployer {
    /// `--backup`: a snapshot of shared/ under the deploy's own lock, before anything changes.
    func backUpShared() throws(ToolError) {
        guard (try? context.fileSystem.isDirectory(root.shared, followSymlink: true)) == true else {
            console.say("No shared/ yet, so there is nothing to back up before this first deploy.")
            return
        }
        let store = BackupStore(root: root, fileSystem: context.fileSystem as? LocalFileSystem ?? LocalFileSystem(), now: context.now)
        let paths = try BackupStore.persistentPaths(root: root, fileSystem: context.fileSystem)
        let outcome = try store.create(persistentPaths: paths, keep: 24, console: console)
        // A path that could not be saved stops the deploy before it changes anything.
        try BackupCommands.failUnlessAllSaved(
            outcome, store: store, next: "deploy again (nothing was deployed; without --backup the deploy does not wait for it)")
        console.say("Backed up shared/ as backups/\(outcome.info.id) (\(Text.count(outcome.info.files, "file"))) before deploying.")
    }

}
