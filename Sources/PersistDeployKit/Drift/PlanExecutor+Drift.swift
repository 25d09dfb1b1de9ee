/// The executor's side of data rule 4: recording what a release holds before it goes live, and
/// moving what the running app wrote into an old release aside instead of deleting it.
extension PlanExecutor {
    /// Walks `release` and writes its manifest through a temporary file and a rename.
    func recordTree(of release: String, in manifest: String, disposable: [String]) throws {
        let tree = try DriftScanner(fileSystem: fileSystem).record(release, disposable: disposable)
        try fileSystem.createDirectory(at: PathName.parent(manifest), permissions: 0o755)
        try fileSystem.writeFile(at: manifest, contents: tree.bytes, permissions: 0o644)
    }

    /// Moves each of `paths` (relative to `release`) under the same path in `destination`, and
    /// copies each of `copies` there; a name already taken there gets a free one. What is gone
    /// already (a rerun) is skipped.
    func leaveBehind(_ paths: [String], copies: [String], of release: String, in destination: String) throws {
        for path in paths {
            let source = PathName.join(release, path)
            guard try fileSystem.exists(source) else { continue }
            try moveWithoutOverwriting(source, to: try freeName(for: PathName.join(destination, path), suffix: ".left-behind"))
        }
        for path in copies {
            let source = PathName.join(release, path)
            guard try fileSystem.exists(source) else { continue }
            let target = try freeName(for: PathName.join(destination, path), suffix: ".left-behind")
            try fileSystem.createDirectory(at: PathName.parent(target), permissions: 0o755)
            try fileSystem.copyTree(from: source, to: target)
        }
    }

    /// Removes an old release (or finishes removing one a crash left as `.removing-ID`): renamed
    /// aside, then what the running app wrote into it is moved to `left-behind/ID/`, then the
    /// rest is deleted, and last its manifests, which a rerun needs until then.
    func removeRelease(_ path: String, exclusions: [String], compareWith: String?) throws {
        let releases = PathName.parent(path)
        let root = DeployRoot(path: PathName.parent(releases))
        let name = PathName.basename(path)
        let id = name.hasPrefix(".removing-") ? String(name.dropFirst(".removing-".count)) : name
        let aside = PathName.join(releases, ".removing-" + id)
        if aside != path, try fileSystem.exists(path) {
            try fileSystem.rename(path, to: aside, replacing: false)
        }
        if try fileSystem.type(at: aside) == .directory {
            try moveDriftAside(of: aside, id: id, root: root, exclusions: exclusions, compareWith: compareWith)
            try fileSystem.removeTree(at: aside)
        }
        try fileSystem.removeTree(at: root.manifest(of: id))
        try fileSystem.removeTree(at: root.treeManifest(of: id))
        try fileSystem.removeTree(at: root.syncedFiles(of: id))
        try fileSystem.removeTree(at: root.syncedTree(of: id))
    }

    private func moveDriftAside(of release: String, id: String, root: DeployRoot, exclusions: [String], compareWith: String?) throws {
        let tree = (try? fileSystem.readFile(at: root.treeManifest(of: id))).flatMap(ReleaseTree.parse)
        let other = try compareWith ?? liveRelease(of: root)
        let destination = root.leftBehind(of: id)
        guard tree != nil || other.map({ (try? fileSystem.isDirectory($0)) == true }) == true else {
            // Nothing tells what it shipped: all of it is kept.
            try fileSystem.createDirectory(at: root.leftBehind, permissions: 0o755)
            try moveWithoutOverwriting(release, to: try freeName(for: destination, suffix: ".left-behind"))
            note("releases/\(id) had no record of what it shipped, so all of it was moved to '\(destination)' instead of being deleted.")
            return
        }
        let baseline: DriftBaseline = tree.map { .manifest($0) } ?? .otherRelease(other ?? "")
        // A path persistent today that this release holds as a real folder or file predates its
        // becoming persistent: what the app wrote there lives in this release only, so it is
        // compared like any other path (disposable paths excepted).
        let disposable = Set((tree?.disposable ?? []).map(NameBytes.Key.init))
        let excluded = try exclusions.filter { path in
            if disposable.contains(NameBytes.Key(path)) { return true }
            let type = try fileSystem.type(at: PathName.join(release, path))
            return type != .directory && type != .file
        }
        let drift = try DriftScanner(fileSystem: fileSystem).scan(release, against: baseline, excluding: DriftExclusions(excluded))
        guard !drift.isEmpty else { return }
        let report = DriftReport(drift, shipped: tree, persistent: [], webRoot: ".")
        for path in report.newTops + report.changedFiles {
            let source = PathName.join(release, path)
            guard try fileSystem.exists(source) else { continue }
            try moveWithoutOverwriting(source, to: try freeName(for: PathName.join(destination, path), suffix: ".left-behind"))
        }
        note("Cleanup of releases/\(id): the running app had written \(DriftGuard.summary(report)) into it; "
            + "they were moved to '\(destination)' instead of being deleted:\n" + DriftGuard.lines(report).joined(separator: "\n"))
    }

    /// The folder `current` points at, when it is a release of this root.
    private func liveRelease(of root: DeployRoot) throws -> String? {
        guard try fileSystem.type(at: root.current) == .symlink else { return nil }
        let resolved = PathName.absolute(try fileSystem.readSymlink(at: root.current), from: root.path)
        return PathName.parent(resolved) == root.releases ? resolved : nil
    }
}

/// Notes the executor's steps leave for the command's report. One executor runs on one thread.
package final class ExecutorNotes: @unchecked Sendable {
    package private(set) var all: [String] = []
    func add(_ note: String) { all.append(note) }
}

/// The second walk of the live release, just before the switch (`recheckLiveRelease`).
package struct LiveRecheck: Sendable, Equatable {
    package var root: DeployRoot
    /// The live release's id and where it is once an in-place site has been adopted.
    package var id: String
    package var release: String
    /// With no manifest of what the live release shipped, the folder it is compared with.
    package var compareWith: String
    /// Today's persistent, app-link, disposable and leftover paths, plus every path the plan's
    /// own walk found (already decided: the deploy stopped on them, or `--leave-behind` takes them).
    package var excluding: [String]
    /// Today's persistent paths and web root, which the advice's entries must respect.
    package var persistent: [String]
    package var webRoot: String
}

extension PlanExecutor {
    /// Stops before the switch when the running app wrote into the live release, outside shared/,
    /// anything the plan's walk did not see: the same stop as the plan's, said to be new.
    func recheckLiveRelease(_ recheck: LiveRecheck) throws {
        let tree = (try? fileSystem.readFile(at: recheck.root.treeManifest(of: recheck.id))).flatMap(ReleaseTree.parse)
        let baseline: DriftBaseline = tree.map { .manifest($0) } ?? .otherRelease(recheck.compareWith)
        let drift = try DriftScanner(fileSystem: fileSystem).scan(recheck.release, against: baseline, excluding: DriftExclusions(recheck.excluding))
        guard !drift.isEmpty else { return }
        let report = DriftReport(drift, shipped: tree, persistent: recheck.persistent, webRoot: recheck.webRoot) { path in
            let link = PathName.join(recheck.release, path)
            return DriftReport.Link.read(at: link, movedTo: link, shared: recheck.root.shared, fileSystem: fileSystem)
        }
        var error = DriftGuard.stop(
            report, release: recheck.id, comparedWithManifest: tree != nil, leftBehind: recheck.root.leftBehind(of: recheck.id), root: recheck.root)
        error.message = "While the new release was copied in, " + error.message.prefix(1).lowercased() + error.message.dropFirst()
        error.hint = error.hint.map { Text.replacing("Nothing was changed.", with: "Nothing went live; the new release stays unrecorded until a deploy finishes.", in: $0) }
        throw error
    }
}
