import Glibc

/// The operations that change who may use a path and the hooks: modes, the web group, ACLs.
extension PlanExecutor {
    /// `chmod o-rwx` on a real file; a link, a folder or nothing there is left alone.
    func restrictSecret(_ path: String) throws {
        guard let status = try fileSystem.status(at: path, followSymlink: false), status.type == .file else { return }
        if status.permissions & 0o007 != 0 {
            try fileSystem.setPermissions(at: path, to: status.permissions & ~0o007)
        }
    }

    /// `chmod +t` on a folder that its group or everyone may write to, so only a file's owner
    /// (or the folder's) can delete or rename it; a folder only its owner writes is left alone.
    func protectToolFiles(_ shared: String) throws {
        guard let status = try fileSystem.status(at: shared, followSymlink: false), status.type == .directory else { return }
        if status.permissions & 0o022 != 0 && status.permissions & 0o1000 == 0 {
            try fileSystem.setPermissions(at: shared, to: status.permissions | 0o1000)
        }
    }

    /// Gives `grant.path` (and, when recursive, everything below it) to the web group. Links are
    /// never followed or changed. Entries below the top that this user may not change (another
    /// user's files, e.g. what PHP wrote as the web user) are left as they are: their owner has
    /// access already.
    func grantWebGroup(_ grant: WebGroupGrant) throws {
        guard let top = try fileSystem.status(at: grant.path, followSymlink: false),
              top.type == .file || top.type == .directory else { return }
        do {
            try share(grant.path, top, grant)
        } catch let error as SystemCallError where error.code == EPERM {
            throw ToolError(
                "'\(grant.path)' could not be given to the web group \(grant.group.name): \(error.reason).",
                hint: "Its owner is another user: run the deploy as root, or chown it to the deploy user (chown -R DEPLOY_USER '\(grant.path)'). Nothing went live.")
        }
        var skipped = 0
        if grant.recursive && top.type == .directory {
            try shareTree(below: grant.path, grant, skipped: &skipped)
        }
        if skipped > 0 {
            console?.detail("  \(Text.count(skipped, "entry")) below \(grant.path) belong to other users and were left as they are")
        }
        if grant.writable && top.type == .directory {
            setDefaultACL(grant)
        }
    }

    private func shareTree(below directory: String, _ grant: WebGroupGrant, skipped: inout Int) throws {
        for name in try fileSystem.listDirectory(at: directory) {
            let path = PathName.join(directory, name)
            guard let status = try fileSystem.status(at: path, followSymlink: false),
                  status.type == .file || status.type == .directory else { continue }
            do {
                try share(path, status, grant)
            } catch let error as SystemCallError where error.code == EPERM {
                skipped += 1
            }
            if status.type == .directory { try shareTree(below: path, grant, skipped: &skipped) }
        }
    }

    /// The group, then the mode: chgrp clears a file's setgid bit, and the mode wanted holds after it.
    private func share(_ path: String, _ status: FileStatus, _ grant: WebGroupGrant) throws {
        if status.group != grant.group.id {
            try fileSystem.setOwner(at: path, user: nil, group: grant.group.id)
        }
        var mode = status.permissions
        if status.type == .directory {
            mode |= grant.writable ? 0o2070 : 0o2050
        } else {
            mode |= grant.writable ? 0o060 : 0o040
        }
        if grant.secret { mode &= ~0o007 }
        if mode != status.permissions || status.group != grant.group.id {
            try fileSystem.setPermissions(at: path, to: mode)
        }
    }

    /// Default ACL entries, where `setfacl` and the file system have them, so files the deploy user
    /// (cron, `artisan` by hand) creates later are writable for the web group whatever the umask
    /// (Deployer's `writable_mode: acl`). Without them the setgid bit still passes the group on.
    private func setDefaultACL(_ grant: WebGroupGrant) {
        guard aclSupport else { return }
        let entry = "g:\(grant.group.id):rwX"
        var arguments = ["setfacl"]
        if grant.recursive { arguments += ["-R", "-P"] }
        arguments += ["-m", entry, "-m", "d:\(entry)", "--", grant.path]
        do {
            let result = try ProcessGroup.run(
                arguments, in: "/", environment: environment, timeoutSeconds: 600, interruption: nil)
            if !result.succeeded {
                console?.detail("  setfacl on \(grant.path) \(HookRunner.ending(result)): \(String(decoding: result.output.prefix(300), as: UTF8.self))")
            }
        } catch {
            console?.detail("  no ACLs for \(grant.path): setfacl could not run (\(error.reason)); the setgid bit passes the group on")
        }
    }

    /// Runs a hook; a failure (or a timeout) is an error naming the hook and its last lines.
    func runHook(_ hook: Hook) throws {
        let runner = HookRunner(fileSystem: fileSystem, console: console, environment: environment, interruption: interruption)
        let result = try runner.run(hook)
        if case .interrupted(let signal) = result.end {
            throw ToolError("Interrupted by \(Interruption.name(of: signal)) during the \(hook.stage.rawValue) hook.", hint: "The hook's processes were stopped.")
        }
        guard result.succeeded else { throw Self.hookFailure(hook, result) }
    }

    /// The error (or, after the switch, the warning) a failed hook gives.
    static func hookFailure(_ hook: Hook, _ result: ProcessGroup.Result) -> ToolError {
        let how = HookRunner.ending(result)
        let tail = HookRunner.tail(result)
        switch hook.stage {
        case .beforeSwitch:
            return ToolError(
                "The before-switch hook (\(hook.shownCommand)) \(how), so releases/\(hook.releaseID) did not go live. Its last lines:\n\(tail)",
                hint: "'current' was not moved\(hook.previousID.map { " (it still points at releases/\($0))" } ?? ""); the release is kept and marked failed. "
                    + "The whole output is in \(hook.logPath). Fix the cause and deploy again.")
        case .afterSwitch:
            return ToolError(
                "The after-switch hook (\(hook.shownCommand)) \(how); releases/\(hook.releaseID) is live. Its last lines:\n\(tail)",
                hint: "Nothing was rolled back. The whole output is in \(hook.logPath); run the command by hand if it still needs to run.")
        case .verify:
            return ToolError("The --verify command (\(hook.shownCommand)) \(how). Its last lines:\n\(tail)", hint: "The whole output is in \(hook.logPath).")
        }
    }
}
