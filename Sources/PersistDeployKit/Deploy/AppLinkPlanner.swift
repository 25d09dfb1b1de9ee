/// Links a release keeps to other paths of itself, and what must stay writable in it.
extension DeployPlanner {
    /// A path that must link to another path of the app (Laravel's `public/storage`): a
    /// relative link inside the release, whatever the release shipped there (`artisan
    /// storage:link` makes an absolute one that breaks when the root moves).
    func planAppLink(_ path: ClassifiedPath, releasePath: String, content: String) throws -> (operations: [DeployOperation], linkText: String) {
        guard let target = path.linkTarget else { return ([], "") }
        let inRelease = PathName.join(releasePath, path.path)
        let linkText = PathName.relativeLink(at: inRelease, to: PathName.join(releasePath, target))
        var operations: [DeployOperation] = []
        switch try fileSystem.type(at: PathName.join(content, path.path)) {
        case nil: break
        case .directory:
            let files = try fileSystem.files(under: PathName.join(content, path.path))
            if !files.isEmpty {
                operations.append(.addMissingFiles(from: inRelease, to: root.sharedPath(target), files: files))
            }
            operations.append(.removeReleaseCopy(path: inRelease))
        default:
            operations.append(.removeReleaseCopy(path: inRelease))
        }
        operations.append(.link(path: inRelease, target: linkText))
        return (operations, linkText)
    }

    /// Laravel writes compiled config to `bootstrap/cache`; it stays in the release (it belongs
    /// to one release's code) and must be writable.
    func laravelWritableCache(_ classification: Classification, releasePath: String, content: String) throws -> [DeployOperation] {
        guard classification.framework == .laravel, try fileSystem.isDirectory(PathName.join(content, "bootstrap")) else { return [] }
        let cache = PathName.join(releasePath, "bootstrap/cache")
        return [.createDirectory(path: cache), .setPermissions(path: cache, permissions: 0o775)]
    }
}
