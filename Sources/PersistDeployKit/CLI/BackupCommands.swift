import Glibc

/// How `restore` asks a person: whether stdin is a terminal, and a way to ask one question.
package struct Prompter: Sendable {
    package var isTerminal: Bool
    /// Shows the question and returns the answer line, nil at end of input.
    package var ask: @Sendable (String) -> String?

    package init(isTerminal: Bool, ask: @escaping @Sendable (String) -> String?) {
        self.isTerminal = isTerminal
        self.ask = ask
    }

    /// The process's stdin; the question goes to stderr so stdout keeps only results.
    package static let live = Prompter(isTerminal: isatty(STDIN_FILENO) == 1) { question in
        let bytes = Array(question.utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        return readLine(strippingNewline: true)
    }
}

/// `backup`, `backups`, `restore` and `status`.
enum BackupCommands {
    static func backup(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        let root = try DeployRoot.existing(option: invocation.value("--root"), sharedOption: nil, context: context)
        let keep = try invocation.integer("--keep", in: 1...100_000) ?? BackupStore.defaultKeep
        let wait = try invocation.integer("--wait", in: 0...86_400) ?? 0
        let lock = try DeployLock.acquire(root: root, command: "backup", waitSeconds: wait, context: context, notice: console.notice)
        defer { lock.release() }
        let store = BackupStore(root: root, now: context.now)
        let paths = try BackupStore.persistentPaths(root: root, fileSystem: context.fileSystem)
        let info = try store.create(persistentPaths: paths, keep: keep, console: console)
        console.say("Backed up \(Text.count(info.files, "file")) (\(Text.bytes(info.bytes))) into \(store.folder(of: info.id))")
        console.result(info)
        return .success
    }

    static func backups(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        let root = try DeployRoot.existing(option: invocation.value("--root"), sharedOption: nil, context: context)
        let store = BackupStore(root: root, now: context.now)
        guard invocation.flag("--verify") else {
            let backups = try store.list()
            printTable(backups, console: console, root: root)
            console.result(BackupList(backups: backups))
            return .success
        }
        // Under the lock, so a backup pruning old snapshots cannot look like damage.
        let lock = try DeployLock.acquire(root: root, command: "backups --verify", waitSeconds: 0, context: context)
        defer { lock.release() }
        let backups = try store.list()
        printTable(backups, console: console, root: root)
        var checked: [FileIdentity: String] = [:]
        var damaged: [VerifyProblem] = []
        for (index, backup) in backups.enumerated() {
            let meter = console.meter(verb: "checking", label: "backup \(backup.id) (\(index + 1) of \(backups.count))")
            for problem in try store.verify(backup.id, checked: &checked, progress: meter) {
                damaged.append(VerifyProblem(backup: backup.id, problem: problem))
            }
        }
        console.endProgress()
        console.result(BackupList(backups: backups, damaged: damaged))
        guard damaged.isEmpty else {
            for item in damaged { console.warn("\(item.backup): \(item.problem)") }
            let names = Set(damaged.map(\.backup)).sorted().joined(separator: ", ")
            throw ToolError(
                "\(Text.count(damaged.count, "problem")) in \(names) under '\(root.backups)': the snapshot no longer matches its manifest.",
                hint: "Do not restore from it; the other backups are intact. Run 'persist-deploy backup' to make a fresh one.")
        }
        console.say("All \(Text.count(backups.count, "backup")) match their manifests.")
        return .success
    }

    static func restore(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        try restore(invocation, context, console, prompter: .live)
    }

    static func restore(_ invocation: Invocation, _ context: Context, _ console: Console, prompter: Prompter) throws -> ExitCode {
        let root = try DeployRoot.existing(option: invocation.value("--root"), sharedOption: nil, context: context)
        let wait = try invocation.integer("--wait", in: 0...86_400) ?? 0
        let store = BackupStore(root: root, now: context.now)
        let backups = try store.list()
        guard let newest = backups.first else {
            throw ToolError("There are no backups in '\(root.backups)' to restore.", hint: "Nothing was changed.")
        }
        let path = invocation.value("--path")
        var id = invocation.positionals.first
        if !invocation.flag("--yes") {
            guard prompter.isTerminal else {
                throw ToolError(
                    "'restore' replaces data in '\(root.shared)' and needs a yes: stdin is not a terminal to ask on.",
                    hint: "Pass --yes to restore without asking (what is replaced is backed up first). Nothing was changed.")
            }
            printTable(backups, console: console, root: root)
            if id == nil {
                let answer = Text.trimmed(prompter.ask("Backup to restore [\(newest.id)]: ") ?? "")
                id = answer.isEmpty ? newest.id : answer
            }
            let what = path.map { "'\($0)'" } ?? "the backed-up paths"
            let answer = Text.trimmed(prompter.ask(
                "Replace \(what) in \(root.shared) with backup \(id ?? newest.id)? What is there now is backed up first. [y/N] ") ?? "")
            guard ["y", "yes"].contains(answer.lowercased()) else {
                throw ToolError("Restore cancelled.", hint: "Nothing was changed.")
            }
        }
        let chosen = id ?? newest.id
        let lock = try DeployLock.acquire(root: root, command: "restore \(chosen)", waitSeconds: wait, context: context, notice: console.notice)
        defer { lock.release() }
        let paths = try BackupStore.persistentPaths(root: root, fileSystem: context.fileSystem)
        let outcome = try store.restore(chosen, path: path, persistentPaths: paths, console: console)
        console.say("Restored \(outcome.paths.joined(separator: ", ")) from backup \(outcome.restored).")
        console.say("What was there before is kept as backup \(outcome.previousState.id).")
        console.result(outcome)
        return .success
    }

    static func status(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        let root = try DeployRoot.existing(option: invocation.value("--root"), sharedOption: nil, context: context)
        let report = try StatusReport.gather(root: root, context: context, console: console)
        for line in report.lines(now: context.now()) { console.say(line) }
        console.result(report.json)
        return .success
    }

    private static func printTable(_ backups: [BackupInfo], console: Console, root: DeployRoot) {
        guard !backups.isEmpty else {
            console.say("No backups in \(root.backups) yet.")
            return
        }
        console.say("Backups in \(root.backups), newest first:")
        for backup in backups {
            console.say("  \(Text.padded(backup.id, to: 22))  \(backup.created)  \(Text.padded(Text.count(backup.files, "file"), to: 12))  \(Text.bytes(backup.bytes))")
        }
    }
}

/// The `backups` JSON object.
struct BackupList: Encodable {
    var backups: [BackupInfo]
    /// With `--verify`: every problem found.
    var damaged: [VerifyProblem]?
}

struct VerifyProblem: Encodable {
    var backup: String
    var problem: String
}
