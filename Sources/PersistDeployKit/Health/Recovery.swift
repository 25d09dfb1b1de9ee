import Glibc

/// Emergency recovery, the native twin of `emergency-recovery.sh`: re-creates missing or broken
/// links, moves the files of a real folder found where a link belongs into shared/ without
/// overwriting anything, points a missing or broken `current` at the newest release, and takes
/// every-user access away from secrets. Planned first (for `--dry-run`), then applied; running
/// it twice changes nothing the second time. Nothing in shared/ is ever deleted (data rule 1).
package struct Recovery {
    /// One repair. Paths are absolute; `description` is what is printed.
    package enum Action: Sendable, Equatable {
        case pointCurrent(release: String)
        case createSharedFolder(path: String, at: String)
        /// Makes `at` a symlink with `text` (replacing a link there in one rename).
        case link(path: String, at: String, text: String)
        /// Moves every entry of the real folder `folder` into `into`, then links `folder`.
        case replaceFolder(path: String, folder: String, into: String, label: String, text: String)
        /// Moves a real file where a link belongs to `to` (a free name when shared/ has its own).
        case replaceFile(path: String, file: String, to: String, label: String, text: String)
        case restrictSecret(path: String, at: String, mode: UInt32)

        package var description: String {
            switch self {
            case .pointCurrent(let release): "point current at releases/\(release)"
            case .createSharedFolder(let path, _): "create the empty folder shared/\(path)"
            case .link(let path, _, let text): "re-create the link \(path) -> \(text)"
            case .replaceFolder(let path, _, _, let label, let text):
                "move the files of the real folder \(path) into \(label) (nothing overwritten), then link \(path) -> \(text)"
            case .replaceFile(let path, _, _, let label, let text):
                "move the release's own \(path) to \(label), then link \(path) -> \(text)"
            case .restrictSecret(let path, _, let mode):
                "remove every-user access from shared/\(path) (mode \(String(mode & 0o777, radix: 8)))"
            }
        }
    }

    package struct Plan: Sendable, Equatable {
        package var actions: [Action]
        /// What recovery cannot repair, one sentence each.
        package var problems: [String]
    }

    private let fileSystem: any FileSystem
    /// The suffix for a clashing newcomer: `NAME.recovered-<stamp>`.
    private let stamp: String
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
        let expectations = record.map { LayoutExpectations(record: $0, root: root) }
        if expectations == nil {
            problems.append("'\(root.configRecord)' is missing, so only `current` can be repaired; deploy first.")
        }

        var live: String?
        let target = resolve(root.current)
        let releases = resolve(root.releases)
        if type(root.current) == .symlink, let target, isDirectory(target), let releases,
            PathName.sameBytes(PathName.parent(target), releases)
        {
            live = target
        } else if type(root.current) != nil && type(root.current) != .symlink {
            problems.append("'\(root.current)' is a real file or directory, not a link; move it aside and run this again.")
        } else if let newest = newestRelease(root) {
            actions.append(.pointCurrent(release: newest))
            live = root.release(newest)
        } else {
            problems.append("There is no release under '\(root.releases)' to point current at.")
        }

        for persistent in expectations?.persistent ?? [] where persistent.kind == .dir {
            let stored = root.sharedPath(persistent.path)
            if type(stored) == nil { actions.append(.createSharedFolder(path: persistent.path, at: stored)) }
        }

        if let live, let expectations {
            for persistent in expectations.persistent {
                let path = persistent.path
                let link = PathName.join(live, path)
                let stored = root.sharedPath(path)
                switch type(link) {
                case .symlink:
                    let got = resolve(link)
                    // By bytes: a link to a canonically equivalent name points at another folder.
                    if got == nil || !PathName.sameBytes(got ?? "", resolve(stored) ?? "") {
                        actions.append(.link(path: path, at: link, text: persistent.linkText))
                    }
                case .directory:
                    actions.append(.replaceFolder(path: path, folder: link, into: stored, label: "shared/\(path)", text: persistent.linkText))
                case nil:
                    actions.append(.link(path: path, at: link, text: persistent.linkText))
                default:
                    let destination = type(stored) == nil ? stored : freeName(stored + ".recovered-" + stamp)
                    let label = "shared/" + (PathName.relative(destination, to: root.shared) ?? path)
                    actions.append(.replaceFile(path: path, file: link, to: destination, label: label, text: persistent.linkText))
                }
            }
            for appLink in expectations.appLinks {
                let link = PathName.join(live, appLink.path)
                let got = resolve(link)
                if type(link) == .symlink, let got, PathName.sameBytes(got, resolve(PathName.join(live, appLink.target)) ?? "") { continue }
                switch type(link) {
                case .symlink, nil:
                    actions.append(.link(path: appLink.path, at: link, text: appLink.linkText))
                case .directory:
                    actions.append(.replaceFolder(
                        path: appLink.path, folder: link, into: PathName.join(live, appLink.target), label: appLink.target,
                        text: appLink.linkText))
                default:
                    problems.append("'\(link)' is a file where a link to \(appLink.target) belongs; move it aside and run this again.")
                }
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
        case .createSharedFolder(_, let at):
            try fileSystem.createDirectory(at: at, permissions: 0o755)
        case .link(_, let at, let text):
            try pointLink(at: at, text: text)
        case .replaceFolder(_, let folder, let into, _, let text):
            try merge(folder, into: into, say: say)
            try pointLink(at: folder, text: text)
        case .replaceFile(_, let file, let destination, _, let text):
            try move(file, to: destination)
            try pointLink(at: file, text: text)
        case .restrictSecret(_, let at, let mode):
            try fileSystem.setPermissions(at: at, to: mode & ~0o007)
        }
    }

    /// Makes `path` a symlink with `text`: a temporary link renamed over it, so there is never a
    /// moment without one. Only ever replaces a link or nothing.
    private func pointLink(at path: String, text: String) throws(SystemCallError) {
        let parent = PathName.parent(path)
        try fileSystem.createDirectory(at: parent, permissions: 0o755)
        // A fixed name (recover holds the deploy lock): a killed run's leftover is removed here.
        let temporary = PathName.join(parent, ".persist-deploy-link")
        if type(temporary) == .symlink { try fileSystem.removeTree(at: temporary) }
        try fileSystem.createSymlink(at: temporary, target: text)
        try fileSystem.rename(temporary, to: path, replacing: true)
    }

    /// Moves each entry of `source` into `destination` without overwriting: folders present on
    /// both sides are merged, any other clash keeps both (the newcomer gets a free
    /// `.recovered-<stamp>` name). The emptied `source` is removed only once it is empty.
    private func merge(_ source: String, into destination: String, say: (String) -> Void) throws(SystemCallError) {
        try fileSystem.createDirectory(at: destination, permissions: 0o755)
        for name in try fileSystem.listDirectory(at: source) {
            let entry = PathName.join(source, name)
            let target = PathName.join(destination, name)
            let targetType = type(target)
            if type(entry) == .directory && targetType == .directory {
                try merge(entry, into: target, say: say)
            } else if targetType != nil {
                let free = freeName(target + ".recovered-" + stamp)
                say("  kept both: \(target) is saved as \(free)")
                try move(entry, to: free)
            } else {
                try move(entry, to: target)
            }
        }
        guard try fileSystem.listDirectory(at: source).isEmpty else {
            throw SystemCallError(call: "rmdir", path: source, code: ENOTEMPTY)
        }
        try fileSystem.removeTree(at: source)
    }

    /// Renames without replacing; across file systems copies, then removes the source.
    private func move(_ source: String, to destination: String) throws(SystemCallError) {
        do {
            try fileSystem.rename(source, to: destination, replacing: false)
        } catch where error.code == EXDEV {
            try fileSystem.copyTree(from: source, to: destination)
            try fileSystem.removeTree(at: source)
        }
    }

    /// `path`, or `path-2`, `path-3`... the first name not taken.
    private func freeName(_ path: String) -> String {
        var candidate = path
        var number = 2
        while type(candidate) != nil {
            candidate = "\(path)-\(number)"
            number += 1
        }
        return candidate
    }

    /// The newest real folder under releases/ named like a release id (names sort by age).
    private func newestRelease(_ root: DeployRoot) -> String? {
        let names = (try? fileSystem.listDirectory(at: root.releases)) ?? []
        return names.filter { ReleaseID.isValid($0) && type(root.release($0)) == .directory }.max()
    }

    private func type(_ path: String) -> EntryType? { (try? fileSystem.type(at: path)) ?? nil }
    private func resolve(_ path: String) -> String? { PathResolver.resolve(path, fileSystem: fileSystem) }
    private func isDirectory(_ path: String) -> Bool { (try? fileSystem.isDirectory(path, followSymlink: true)) ?? false }
}
