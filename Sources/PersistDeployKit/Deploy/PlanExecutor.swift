import Glibc

/// Applies a plan's operations in order; the only code that changes a deploy root. Each
/// operation is safe to find half-done: a rerun of the command plans again from what is on disk.
package struct PlanExecutor {
    let fileSystem: any FileSystem
    let console: Console?
    /// Test hook for crash testing: after this many operations the process kills itself with
    /// SIGKILL (set from `PERSIST_DEPLOY_CRASH_AFTER`).
    let crashAfter: Int?
    let environment: [String: String]
    /// SIGINT/SIGTERM caught during a deploy: checked before each operation and while a hook runs.
    let interruption: Interruption?
    /// Whether `setfacl` may be tried for the web group (only on the real disk).
    let aclSupport: Bool
    /// What steps had to say (files left behind by a cleanup): the deploy's report adds them to
    /// its warnings.
    package let notes = ExecutorNotes()

    package init(
        fileSystem: any FileSystem, console: Console?, environment: [String: String] = [:],
        interruption: Interruption? = nil, aclSupport: Bool = false
    ) {
        self.fileSystem = fileSystem
        self.console = console
        self.environment = environment
        self.crashAfter = environment["PERSIST_DEPLOY_CRASH_AFTER"].flatMap { Int($0) }
        self.interruption = interruption
        self.aclSupport = aclSupport
    }

    /// Applies `operations`; `counted` is how many were applied before (for the crash hook).
    package func apply(_ operations: ArraySlice<DeployOperation>, root: String, counted: Int = 0) throws(ToolError) {
        var done = counted
        for operation in operations {
            if let signal = interruption?.received {
                throw ToolError("Interrupted by \(Interruption.name(of: signal)) before '\(operation.describe(relativeTo: root))'.", hint: "Run the same command again to finish.")
            }
            console?.detail("  \(operation.describe(relativeTo: root))")
            do {
                try apply(operation)
            } catch {
                throw Self.toolError(error, step: operation.describe(relativeTo: root))
            }
            done += 1
            if let crashAfter, done == crashAfter { kill(getpid(), SIGKILL) }
        }
    }

    /// Says something a step did that the report must carry (the command prints it).
    func note(_ text: String) {
        notes.add(text)
    }

    /// Wraps any failure of a step in a message naming the step.
    static func toolError(_ error: any Error, step: String) -> ToolError {
        if let error = error as? ToolError { return error }
        if let error = error as? SystemCallError { return ToolError.system(error, while: "Step '\(step)'") }
        return ToolError("Step '\(step)' failed: \(error).", hint: "Steps before it were applied and are safe to keep; run the same command again to finish, or 'persist-deploy recover'.")
    }

    private func apply(_ operation: DeployOperation) throws {
        switch operation {
        case .removeLeftover(let path):
            try fileSystem.removeTree(at: path)
        case .copyRelease(let from, let to):
            try fileSystem.removeTree(at: to)
            try fileSystem.copyTree(from: from, to: to)
        case .extractRelease(let archive, let to):
            for note in try extract(archive, into: to) { notes.add(note) }
        case .publishRelease(let from, let to):
            try fileSystem.rename(from, to: to, replacing: false)
            try fileSystem.syncDirectory(at: PathName.parent(to))
        case .adoptInPlaceSite(let current, let release):
            try adopt(current, as: release)
        case .createDirectory(let path):
            try fileSystem.createDirectory(at: path, permissions: 0o755)
        case .moveIntoShared(let from, let to):
            try moveWithoutOverwriting(from, to: to)
        case .adoptLiveData(let root, let shared, let release, let path):
            try adoptLiveData(root: DeployRoot(path: root, shared: shared), release: release, path: path)
        case .mergeMoveIntoShared(let from, let to, let suffix):
            try mergeMove(from, into: to, suffix: suffix)
        case .addMissingFiles(let from, let to, let files):
            for file in files {
                let destination = PathName.join(to, file)
                if try fileSystem.exists(destination) { continue }
                try fileSystem.createDirectory(at: PathName.parent(destination), permissions: 0o755)
                try copyWithoutOverwriting(PathName.join(from, file), to: destination)
            }
        case .copyFile(let from, let to, let permissions):
            guard try !fileSystem.exists(to) else { return }
            try copyWithoutOverwriting(from, to: to, permissions: permissions)
        case .createEmptyFile(let path, let permissions):
            guard try !fileSystem.exists(path) else { return }
            try fileSystem.writeFile(at: path, contents: [], permissions: permissions)
        case .removeReleaseCopy(let path):
            try fileSystem.removeTree(at: path)
        case .link(let path, let target):
            try link(path, to: target)
        case .setPermissions(let path, let permissions):
            // Only a real file or folder: chmod through a link would change what it points at.
            guard let type = try fileSystem.type(at: path), type == .file || type == .directory else { return }
            try fileSystem.setPermissions(at: path, to: permissions)
        case .writeFile(let path, let contents, let permissions):
            // Escapes back to their bytes: a path in a script or record is its real name.
            try fileSystem.writeFile(at: path, contents: NameBytes.bytes(contents), permissions: permissions)
        case .restrictSecret(let path):
            try restrictSecret(path)
        case .grantWebGroup(let grant):
            try grantWebGroup(grant)
        case .protectToolFiles(let shared):
            try protectToolFiles(shared)
        case .runHook(let hook):
            try runHook(hook)
        case .verifyLinks(let release, let links, let awaiting):
            try verify(release: release, links: links, awaiting: Set(awaiting.map(NameBytes.Key.init)))
        case .checkRelease(let release, let record):
            try checkRelease(release, record: record)
        case .switchCurrent(let root, let releaseID):
            try switchCurrent(root: root, releaseID: releaseID)
        case .appendHistory(let root, let shared, let line):
            try DeploymentHistory.append(line, to: DeployRoot(path: root, shared: shared), fileSystem: fileSystem)
        case .rotateHistory(let shared, let archive, let carried):
            try rotateHistory(shared: shared, archive: archive, carried: carried)
        case .mergeReleaseCopyIntoShared(let from, let to, let suffix):
            try mergeReleaseCopy(from, into: to, suffix: suffix)
        case .recordReleaseTree(let release, let manifest, let disposable):
            try recordTree(of: release, in: manifest, disposable: disposable)
        case .recheckLiveRelease(let recheck):
            try recheckLiveRelease(recheck)
        case .leaveBehind(let release, let paths, let copies, let to):
            try leaveBehind(paths, copies: copies, of: release, in: to)
        case .removeRelease(let path, let exclusions, let compareWith):
            try removeRelease(path, exclusions: exclusions, compareWith: compareWith)
        case .replaceEmptyFolderWithLink(let path, let target):
            try replaceEmptyFolderWithLink(path, target: target)
        case .replaceLinkWithFolder(let path):
            try replaceLinkWithFolder(path)
        case .moveDataToServedFolder(let shared, let served, let linkText, let suffix):
            try moveDataToServedFolder(shared: shared, served: served, linkText: linkText, suffix: suffix)
        case .syncServedFolder(let from, let to, let files, let removing):
            try syncServedFolder(from: from, to: to, files: files, removing: removing)
        }
    }

    /// Rename when possible; across file systems copy to a temporary name beside the
    /// destination, rename that into place, and only then remove the source.
    func moveWithoutOverwriting(_ source: String, to destination: String) throws {
        try fileSystem.createDirectory(at: PathName.parent(destination), permissions: 0o755)
        if try renamedWithinFileSystem(source, to: destination) { return }
        try copyWithoutOverwriting(source, to: destination)
        try fileSystem.removeTree(at: source)
    }

    /// Copies to a temporary name beside the destination and renames that into place (never
    /// replacing), so a crash mid-copy never leaves a partial file under the final name, which a
    /// rerun would take for the finished one. `permissions` are set before the rename. The
    /// temporary name is short and fixed (a 255-byte name has no room for a suffix): one copy runs
    /// at a time, and the next copy into that folder removes a crashed one's leftover.
    func copyWithoutOverwriting(_ source: String, to destination: String, permissions: UInt32? = nil) throws {
        let temporary = PathName.join(PathName.parent(destination), ".persist-deploy.seeding")
        try fileSystem.removeTree(at: temporary)
        try fileSystem.copyTree(from: source, to: temporary)
        if let permissions { try fileSystem.setPermissions(at: temporary, to: permissions) }
        try fileSystem.rename(temporary, to: destination, replacing: false)
    }

    /// Renames without replacing; false (nothing done) when the two are on different file systems.
    func renamedWithinFileSystem(_ source: String, to destination: String) throws(SystemCallError) -> Bool {
        do {
            try fileSystem.rename(source, to: destination, replacing: false)
            return true
        } catch {
            if error.code == EXDEV { return false }
            throw error
        }
    }

    /// Creates the link, or replaces an existing link atomically; a real file or folder in the
    /// way is never removed here (the plan removes release copies explicitly).
    func link(_ path: String, to target: String) throws {
        switch try fileSystem.type(at: path) {
        case nil:
            try fileSystem.createSymlink(at: path, target: target)
        case .symlink:
            if PathName.sameBytes(try fileSystem.readSymlink(at: path), target) { return }
            let temporary = PathName.join(PathName.parent(path), ".\(PathName.basename(path)).link-tmp")
            try fileSystem.removeTree(at: temporary)
            try fileSystem.createSymlink(at: temporary, target: target)
            try fileSystem.rename(temporary, to: path, replacing: true)
        default:
            throw ToolError("'\(path)' is a real file or folder where a link must go.", hint: "Move it aside and run the command again; nothing there was deleted.")
        }
    }

    private func verify(release: String, links: [NameBytes.Key: String], awaiting: Set<NameBytes.Key>) throws {
        var problems: [String] = []
        for (key, target) in links.sorted(by: { $0.key < $1.key }) {
            let path = key.string
            guard try fileSystem.type(at: path) == .symlink, PathName.sameBytes(try fileSystem.readSymlink(at: path), target) else {
                problems.append("'\(path)' is not a link to '\(target)'")
                continue
            }
            if try fileSystem.status(at: path, followSymlink: true) == nil, !awaiting.contains(key) {
                problems.append("'\(path)' -> '\(target)' resolves to nothing")
            }
        }
        if !problems.isEmpty {
            throw ToolError(
                "The release '\(release)' is not complete, so it was not made live: " + problems.joined(separator: "; ") + ".",
                hint: "'current' still points at the previous release. Run the deploy again, or 'persist-deploy recover'.")
        }
    }

    /// Data rule 5: a temporary link renamed over `current`, confirmed by reading it back.
    func switchCurrent(root: String, releaseID: String) throws {
        let current = PathName.join(root, "current")
        let target = "releases/\(releaseID)"
        let temporary = PathName.join(root, ".current.tmp-\(getpid())")
        try fileSystem.removeTree(at: temporary)
        try fileSystem.createSymlink(at: temporary, target: target)
        try fileSystem.rename(temporary, to: current, replacing: true)
        let now = try fileSystem.readSymlink(at: current)
        guard now == target else {
            throw ToolError("'\(current)' reads '\(now)' after the switch, not '\(target)'.", hint: "Another process changed it; run 'persist-deploy releases' and check.")
        }
        try fileSystem.syncDirectory(at: root)
    }

    /// `extractRelease` on its own, counted as one operation, so the deploy can report what was
    /// left out of the archive.
    package func extractRelease(_ archive: String, into directory: String, counted: Int) throws(ToolError) -> [String] {
        let operation = DeployOperation.extractRelease(archive: archive, to: directory)
        console?.detail("  \(operation.describe(relativeTo: PathName.parent(PathName.parent(directory))))")
        let notes: [String]
        do {
            notes = try extract(archive, into: directory)
        } catch {
            throw Self.toolError(error, step: operation.describe(relativeTo: PathName.parent(PathName.parent(directory))))
        }
        if let crashAfter, counted + 1 == crashAfter { kill(getpid(), SIGKILL) }
        return notes
    }

    /// The archive is judged first (nothing written when it is refused), then extracted without
    /// owners or preserved modes, without its device nodes and FIFOs; what `tar` kept anyway is
    /// removed or restricted. Returns what was left out or changed, for the report.
    private func extract(_ archive: String, into directory: String) throws -> [String] {
        let inspection = try ArchiveInspection.inspect(archive, base: directory, environment: environment)
        try fileSystem.removeTree(at: directory)
        try fileSystem.createDirectory(at: directory, permissions: 0o755)
        var arguments = ["tar", "-xzf", archive, "-C", directory, "--no-same-owner", "--no-same-permissions"]
        if !inspection.special.isEmpty {
            arguments += ["--anchored", "--no-wildcards"] + inspection.special.map { "--exclude=" + NameBytes.string($0) }
        }
        let status = try Subprocess.run(arguments, environment: environment)
        // tar runs as this user: as root its files are root's until given to the root's owner.
        try (fileSystem as? OwningFileSystem)?.claimTree(directory)
        if status != 0 {
            throw ToolError(
                "Extracting '\(archive)' failed (tar exited with \(status)).",
                hint: "Check that it is a .tar.gz of the app and that the disk has room; nothing live was changed.")
        }
        var report = try ArchiveSanitizer.clean(directory, fileSystem: fileSystem)
        func shown(_ name: [UInt8]) -> String {
            NameBytes.string(Array(name.split(separator: UInt8(ascii: "/")).filter { $0 != [UInt8(ascii: ".")] }.joined(separator: [UInt8(ascii: "/")])))
        }
        // What tar itself stripped is named too, once.
        let stripped = inspection.restricted.map(shown).filter { !$0.isEmpty }
        report.restricted = Array(Set((report.restricted + stripped).map(NameBytes.Key.init))).map(\.string).sorted(by: PathName.bytewiseLess)
        return ArchiveSanitizer.notes(report, special: inspection.special.map(shown))
    }
}
