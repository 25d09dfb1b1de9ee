/// The served folder's checks (`--public-html`), the same as the section of `health-check.sh`:
/// the mode is read from what is on disk, so the script and the binary agree without the record.
extension HealthChecker {
    func servedFolderChecks(root: DeployRoot, expectations: LayoutExpectations, live: String?) -> [HealthCheckResult] {
        let served = expectations.served
        guard !served.isEmpty else { return [] }
        var checks: [HealthCheckResult] = []
        func add(_ status: HealthCheckResult.Status, _ name: String, _ path: String, _ message: String) {
            checks.append(HealthCheckResult(name: name, path: path, status: status, message: message))
        }
        let webRoot = expectations.webRoot
        let web = webRoot == "." ? root.current : PathName.join(root.current, webRoot)
        let synced = (try? fileSystem.readText(at: root.lastSynced)).map { Text.trimmed($0) } ?? ""
        switch type(served) {
        case .symlink:
            if let got = resolve(served) {
                if got == resolve(web) {
                    add(.pass, "served", served, "links to current/\(webRoot)")
                } else {
                    add(.fail, "served", served, "points at \(got), not at current/\(webRoot)")
                }
            } else {
                add(.fail, "served", served, "is a dangling link to \(linkText(served))")
            }
        case .directory:
            if synced.isEmpty {
                add(.warn, "served", served, "is a real folder that no deploy synced; deploy with --public-html and --sync")
            } else if let live, synced != PathName.basename(live) {
                add(.warn, "served", served, "shows releases/\(synced), but current is releases/\(PathName.basename(live)); run emergency-recovery.sh")
            } else {
                add(.pass, "served", served, "is a real folder synced from releases/\(synced)")
            }
            for folder in expectations.servedFolders where folder.kind == .dir {
                let place = PathName.join(served, folder.name)
                let stored = root.sharedPath(folder.sharedPath)
                if type(stored) == .symlink, type(place) != .symlink, Self.resolveMissing(stored, through: self, link: true) == Self.resolveMissing(place, through: self, link: false) {
                    if isDirectory(place) && probe.isWritable(place) {
                        add(.pass, "served-data", folder.name, "holds the files of \(folder.sharedPath)")
                    } else if isDirectory(place) {
                        add(.fail, "served-data", folder.name, "is not writable")
                    } else {
                        add(.fail, "served-data", folder.name, "is missing; it held the files of \(folder.sharedPath)")
                    }
                } else if type(place) == .symlink {
                    if let got = resolve(place), got == resolve(stored) {
                        add(.pass, "served-link", folder.name, "links to shared/\(folder.sharedPath)")
                    } else {
                        add(.fail, "served-link", folder.name, "does not resolve to shared/\(folder.sharedPath)")
                    }
                } else if isDirectory(place) {
                    add(.warn, "served-link", folder.name, "is a real folder, not a link to shared/\(folder.sharedPath); deploy again to merge it")
                } else {
                    add(.fail, "served-link", folder.name, "is missing, so the files in shared/\(folder.sharedPath) are not served")
                }
            }
            if expectations.framework == .laravel {
                if isFile(PathName.join(served, "index.php")) {
                    add(.pass, "served-index", "index.php", "loads the live release")
                } else {
                    add(.fail, "served-index", "index.php", "is missing from the served folder")
                }
            }
            if isFile(PathName.join(served, "index.html")), resolve(PathName.join(web, "index.php")) != nil, resolve(PathName.join(web, "index.html")) == nil {
                add(.warn, "served-index", "index.html", "is not part of the release and is served before index.php; deploy with --move-index-aside")
            }
        case nil:
            add(.fail, "served", served, "is missing")
        default:
            add(.fail, "served", served, "is not a folder or a link")
        }
        return checks
    }

    /// Sync mode: what the app changed in the served folder since the last sync, which the next
    /// deploy would stop for (`ServedDrift`); `health-check.sh` makes the same comparison.
    func servedDriftChecks(root: DeployRoot, record: PersistenceRecord, live: String?) -> [HealthCheckResult] {
        guard let served = record.servedFolder?.path else { return [] }
        let drift: ServedDrift?
        do {
            drift = try PublicHTML.drift(
                served: served, root: root, paths: record.paths, webRoot: record.webRoot, liveRelease: live.map(PathName.basename), fileSystem: fileSystem)
        } catch {
            return [HealthCheckResult(name: "served-drift", path: served, status: .warn, message: "the served folder could not be read: \(error)")]
        }
        guard let drift else { return [] }
        guard !drift.isEmpty else {
            return [HealthCheckResult(name: "served-drift", path: served, status: .pass, message: "holds what the sync of releases/\(drift.syncedID) wrote")]
        }
        let app = drift.appReport(webRoot: record.webRoot)
        return app.groups.map { group in
            HealthCheckResult(name: "served-drift", path: NameBytes.display(group.path), status: .warn, message: Self.driftMessage(group))
        } + drift.removed.map { path in
            HealthCheckResult(
                name: "served-drift", path: NameBytes.display(record.webRoot == "." ? path : PathName.join(record.webRoot, path)), status: .warn,
                message: "shipped file removed from the served folder: the next deploy would stop for it (the sync would put it back)")
        }
    }

    /// `readlink -m`: the canonical path of `path` (of what the link `path` points at, with
    /// `link`) even when its last component does not exist.
    static func resolveMissing(_ path: String, through checker: HealthChecker, link: Bool) -> String? {
        var target = path
        if link {
            guard let text = try? checker.fileSystem.readSymlink(at: path) else { return nil }
            target = PathName.normalize(PathName.absolute(text, from: PathName.parent(path)))
        }
        if let full = checker.resolve(target) { return full }
        return checker.resolve(PathName.parent(target)).map { PathName.join($0, PathName.basename(target)) }
    }
}
