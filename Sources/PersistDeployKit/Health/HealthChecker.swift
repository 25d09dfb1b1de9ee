/// The native health check: the same checks, names, paths and statuses as the generated
/// `health-check.sh`, in the same order, so either can be trusted and they can be compared.
package struct HealthChecker {
    /// Below this share of the file system free the disk check warns. A share, not a size: 500 MB
    /// is plenty on a small VPS disk and a warning too late on a 2 TB one.
    package static let minimumFreePercent: UInt64 = 5

    let fileSystem: any FileSystem
    let probe: HostProbe
    /// Names and memberships of the web user the record names.
    let accounts: Accounts

    package init(fileSystem: any FileSystem, accounts: Accounts = .system) {
        self.init(fileSystem: fileSystem, probe: .live, accounts: accounts)
    }

    package init(fileSystem: any FileSystem, probe: HostProbe, accounts: Accounts = .system) {
        self.fileSystem = fileSystem
        self.probe = probe
        self.accounts = accounts
    }

    /// Checks the live layout; with `release`, checks that release as if it were live (a deploy
    /// runs this before its switch, so a release `health-check` would fail never goes live).
    package func check(root: DeployRoot, record: PersistenceRecord?, release: String? = nil) -> HealthReport {
        var checks: [HealthCheckResult] = []
        func add(_ status: HealthCheckResult.Status, _ name: String, _ path: String, _ message: String) {
            checks.append(HealthCheckResult(name: name, path: path, status: status, message: message))
        }
        let live = release ?? liveRelease(root: root, add: add)
        // The live release's own app links: after a rollback they may differ from the record's.
        let ownLinks = live.flatMap { ReleaseManifest.appLinks(of: PathName.basename($0), root: root, fileSystem: fileSystem) }
        let expectations = record.map { LayoutExpectations(record: $0, root: root).withAppLinks(ownLinks) }
        if expectations == nil {
            // With a release live, the record is gone with shared/: deploying now would start the
            // site on empty data, so the advice is to bring shared/ back first.
            add(.fail, "record", ".persistence-config", live == nil
                ? "is missing; deploy first, then run persist-deploy generate"
                : "is missing while current is live: shared/ ('\(root.shared)') looks unmounted, moved or emptied; "
                    + "mount or restore it (persist-deploy restore) before any deploy, which would start the site on empty data")
        }
        let web = webAccess(expectations, add: add)

        for persistent in expectations?.persistent ?? [] {
            let path = persistent.path
            if let live {
                let link = PathName.join(live, path)
                switch type(link) {
                case .symlink:
                    let got = resolve(link)
                    let want = resolve(root.sharedPath(path))
                    if got == nil, persistent.awaitsApp, type(root.sharedPath(path)) == nil, linkText(link) == persistent.linkText {
                        add(.pass, "link", path, "links to shared/\(path) (not created yet)")
                    } else if got == nil {
                        add(.fail, "link", path, "is a dangling link to \(linkText(link))")
                    } else if !PathName.sameBytes(got ?? "", want ?? "") {  // by bytes: NFC and NFD are two folders
                        add(.fail, "link", path, "points at \(got ?? ""), not at shared/\(path)")
                    } else if persistent.kind == .dir && !isDirectory(link) {
                        add(.fail, "link", path, "resolves to something that is not a directory")
                    } else if persistent.kind == .file && !isFile(link) {
                        add(.fail, "link", path, "resolves to something that is not a file")
                    } else if linkText(link).hasPrefix("/") {
                        add(.warn, "link", path, Self.absoluteLink(linkText(link)))
                    } else {
                        add(.pass, "link", path, "links to shared/\(path)")
                    }
                case .directory: add(.fail, "link", path, "is a real directory, not a link into shared/")
                case nil: add(.fail, "link", path, "is missing")
                default: add(.fail, "link", path, "is a real file, not a link into shared/")
                }
            }
            let stored = root.sharedPath(path)
            // As `[[ -e ]]` in the script: a dangling link is missing.
            let exists = resolve(stored) != nil
            if persistent.kind == .dir {
                if isDirectory(stored), let web {
                    if let denial = web.denial(stored, [.write, .execute]) {
                        add(.fail, "shared", path, denial)
                    } else {
                        add(.pass, "shared", path, "is a writable directory for \(web.access.subject)")
                    }
                } else if isDirectory(stored) && probe.isWritable(stored) {
                    add(.pass, "shared", path, "is a writable directory")
                } else if isDirectory(stored) {
                    add(.fail, "shared", path, notWritable(stored))
                } else if exists {
                    add(.fail, "shared", path, "is not a directory")
                } else {
                    add(.fail, "shared", path, HealthAdvice.missingFromShared)
                }
            } else if isFile(stored), let web {
                let secret = expectations?.secrets.contains(path) == true
                if let denial = web.denial(stored, secret ? [.read] : [.read, .write]) {
                    add(.fail, "shared", path, denial)
                } else {
                    add(.pass, "shared", path, "is a file \(secret ? "readable by" : "writable for") \(web.access.subject)")
                }
            } else if isFile(stored) {
                add(.pass, "shared", path, "is a file")
            } else if exists {
                add(.fail, "shared", path, "is not a file")
            } else if persistent.optional {
                add(.pass, "shared", path, "is not created: the app reads it only when present")
            } else if persistent.awaitsApp {
                add(.warn, "shared", path, "is not created yet: the app's installer writes it through the link")
            } else {
                add(.fail, "shared", path, HealthAdvice.missingFromShared)
            }
        }

        if let web {
            for path in expectations?.writableSubfolders ?? [] {
                let stored = root.sharedPath(path)
                if !isDirectory(stored) {
                    add(.fail, "shared", path, type(stored) == nil ? HealthAdvice.missingFromShared : "is not a directory")
                } else if let denial = web.denial(stored, [.write, .execute]) {
                    add(.fail, "shared", path, denial)
                } else {
                    add(.pass, "shared", path, "is a writable directory for \(web.access.subject)")
                }
            }
        }

        if let live, let expectations {
            for path in expectations.assets {
                let asset = PathName.join(live, path)
                switch type(asset) {
                case .symlink: add(.fail, "asset", path, "is a symlink; assets must be real directories of the release")
                case .directory: add(.pass, "asset", path, "is a real directory")
                case nil: add(.warn, "asset", path, "is missing from the release")
                default: add(.fail, "asset", path, "is not a directory")
                }
            }
            for appLink in expectations.appLinks {
                let link = PathName.join(live, appLink.path)
                let got = resolve(link)
                let want = resolve(PathName.join(live, appLink.target))
                if type(link) == .symlink && got != nil && got == want && linkText(link).hasPrefix("/") {
                    add(.warn, "app-link", appLink.path, Self.absoluteLink(linkText(link)))
                } else if type(link) == .symlink && got != nil && got == want {
                    add(.pass, "app-link", appLink.path, "links to \(appLink.target)")
                } else if type(link) == .symlink {
                    add(.fail, "app-link", appLink.path, "does not resolve to \(appLink.target)")
                } else if got != nil || type(link) != nil {
                    add(.fail, "app-link", appLink.path, "is not a link to \(appLink.target)")
                } else {
                    add(.fail, "app-link", appLink.path, "is missing (should link to \(appLink.target))")
                }
            }
            let links = [(root.current, "current")] + (expectations.persistent.map(\.path) + expectations.appLinks.map(\.path))
                .map { (PathName.join(live, $0), $0) }
            linkOwners(links.map { (path: $0.0, shown: $0.1) }, add: add)
            for finding in ReleaseHygiene.findings(appDirectory: live, webRoot: expectations.webRoot, fileSystem: fileSystem) {
                add(.warn, "hygiene", finding.path, finding.message)
            }
        }

        // A release checked before its switch had its tree recorded moments ago, after its
        // before-switch hook: it has no drift, and the walk would cost a third of the deploy.
        if let live, let record, release == nil {
            checks += driftChecks(live: live, root: root, record: record)
        }

        if let expectations {
            checks += servedFolderChecks(root: root, expectations: expectations, live: live)
        }
        if let record, release == nil, record.servedFolder?.mode == .sync {
            checks += servedDriftChecks(root: root, record: record, live: live)
        }

        for path in expectations?.secrets ?? [] {
            let secret = root.sharedPath(path)
            guard let status = try? fileSystem.status(at: secret, followSymlink: true), status.type == .file else { continue }
            let mode = String(status.permissions & 0o777, radix: 8)
            if status.permissions & 0o007 != 0 {
                // The whole path: cron mails this from a home folder, not from the root.
                add(.warn, "secret-mode", path, "mode \(mode) lets every user read it; run: chmod o-rwx \(Shell.quote(resolve(secret) ?? secret))")
            } else {
                add(.pass, "secret-mode", path, "mode \(mode)")
            }
        }

        if release == nil {
            checks += adoptionChecks(root: root)
            let leftovers = Leftovers.find(
                root: root, persistent: expectations?.persistent.map(\.path) ?? [],
                appLinks: expectations?.appLinks.map(\.path) ?? [], fileSystem: fileSystem)
            for leftover in leftovers { add(.warn, "leftover", leftover.label, leftover.message) }
        }

        if let space = probe.diskSpace(root.shared), space.totalKB > 0 {
            let percent = space.availableKB * 100 / space.totalKB
            let megabytes = space.availableKB / 1024
            if percent < Self.minimumFreePercent {
                add(.warn, "disk", "shared", "\(megabytes) MB free (\(percent)%, under \(Self.minimumFreePercent)%); deploys and uploads may fail")
            } else {
                add(.pass, "disk", "shared", "\(megabytes) MB free (\(percent)%)")
            }
        } else {
            add(.warn, "disk", "shared", "free space could not be read")
        }

        let historySize = (try? fileSystem.status(at: root.historyFile, followSymlink: true))?.size ?? 0
        if let last = DeploymentHistory.last(root, fileSystem: fileSystem) {
            add(.pass, "history", ".deployment-history", "last deploy: \(last.release)")
        } else if historySize > 0 {
            add(.pass, "history", ".deployment-history", "has entries")
        } else {
            add(.warn, "history", ".deployment-history", "no deploy is recorded")
        }

        let persistentPaths = expectations?.persistent.map(\.path) ?? []
        for leftover in BackupLeftovers.findings(root: root, persistentPaths: persistentPaths, fileSystem: fileSystem) {
            add(.warn, "leftover", leftover.path, leftover.message)
        }
        return HealthReport(checks: checks)
    }

    /// The warning for a link that works but is absolute: it breaks when the root is moved or
    /// mounted elsewhere (the contract makes every link relative); `recover` rewrites it.
    static func absoluteLink(_ text: String) -> String {
        "is an absolute link to \(text); recover (or emergency-recovery.sh) makes it relative, so the root can move"
    }

    /// The `current` check; returns the live release's canonical path when it is sound.
    private func liveRelease(root: DeployRoot, add: (HealthCheckResult.Status, String, String, String) -> Void) -> String? {
        switch type(root.current) {
        case .symlink:
            let target = resolve(root.current)
            let releases = resolve(root.releases)
            guard let target, isDirectory(target) else {
                add(.fail, "current", "current", "is a dangling link to \(linkText(root.current))")
                return nil
            }
            guard let releases, PathName.parent(target) == releases else {
                add(.fail, "current", "current", "resolves to \(target), not to a release under releases/")
                return nil
            }
            add(.pass, "current", "current", "points at releases/\(PathName.basename(target))")
            return target
        case nil:
            add(.fail, "current", "current", "is missing")
            return nil
        default:
            add(.fail, "current", "current", "is not a symlink")
            return nil
        }
    }

    func type(_ path: String) -> EntryType? { (try? fileSystem.type(at: path)) ?? nil }
    func resolve(_ path: String) -> String? { PathResolver.resolve(path, fileSystem: fileSystem) }
    func linkText(_ path: String) -> String { (try? fileSystem.readSymlink(at: path)) ?? "?" }
    func isDirectory(_ path: String) -> Bool { (try? fileSystem.isDirectory(path, followSymlink: true)) ?? false }
    func isFile(_ path: String) -> Bool { (try? fileSystem.status(at: path, followSymlink: true))?.type == .file }

    /// Why a folder may refuse writes, with what can be seen of it (the script says the same).
    func notWritable(_ path: String) -> String {
        guard let status = try? fileSystem.status(at: path, followSymlink: true) else { return "is not writable" }
        let owner = accounts.userName(status.owner) ?? String(status.owner)
        return "is not writable (mode \(String(status.permissions & 0o7777, radix: 8)), owner \(owner)); check the owner and mode, "
            + "an immutable flag (lsattr -d) or a read-only mount"
    }
}
