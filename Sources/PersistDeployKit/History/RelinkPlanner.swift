/// Bringing an older release up to today's persistent paths before it goes live again (a
/// rollback to a release deployed before a path became persistent): left as it was, that path
/// would be a real folder in the live release, the app would write there, and a later cleanup
/// would delete what it wrote.
extension DeployPlanner {
    package struct RelinkPlan: Sendable {
        package var operations: [DeployOperation] = []
        /// Each persistent path of the release and the link text it must hold.
        package var links: [NameBytes.Key: String] = [:]
        /// The persistent paths that were not already the right link.
        package var relinked: [String] = []
        /// Links to config files the app's installer has not written yet: only their text is checked.
        package var awaiting: [String] = []
    }

    /// The operations that make every persistent path of `record` a link into shared/ in
    /// releases/`id`: a real copy's files join shared/ first (nothing there is overwritten; an
    /// identical file is dropped, a different one kept beside with a suffix). Refuses, changing
    /// nothing, when a path cannot be linked without losing or inventing data.
    package func relinkPlan(release id: String, record: PersistenceRecord?) throws(ToolError) -> RelinkPlan {
        do {
            return try makeRelinkPlan(release: id, record: record)
        } catch let error as ToolError {
            throw error
        } catch let error as SystemCallError {
            throw ToolError.system(error, while: "Checking releases/\(NameBytes.display(id)) before the rollback")
        } catch {
            throw ToolError("Checking releases/\(NameBytes.display(id)) failed: \(error).", hint: "Nothing was changed.")
        }
    }

    private func makeRelinkPlan(release id: String, record: PersistenceRecord?) throws -> RelinkPlan {
        let releasePath = root.release(id)
        var plan = RelinkPlan()
        var made: [String] = []
        for path in (record?.persistentPaths ?? []).sorted(by: { PathName.bytewiseLess($0.path, $1.path) }) {
            try refuseLinkedParents(of: path.path, in: releasePath)
            let inRelease = PathName.join(releasePath, path.path)
            let shared = root.sharedPath(path.path)
            let linkText = PathName.relativeLink(at: inRelease, to: shared)
            plan.links[NameBytes.Key(inRelease)] = linkText
            let inReleaseType = try fileSystem.type(at: inRelease)
            let sharedType = try fileSystem.status(at: shared, followSymlink: true)?.type
            // A config file the installer writes may not exist yet: its link is all there is to check.
            let awaited = path.awaitsApp && sharedType == nil
            if awaited { plan.awaiting.append(inRelease) }
            // Others lose their access to a config file, as a deploy leaves it (and so a rerun
            // after a crash still does it); the owner's and the web group's stay as they are.
            var privateConfig: [DeployOperation] = []
            if path.class == .config, path.kind == .file, !awaited,
                let mode = try fileSystem.status(at: shared, followSymlink: true)?.permissions, mode & 0o007 != 0
            {
                privateConfig = [.setPermissions(path: shared, permissions: mode & ~0o007)]
            }
            if inReleaseType == .symlink, PathName.sameBytes(try fileSystem.readSymlink(at: inRelease), linkText) {
                plan.operations += privateConfig
                continue
            }
            let expected: EntryType = path.kind == .dir ? .directory : .file
            func refuse(_ why: String, _ hint: String) -> ToolError {
                ToolError("releases/\(NameBytes.display(id)) cannot be made live: \(why).", hint: "Nothing was changed. " + hint)
            }
            if let sharedType, sharedType != expected {
                throw refuse(
                    "'\(shared)' is a \(sharedType == .directory ? "folder" : "file") but '\(path.path)' is persistent as a \(path.kind == .dir ? "folder" : "file")",
                    "Move '\(shared)' aside or fix the class in persist-deploy.json, then roll back again.")
            }
            switch inReleaseType {
            case .directory?, .file?:
                guard inReleaseType == expected else {
                    throw refuse(
                        "its '\(path.path)' is a \(inReleaseType == .directory ? "folder" : "file") where a \(path.kind == .dir ? "folder" : "file") is persistent",
                        "Move '\(inRelease)' aside, then roll back again.")
                }
                if PathName.parent(shared) != root.shared { plan.operations.append(.createDirectory(path: PathName.parent(shared))) }
                if sharedType == nil {
                    plan.operations.append(.moveIntoShared(from: inRelease, to: shared))
                } else {
                    plan.operations += [
                        .mergeReleaseCopyIntoShared(from: inRelease, to: shared, suffix: ".rollback-\(id)"),
                        .removeReleaseCopy(path: inRelease),
                    ]
                }
            case .symlink?, nil:
                guard sharedType != nil || awaited else {
                    throw refuse(
                        "'\(shared)' does not exist, and the release has no copy of '\(path.path)' to put there",
                        "Put the data back first (persist-deploy restore, or 'persist-deploy recover' to see what is missing), then roll back again.")
                }
            case .other?:
                throw refuse("its '\(path.path)' is a socket, pipe or device", "Move '\(inRelease)' aside, then roll back again.")
            }
            plan.operations += privateConfig
            if PathName.parent(inRelease) != releasePath {
                plan.operations.append(.createDirectory(path: PathName.parent(inRelease)))
                made += try missingFolders(above: path.path, in: releasePath)
            }
            plan.operations.append(.link(path: inRelease, target: linkText))
            plan.relinked.append(path.path)
        }
        plan.operations = try manifestSteps(listing: made, in: id) + plan.operations
        return plan
    }

    /// The folders above `relative` that release `releasePath` lacks (parents first): the relink
    /// makes them to hold the link.
    private func missingFolders(above relative: String, in releasePath: String) throws -> [String] {
        var missing: [String] = []
        var folder = PathName.parent(relative)
        while folder != ".", folder != "/", !folder.isEmpty, try fileSystem.type(at: PathName.join(releasePath, folder)) == nil {
            missing.insert(folder, at: 0)
            folder = PathName.parent(folder)
        }
        return missing
    }

    /// The folders a relink makes join the release's tree manifest first: they are the tool's, and
    /// read as new folders the running app made, every later deploy and rollback would stop.
    private func manifestSteps(listing made: [String], in id: String) throws -> [DeployOperation] {
        guard !made.isEmpty, let bytes = try? fileSystem.readFile(at: root.treeManifest(of: id)), var tree = ReleaseTree.parse(bytes) else {
            return []
        }
        let folder = ReleaseTree.Entry(type: .directory, size: 0, modificationNanoseconds: 0)
        for path in made where tree[path] == nil { tree.add(path, folder) }
        return [.writeFile(path: root.treeManifest(of: id), contents: NameBytes.string(tree.bytes), permissions: 0o644)]
    }
}
