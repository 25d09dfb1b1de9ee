/// Seeding and protecting each persistent path (data rules 1 to 3), then linking it.
extension DeployPlanner {
    struct PathStep {
        var operations: [DeployOperation] = []
        var warnings: [String] = []
        var action: PathAction
        var linkText: String
        var shipped: [String]?
        var added: Int?
        var shadowed: Int?
        /// The link points at a config file the app's installer has not written yet.
        var awaitsApp = false
    }

    /// The operations for one persistent path: seed or protect shared/, then link the release.
    func planPersistentPath(
        _ path: ClassifiedPath, request: DeployRequest, releasePath: String, content: String,
        live: LiveRelease?, liveManifest: ReleaseManifest?, liveTree: ReleaseTree?, framework: Framework,
        record: PersistenceRecord? = nil, sharedLinkedToServed: Bool = false
    ) throws -> PathStep {
        let shared = root.sharedPath(path.path)
        let inRelease = PathName.join(releasePath, path.path)
        let inContent = PathName.join(content, path.path)
        let linkText = PathName.relativeLink(at: inRelease, to: shared)
        // Data already in the served folder is this path's shared copy: a step before this one
        // links shared/ to it.
        let sharedType = sharedLinkedToServed ? .directory : try fileSystem.status(at: shared, followSymlink: true)?.type
        let shippedType = try fileSystem.type(at: inContent)
        let liveType = try live.map { try fileSystem.type(at: PathName.join($0.content, path.path)) } ?? nil
        let isConfig = path.class == .config
        var step = PathStep(action: .linked, linkText: linkText)
        try refuseLinkedParents(of: path.path, in: content)
        if let live { try refuseLinkedParents(of: path.path, in: live.content) }

        // The live release links this path into shared/, and shared/ lacks it: the data is gone
        // from where it lives (a disk not mounted, shared/ moved). Seeding it again from the
        // release would put the site live on demo content; an installer's config file that was
        // never written is the one absence that is expected, also when this release ships one.
        let awaitedBefore = record?.persistentPaths.contains { PathName.sameBytes($0.path, path.path) && $0.awaitsApp } == true
        if sharedType == nil, !path.awaitsApp, !awaitedBefore, let live, liveType == .symlink,
            let text = try? fileSystem.readSymlink(at: PathName.join(live.content, path.path)),
            PathName.sameBytes(PathName.absolute(text, from: PathName.parent(PathName.join(live.content, path.path))), shared)
                || PathName.sameBytes(text, PathName.relativeLink(at: PathName.join(live.content, path.path), to: shared))
        {
            throw ToolError(
                "'\(shared)' is missing, but the live release links '\(path.path)' to it: its data is not where it lives "
                    + "(a data disk not mounted, or shared/ moved or emptied?).",
                hint: "Nothing was changed. Mount or restore shared/ (persist-deploy restore --root \(Shell.quote(root.path))), then deploy again. "
                    + "If '\(path.path)' is really meant to start empty, create it first: "
                    + (path.kind == .dir ? "mkdir -p -- \(Shell.quote(shared))" : "touch -- \(Shell.quote(shared))"))
        }
        if try fileSystem.type(at: shared) == .symlink, sharedType == nil {
            throw ToolError(
                "'\(shared)' is a link that points nowhere.",
                hint: "Fix or remove that link (your data may live where it pointed); nothing was changed.")
        }
        if let sharedType, sharedType != (path.kind == .dir ? .directory : .file) {
            throw ToolError(
                "'\(shared)' is a \(sharedType == .directory ? "folder" : "file"), but '\(path.path)' is classified as a \(path.kind == .dir ? "folder" : "file").",
                hint: "Nothing was changed. Fix the class in persist-deploy.json or move '\(shared)' aside.")
        }
        if shippedType == .directory {
            step.shipped = try fileSystem.files(under: inContent)
        }
        let parentOfShared = PathName.parent(shared)
        if parentOfShared != root.shared { step.operations.append(.createDirectory(path: parentOfShared)) }

        let liveHoldsData: Bool
        if let live, let liveType, liveType == .directory || liveType == .file {
            liveHoldsData = try liveType == .file || holdsFiles(PathName.join(live.content, path.path))
        } else {
            liveHoldsData = false
        }

        if sharedType == nil {
            if let live, liveHoldsData {
                step.action = .adopted
                step.operations.append(.adoptLiveData(root: root.path, shared: root.shared, release: live.id, path: path.path))
                if let files = step.shipped {
                    // Files the new release ships there join the adopted data, as for a path
                    // that was persistent already: those new to the code when the live release's
                    // manifest tells what it shipped there, else every one shared/ lacks.
                    let before = Set(shippedInTree(liveTree, below: path.path).map(NameBytes.Key.init))
                    let candidates = request.mode == .first ? files : files.filter { !before.contains(NameBytes.Key($0)) }
                    if !candidates.isEmpty { step.operations.append(.addMissingFiles(from: inRelease, to: shared, files: candidates)) }
                    step.added = candidates.count
                }
                if shippedType != nil { step.operations.append(.removeReleaseCopy(path: inRelease)) }
            } else if shippedType == .directory || shippedType == .file {
                step.action = .seeded
                step.operations.append(.moveIntoShared(from: inRelease, to: shared))
            } else {
                if shippedType != nil { step.operations.append(.removeReleaseCopy(path: inRelease)) }
                // Records written before `example` existed mean `<path>.example`.
                let example = path.example ?? path.path + ".example"
                if path.kind == .file, isConfig, try fileSystem.type(at: PathName.join(content, example)) == .file {
                    step.action = .seeded
                    step.operations.append(.copyFile(from: PathName.join(releasePath, example), to: shared, permissions: 0o600))
                    step.warnings.append("'\(shared)' starts as a copy of \(example): fill in its secrets.")
                } else if path.awaitsApp && NameRules.isOptionalEnvOverride(path.path) {
                    // Its absence is no fault, so nothing to warn about; an empty one would hide
                    // the one a later release ships (`composer dump-env prod`).
                    step.awaitsApp = true
                } else if path.awaitsApp {
                    // An empty config file tells an installer the app is set up: the link is made
                    // and the installer's own write through it creates the file in shared/.
                    step.awaitsApp = true
                    step.warnings.append(
                        "'\(shared)' does not exist yet: the app's installer creates it through the link '\(path.path)'; "
                            + "until then the health check says it is not created yet. An installer that finds its folder not "
                            + "writable (WordPress checks the release folder) shows the file instead: paste it into '\(shared)'.")
                } else {
                    step.action = .created
                    step.operations.append(
                        path.kind == .dir
                            ? .createDirectory(path: shared) : .createEmptyFile(path: shared, permissions: isConfig ? 0o600 : 0o644))
                    if isConfig { step.warnings.append("'\(shared)' starts empty: fill it in.") }
                }
            }
        } else {
            if let live, liveType == .file, sharedType == .file {
                step.operations += try replacedLink(path.path, live: live, shared: shared)
            }
            if isConfig, shippedType == .file, sharedType == .file,
               try fileSystem.status(at: shared, followSymlink: true)?.size == 0,
               let shippedSize = try fileSystem.status(at: inContent, followSymlink: false)?.size, shippedSize > 0
            {
                // shared/'s copy wins; an empty one (an older deploy created it) hides settings
                // the release now ships, which only a person can tell apart from a wanted blank.
                step.warnings.append(
                    "The release ships '\(path.path)' (\(Text.count(Int(shippedSize), "byte"))), but '\(shared)' is empty, and the link "
                        + "makes the app read that one: the release's copy is not used. If it holds this server's settings "
                        + "(composer dump-env prod writes .env.local.php), copy your build's '\(path.path)' over the "
                        + "empty one in shared/; one left blank on purpose needs nothing.")
            }
            if let live, liveHoldsData, liveType == .directory {
                // A real folder where the live release should have a link: someone unpacked over
                // it, or the entry was widened from files in it to the folder. Its files join
                // shared/ (a clash keeps both) before the switch leaves it; its links to their
                // own place in shared/ are those files already, so they go first.
                let livePath = PathName.join(live.path, path.path)
                let ownLinks = try linksToOwnPlaceInShared(path.path, live: live, shared: shared)
                try refuseDifferingCopies(live: PathName.join(live.content, path.path), shared: shared, ignoring: ownLinks)
                step.action = .adopted
                step.operations += ownLinks.map { .removeReleaseCopy(path: PathName.join(livePath, $0)) }
                if let warning = try mergeWarning(path.path, live: live, shared: shared, ownLinks: ownLinks, record: record) {
                    step.warnings.append(warning)
                }
                step.operations += [
                    .mergeMoveIntoShared(from: livePath, to: shared, suffix: ".adopted-\(live.id)"),
                    .removeReleaseCopy(path: livePath),
                    .link(path: livePath, target: PathName.relativeLink(at: livePath, to: shared)),
                ]
            }
            if let files = step.shipped {
                let candidates: [String]
                if request.mode == .first {
                    candidates = files
                } else if let liveManifest {
                    // Files the code shipped before and shared/ lacks were deleted by users: they
                    // stay deleted. Only files new to the code are added: all of them when the
                    // live release shipped nothing there (no entry; its tree holds nothing below
                    // a link, and what it shipped in a folder that becomes persistent now).
                    // Compared by bytes: a name canonically equal to an old one is still a new file.
                    let before = Set((liveManifest.shipped[path.path] ?? shippedInTree(liveTree, below: path.path)).map(NameBytes.Key.init))
                    candidates = files.filter { !before.contains(NameBytes.Key($0)) }
                } else {
                    candidates = []
                }
                let missing = try candidates.filter { try fileSystem.type(at: PathName.join(shared, $0)) == nil }
                if !missing.isEmpty {
                    step.operations.append(.addMissingFiles(from: inRelease, to: shared, files: missing))
                }
                step.added = missing.count
                step.shadowed = files.count - missing.count
                step.warnings += try staleShippedCode(path.path, files: files, added: missing, release: inContent, shared: shared)
            }
            if shippedType != nil { step.operations.append(.removeReleaseCopy(path: inRelease)) }
        }
        if framework == .laravel && path.path == "storage" {
            for sub in LaravelStorage.subfolders {
                step.operations.append(.createDirectory(path: PathName.join(shared, sub)))
            }
        }
        if step.awaitsApp {
            // Nothing to open yet but the folder the installer writes the file into.
            if let access = request.webAccess {
                step.operations.append(.grantWebGroup(WebGroupGrant(
                    path: PathName.parent(shared), group: access.group, writable: true, secret: false, recursive: false, folder: true)))
            }
        } else {
            step.operations += accessOperations(
                for: path, shared: shared, isNew: sharedType == nil, madeByTool: sharedType == nil && step.action != .adopted,
                seedingSteps: step.operations, request: request, record: record)
        }
        if PathName.parent(inRelease) != releasePath {
            step.operations.append(.createDirectory(path: PathName.parent(inRelease)))
        }
        step.operations.append(.link(path: inRelease, target: linkText))
        return step
    }

    /// True when `directory` holds at least one entry that is not a folder, at any depth; reads
    /// only as far as the first one (a folder of user data can hold any number of files).
    func holdsFiles(_ directory: String) throws -> Bool {
        let limit = 256
        let names = try fileSystem.someNames(in: directory, limit: limit)
        var folders: [String] = []
        for name in names {
            let child = PathName.join(directory, name)
            guard try fileSystem.type(at: child) == .directory else { return true }
            folders.append(child)
        }
        if names.count == limit {
            folders = try fileSystem.listDirectory(at: directory).map { PathName.join(directory, $0) }
        }
        for folder in folders where try fileSystem.type(at: folder) == .directory {
            if try holdsFiles(folder) { return true }
        }
        return false
    }

    /// Seeding never follows a link out of the release: a persistent path below a link
    /// (`data/files` with `data -> /elsewhere`) would be moved, linked and chmod-ed through it.
    func refuseLinkedParents(of relative: String, in base: String) throws {
        var parent = base
        for component in PathName.components(relative).dropLast() {
            parent = PathName.join(parent, component)
            if try fileSystem.type(at: parent) == .symlink {
                throw ToolError(
                    "'\(parent)' is a link, and the persistent path '\(relative)' lies below it: seeding would follow it out of the release.",
                    hint: "Nothing was changed. Make it a real folder in the app, or classify the link's own path in persist-deploy.json.")
            }
        }
    }
}
