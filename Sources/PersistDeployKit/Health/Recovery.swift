import Glibc

/// Emergency recovery, the native twin of `emergency-recovery.sh`: re-creates missing, broken or
/// absolute links, moves the files of a real folder found where a link belongs into shared/
/// without overwriting anything, points a missing or broken `current` at the release the records
/// say was live last (`RecoveryTarget`), and takes every-user access away from secrets. Data
/// missing from shared/ is not papered over with an empty folder: it is reported with the backup
/// to restore it from. Planned first (for `--dry-run`), then applied; running it twice changes
/// nothing the second time. Nothing in shared/ is ever deleted (data rule 1).
package struct Recovery {
    /// One repair. Paths are absolute; `description` is what is printed.
    package enum Action: Sendable, Equatable {
        case pointCurrent(release: String)
        /// Makes `at` a symlink with `text` (replacing a link there in one rename).
        case link(path: String, at: String, text: String)
        /// Moves every entry of the real folder `folder` into `into`, then links `folder`.
        case replaceFolder(path: String, folder: String, into: String, label: String, text: String)
        /// Moves a real file where a link belongs to `to`, where shared/ has no file yet.
        case replaceFile(path: String, file: String, to: String, label: String, text: String)
        /// Replaces a real file holding the same bytes as shared/'s copy with the link.
        case replaceDuplicate(path: String, file: String, text: String)
        case restrictSecret(path: String, at: String, mode: UInt32)
        /// Copies the live release's web root into the real served folder (removing nothing).
        case syncServedFolder(release: String, served: String)
        case writeServedIndex(at: String)
        /// Removes the temporary link (or emptied folder) a killed recover left at `at`.
        case removeLeftover(path: String, at: String)
        /// Finishes an adoption of a path of the live release a deploy was killed in (`AdoptionJournal`).
        case finishAdoption(AdoptionJournal, stage: AdoptionJournal.Stage)

        package var description: String {
            switch self {
            case .pointCurrent(let release): "point current at releases/\(release)"
            case .link(let path, _, let text): "re-create the link \(path) -> \(text)"
            case .replaceFolder(let path, _, _, let label, let text):
                "move the files of the real folder \(path) into \(label) (nothing overwritten), then link \(path) -> \(text)"
            case .replaceFile(let path, _, _, let label, let text):
                "move the release's own \(path) to \(label), then link \(path) -> \(text)"
            case .replaceDuplicate(let path, _, let text):
                "replace the release's own \(path) (the same bytes as shared/\(path)) with the link \(path) -> \(text)"
            case .removeLeftover(let path, _): "remove \(path), left by an interrupted recover"
            case .restrictSecret(let path, _, let mode):
                "remove every-user access from shared/\(path) (mode \(String(mode & 0o777, radix: 8)))"
            case .syncServedFolder(let release, let served): "copy the web root of releases/\(release) into \(served)"
            case .writeServedIndex(let at): "write \(at) (it loads the live release)"
            case .finishAdoption(let journal, let stage): Recovery.describe(journal, stage: stage)
            }
        }
    }

    package struct Plan: Sendable, Equatable {
        package var actions: [Action]
        /// What recovery cannot repair, one sentence each.
        package var problems: [String]
    }

    let fileSystem: any FileSystem
    /// The suffix for a clashing newcomer: `NAME.recovered-<stamp>`.
    let stamp: String
    /// Test hook for crash testing, as in `PlanExecutor`: after this many repairs the process
    /// kills itself with SIGKILL (from `PERSIST_DEPLOY_CRASH_AFTER`).
    private let crashAfter: Int?

    package init(fileSystem: any FileSystem, now: Date, environment: [String: String] = [:]) {
        self.fileSystem = fileSystem
        self.stamp = ReleaseID.timestamp(now)
        self.crashAfter = environment["PERSIST_DEPLOY_CRASH_AFTER"].flatMap { Int($0) }
    }

    package func plan(root: DeployRoot, record: PersistenceRecord?) -> Plan {
        var actions: [Action] = []
        var problems: [String] = []
        var expectations = record.map { LayoutExpectations(record: $0, root: root) }
        if expectations == nil {
            // An adoption stopped before it wrote the record: the deploy that was adopting
            // finishes it (it moved some paths into shared/ and knows the rest).
            let adopting = (try? fileSystem.exists(root.adoptionMarker)) == true
            problems.append(adopting
                ? "An adoption of the site was interrupted before '\(root.configRecord)' was written; run the same "
                    + "'persist-deploy auto --adopt' command again to finish it (what it moved into shared/ is there)."
                : "'\(root.configRecord)' is missing, so only `current` can be repaired; if a deploy or an adoption (--adopt) was "
                    + "interrupted, run the same command again to finish it; otherwise deploy first.")
        }

        // First: until it is finished, the path is in no record, so nothing below would see it.
        let adoption = adoptionRepair(root: root)
        if let action = adoption.action { actions.append(action) }
        if let problem = adoption.problem { problems.append(problem) }

        var live: String?
        let target = resolve(root.current)
        let releases = resolve(root.releases)
        if type(root.current) == .symlink, let target, isDirectory(target), let releases,
            PathName.sameBytes(PathName.parent(target), releases)
        {
            live = target
        } else if type(root.current) == .directory {
            problems.append(
                "'\(root.current)' is a real folder: a site deployed in place, which is live as it is. "
                    + "Adopt it with 'persist-deploy auto --adopt --root \(Shell.quote(root.path)) --from NEW_RELEASE'.")
        } else if type(root.current) != nil && type(root.current) != .symlink {
            problems.append("'\(root.current)' is a real file, not a link; move it aside and run this again.")
        } else if let good = RecoveryTarget.choose(root: root, fileSystem: fileSystem) {
            actions.append(.pointCurrent(release: good))
            live = root.release(good)
        } else {
            let folders = ((try? fileSystem.listDirectory(at: root.releases)) ?? []).filter(ReleaseID.isValid)
            problems.append(
                "No release under '\(root.releases)' is recorded as having gone live, so current is not pointed at any"
                    + (folders.isEmpty ? "." : " (there are \(folders.joined(separator: ", ")); once you have checked one: ln -sfn releases/ID current)."))
        }
        // The live release's own app links: after a rollback they may differ from the record's.
        if let live {
            expectations = expectations?.withAppLinks(ReleaseManifest.appLinks(of: PathName.basename(live), root: root, fileSystem: fileSystem))
        }

        // An empty folder in place of missing data would hide the loss (an unmounted disk, a
        // deleted folder) behind a site that looks fine: say so, and where the backups are.
        // Unless the live release holds the path as a real folder or file, which moves there.
        // A config file the app's installer has not written yet is expected to be absent.
        for persistent in expectations?.persistent ?? [] where type(root.sharedPath(persistent.path)) == nil && !persistent.awaitsApp {
            let inRelease = live.map { type(PathName.join($0, persistent.path)) } ?? nil
            if inRelease == .directory || inRelease == .file { continue }
            problems.append(Self.missingData(persistent, root: root))
        }

        if let live, let expectations {
            for persistent in expectations.persistent {
                let path = persistent.path
                let link = PathName.join(live, path)
                let stored = root.sharedPath(path)
                switch type(link) {
                case .symlink:
                    let got = resolve(link)
                    // A config file the app's installer writes is missing until it does: the link
                    // is right, and recovery never creates the file (an empty one looks installed).
                    if persistent.awaitsApp, type(stored) == nil,
                        let text = try? fileSystem.readSymlink(at: link), PathName.sameBytes(text, persistent.linkText)
                    {
                        continue
                    }
                    // By bytes: a link to a canonically equivalent name points at another folder.
                    if got == nil || !PathName.sameBytes(got ?? "", resolve(stored) ?? "") || isAbsoluteLink(link) {
                        actions.append(.link(path: path, at: link, text: persistent.linkText))
                    }
                case .directory:
                    if let problem = differingFolder(link, into: stored, root: root) {
                        problems.append(problem)
                    } else {
                        actions.append(.replaceFolder(path: path, folder: link, into: stored, label: "shared/\(path)", text: persistent.linkText))
                    }
                case nil:
                    actions.append(.link(path: path, at: link, text: persistent.linkText))
                default:
                    if type(stored) == nil {
                        actions.append(.replaceFile(path: path, file: link, to: stored, label: "shared/\(path)", text: persistent.linkText))
                    } else if (try? fileSystem.sameContents(link, stored)) == true {
                        actions.append(.replaceDuplicate(path: path, file: link, text: persistent.linkText))
                    } else {
                        problems.append(
                            "'\(link)' is a real file where the link to '\(stored)' belongs, and the two differ: only one can be live, "
                                + "and recovery does not choose. "
                                + DifferingCopies.fileChoices(live: link, shared: stored, then: recoverAgain(root)))
                    }
                }
            }
            for appLink in expectations.appLinks {
                let link = PathName.join(live, appLink.path)
                let got = resolve(link)
                if type(link) == .symlink, let got, PathName.sameBytes(got, resolve(PathName.join(live, appLink.target)) ?? ""),
                    !isAbsoluteLink(link)
                {
                    continue
                }
                switch type(link) {
                case .symlink, nil:
                    actions.append(.link(path: appLink.path, at: link, text: appLink.linkText))
                case .directory:
                    let into = PathName.join(live, appLink.target)
                    if let problem = differingFolder(link, into: into, root: root) {
                        problems.append(problem)
                    } else {
                        actions.append(.replaceFolder(path: appLink.path, folder: link, into: into, label: appLink.target, text: appLink.linkText))
                    }
                default:
                    problems.append("'\(link)' is a file where a link to \(appLink.target) belongs; move it aside and run this again.")
                }
            }
        }

        if let expectations {
            actions += servedFolderActions(root: root, expectations: expectations, live: live, problems: &problems)
        }
        if let live, let expectations {
            // The fixed temporary name of `pointLink`, beside each link this command makes.
            let folders = Set((expectations.persistent.map(\.path) + expectations.appLinks.map(\.path)).map {
                NameBytes.Key(PathName.parent(PathName.join(live, $0)))
            })
            for folder in folders.sorted() {
                let leftover = PathName.join(folder.string, Self.temporaryName)
                let isOurs = type(leftover) == .symlink
                    || (type(leftover) == .directory && ((try? fileSystem.listDirectory(at: leftover).isEmpty) ?? false))
                if isOurs { actions.append(.removeLeftover(path: PathName.relative(leftover, to: live) ?? leftover, at: leftover)) }
            }
        }

        for path in expectations?.secrets ?? [] {
            let secret = root.sharedPath(path)
            guard let status = try? fileSystem.status(at: secret, followSymlink: false), status.type == .file,
                status.permissions & 0o007 != 0
            else { continue }
            actions.append(.restrictSecret(path: path, at: secret, mode: status.permissions))
        }
        return Plan(actions: actions, problems: problems)
    }

    /// Applies `plan`, telling `say` each step; returns what could not be done.
    package func apply(_ plan: Plan, root: DeployRoot, say: (String) -> Void) -> [String] {
        var problems = plan.problems
        for (done, action) in plan.actions.enumerated() {
            say(action.description)
            do throws(SystemCallError) {
                try perform(action, root: root, say: say)
            } catch {
                problems.append("Could not \(action.description): \(error.call) '\(error.path)': \(error.reason).")
            }
            if let crashAfter, done + 1 == crashAfter { kill(getpid(), SIGKILL) }
        }
        return problems
    }

    private func perform(_ action: Action, root: DeployRoot, say: (String) -> Void) throws(SystemCallError) {
        switch action {
        case .pointCurrent(let release):
            try pointLink(at: root.current, text: PathName.join("releases", release))
        case .link(_, let at, let text):
            try pointLink(at: at, text: text)
        case .replaceFolder(_, let folder, let into, _, let text):
            try merge(folder, into: into, say: say, keepingSource: true)
            try replaceEmptyFolder(folder, text: text, into: into, say: say)
        case .replaceFile(_, let file, let destination, _, let text):
            try move(file, to: destination)
            try pointLink(at: file, text: text)
        case .replaceDuplicate(_, let file, let text):
            // One rename of the link over the file: shared/ holds the same bytes.
            let temporary = try temporaryLink(beside: file, text: text)
            try fileSystem.rename(temporary, to: file, replacing: true)
        case .restrictSecret(_, let at, let mode):
            try fileSystem.setPermissions(at: at, to: mode & ~0o007)
        case .syncServedFolder(let release, let served):
            try syncServedFolder(release: release, served: served, root: root)
        case .writeServedIndex(let at):
            try fileSystem.writeText(PublicHTML.laravelIndex(original: nil, root: root), to: at)
        case .finishAdoption(let journal, let stage):
            try finishAdoption(journal, stage: stage, root: root, say: say)
        case .removeLeftover(_, let at):
            // Only ever a link or an empty folder: anything else is not ours to remove.
            var isOurs = type(at) == .symlink
            if !isOurs, type(at) == .directory { isOurs = try fileSystem.listDirectory(at: at).isEmpty }
            if isOurs { try fileSystem.removeTree(at: at) }
        }
    }

    /// The problem for a persistent path whose data is not in shared/, word for word what
    /// `emergency-recovery.sh` says.
    package static func missingData(_ persistent: LayoutExpectations.Persistent, root: DeployRoot) -> String {
        let stored = root.sharedPath(persistent.path)
        let create = persistent.kind == .dir ? "create it empty with mkdir -p -- \(Shell.quote(stored))" : "write it anew at \(Shell.quote(stored))"
        return "shared/\(persistent.path) is missing, and recovery does not replace lost data with an empty one "
            + "(was shared/ moved, or a disk not mounted?). Put it back from a backup: persist-deploy restore --root "
            + "\(Shell.quote(root.path)) --path \(Shell.quote(persistent.path)) (backups are in \(Shell.quote(root.backups))); "
            + "if it is really gone, \(create), then run recovery again."
    }

    /// The problem for a real folder whose copies differ from those at `into`; nil when it
    /// merges without choosing (its other files are new, or the same bytes).
    private func differingFolder(_ folder: String, into: String, root: DeployRoot) -> String? {
        guard type(into) == .directory else { return nil }
        let differing: [String]
        do { differing = try fileSystem.differingCopies(of: folder, in: into) } catch {
            return "Could not compare '\(folder)' with '\(into)': \(error.call) '\(error.path)': \(error.reason)."
        }
        guard !differing.isEmpty else { return nil }
        let verb = differing.count == 1 ? "1 file differs" : "\(differing.count) files differ"
        return "'\(folder)' is a real folder where the link to '\(into)' belongs, and \(verb) in it "
            + "from the copies there (\(DifferingCopies.shown(differing))): only one copy of each can be live, and recovery "
            + "does not choose, so it left this folder as it is. "
            + DifferingCopies.folderChoices(live: folder, shared: into, differing: differing, then: recoverAgain(root))
    }

    private func recoverAgain(_ root: DeployRoot) -> String {
        "run persist-deploy recover --root \(Shell.quote(root.path)) again"
    }

    private func isAbsoluteLink(_ path: String) -> Bool { ((try? fileSystem.readSymlink(at: path)) ?? "").hasPrefix("/") }
    func type(_ path: String) -> EntryType? { (try? fileSystem.type(at: path)) ?? nil }
    func resolve(_ path: String) -> String? { PathResolver.resolve(path, fileSystem: fileSystem) }
    func isDirectory(_ path: String) -> Bool { (try? fileSystem.isDirectory(path, followSymlink: true)) ?? false }
}
