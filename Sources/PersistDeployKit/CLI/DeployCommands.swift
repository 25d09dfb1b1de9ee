import Glibc

/// The deploys (`auto`, `first`, `subsequent`, `plan`, `deploy`), `releases`, `rollback` and `prune`.
enum DeployCommands {
    static func deploy(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        var request = DeployRequest()
        var rootOption = invocation.value("--root")
        var sharedOption = invocation.value("--shared")
        let name = invocation.command.name
        switch name {
        case "first": request.mode = .first
        case "subsequent": request.mode = .subsequent
        case "deploy":
            // Seed-compatible form: deploy RELEASE_DIR SHARED_DIR [auto|first|subsequent].
            let release = context.absolutePath(invocation.positionals[0])
            guard PathName.basename(PathName.parent(release)) == "releases" else {
                throw ToolError.usage("RELEASE_DIR '\(release)' must be a folder inside a deploy root's releases/ folder.", command: name)
            }
            rootOption = rootOption ?? PathName.parent(PathName.parent(release))
            sharedOption = context.absolutePath(invocation.positionals[1])
            request.source = .existing(path: release)
            if invocation.positionals.count == 3 {
                guard let mode = DeployMode(rawValue: invocation.positionals[2]) else {
                    throw ToolError.usage("The mode must be auto, first or subsequent, not '\(invocation.positionals[2])'.", command: name)
                }
                request.mode = mode
            }
        default: break
        }
        let root = DeployRoot.resolve(option: rootOption, sharedOption: sharedOption, context: context)
        if sharedOption != nil {
            try root.refuseOtherShared(fileSystem: context.fileSystem)
        } else if !PathName.sameBytes(root.shared, DeployRoot(path: root.path).shared) {
            console.say("Keeping the data in '\(root.shared)', the shared folder this root recorded.")
        }
        if let keep = try invocation.integer("--keep", in: 1...1000) { request.keep = keep }
        request.activate = !invocation.flag("--no-activate")
        if let release = invocation.value("--release") {
            if invocation.value("--from") != nil {
                throw ToolError.usage("Pass either --release or --from, not both.", command: name)
            }
            request.source = .existing(path: release.contains("/") ? context.absolutePath(release) : root.release(release))
        } else if let from = invocation.value("--from") {
            let path = context.absolutePath(from)
            request.source = path.hasSuffix(".tar.gz") || path.hasSuffix(".tgz") ? .archive(path: path) : .directory(path: path)
        }
        var options = DeployOptions()
        options.dryRun = name == "plan" || invocation.flag("--dry-run")
        options.waitSeconds = try invocation.integer("--wait", in: 0...86_400) ?? 0
        options.verifyCommand = invocation.value("--verify")
        request.webUserOption = invocation.value("--web-user")
        request.webGroupOption = invocation.value("--web-group")
        request.beforeSwitchOption = invocation.value("--before-switch")
        request.afterSwitchOption = invocation.value("--after-switch")
        request.hookTimeoutOption = try invocation.integer("--hook-timeout", in: DeploySettings.timeoutRange)
        request.publicHTML = invocation.value("--public-html").map(context.absolutePath)
        if invocation.flag("--sync") && invocation.flag("--no-sync") {
            throw ToolError.usage("Pass either --sync or --no-sync, not both.", command: name)
        }
        request.syncPublicHTML = invocation.flag("--sync") ? true : invocation.flag("--no-sync") ? false : nil
        switch invocation.value("--served-links") {
        case nil: break
        case "yes": request.servedLinks = true
        case "no": request.servedLinks = false
        case let other?: throw ToolError.usage("--served-links takes yes or no, not '\(other)'.", command: name)
        }
        request.moveIndexAside = invocation.flag("--move-index-aside")
        request.backupFirst = invocation.flag("--backup")
        request.adopt = invocation.flag("--adopt")
        request.allowFrameworkChange = invocation.flag("--allow-framework-change")
        request.reclassify = invocation.flag("--reclassify")
        options.prompter = .live
        request.leaveBehind = invocation.flag("--leave-behind")
        if request.leaveBehind && !request.activate {
            throw ToolError.usage(
                "--leave-behind moves files out of the live release after the switch, so it cannot go with --no-activate.", command: name)
        }
        if request.publicHTML == nil && (request.syncPublicHTML != nil || request.servedLinks != nil || request.moveIndexAside),
            root.recordedServedFolder(context.fileSystem) == nil
        {
            throw ToolError.usage("--sync, --no-sync, --served-links and --move-index-aside go with --public-html PATH.", command: name)
        }

        // Run as root on a root another user owns: what the deploy creates becomes that user's.
        var context = context
        context.fileSystem = OwningFileSystem.forRoot(root.path, fileSystem: context.fileSystem)
        let report: DeployReport
        do {
            report = try sayingWhetherLive { () throws(ToolError) in
                try Deployer(context: context, console: console, root: root).run(request, options: options, commandName: name)
            }
        } catch {
            throw diskFullAdvice(error, root: root, context: context)
        }
        for warning in report.warnings { console.warn(warning) }
        if let operations = report.operations {
            console.say("Plan for releases/\(report.release) (\(operations.count) operations, nothing changed):")
            if let owner = report.owner { console.say("  (run as root: what it creates is given to \(owner), the deploy root's owner)") }
            for (index, operation) in operations.enumerated() { console.say("  \(index + 1). \(operation.description)") }
        } else {
            console.say(report.activated ? "Deployed releases/\(report.release); current now points at it." : "Prepared releases/\(report.release) (not activated).")
            for path in report.paths {
                var counts: [String] = []
                if let added = path.added, added > 0 { counts.append("\(Text.count(added, "new file")) added") }
                if let shadowed = path.shadowed, shadowed > 0 { counts.append("\(Text.count(shadowed, "shipped file")) kept as shared/ has them") }
                let detail = counts.isEmpty ? "" : "; " + counts.joined(separator: ", ")
                console.say("  \(Text.padded(path.action.rawValue, to: 8))  \(path.path)  (\(path.class.rawValue)\(detail))")
            }
            if !report.removedReleases.isEmpty {
                console.say("Removed old releases: \(report.removedReleases.joined(separator: ", "))")
            }
        }
        console.result(report)
        return .success
    }

    /// A deploy that ran out of space says what old releases hold and how to remove them.
    private static func diskFullAdvice(_ error: ToolError, root: DeployRoot, context: Context) -> ToolError {
        guard error.systemCode == ENOSPC || error.systemCode == EDQUOT, let advice = Prune.diskFullAdvice(root: root, context: context) else {
            return error
        }
        var advised = error
        advised.hint = [error.hint, advice].compactMap { $0 }.joined(separator: " ")
        return advised
    }

    static func releases(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        let root = try DeployRoot.existing(option: invocation.value("--root"), sharedOption: nil, context: context)
        let state = try DeployState.read(root, fileSystem: context.fileSystem)
        let listing = ReleaseListing(state: state, root: root, fileSystem: context.fileSystem)
        if listing.releases.isEmpty { console.say("No releases under '\(root.releases)'.") }
        for line in listing.lines() { console.say(line) }
        console.result(listing)
        return .success
    }

    static func rollback(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        for option in ["--to", "--if-current"] {
            // A release is a folder directly under releases/: a path is not one.
            if let id = invocation.value(option), id.isEmpty || id == "." || id == ".." || id.utf8.contains(UInt8(ascii: "/")) {
                throw ToolError.usage("\(option) takes a release id (a folder name under releases/), not '\(NameBytes.display(id))'.", command: "rollback")
            }
        }
        let root = try DeployRoot.existing(option: invocation.value("--root"), sharedOption: nil, context: context)
        var context = context
        context.fileSystem = OwningFileSystem.forRoot(root.path, fileSystem: context.fileSystem)
        var request = RollbackRequest()
        request.target = invocation.value("--to")
        request.waitSeconds = try invocation.integer("--wait", in: 0...86_400) ?? 0
        request.dryRun = invocation.flag("--dry-run")
        request.ifCurrent = invocation.value("--if-current")
        request.leaveBehind = invocation.flag("--leave-behind")
        let result = try sayingWhetherLive { () throws(ToolError) in
            try Rollback(context: context, console: console, root: root).run(request)
        }
        let from = result.from.map { "releases/\(NameBytes.display($0))" } ?? "nothing"
        let to = "releases/\(NameBytes.display(result.release))"
        if result.alreadyLive {
            console.say("\(to) is already live, nothing to do.")
        } else if !result.rolledBack {
            console.say("Nothing rolled back: current points at \(result.from.map { "releases/\(NameBytes.display($0))" } ?? "no release"), "
                + "not at releases/\(NameBytes.display(request.ifCurrent ?? "")), so this release is no longer live.")
        } else if let operations = result.operations {
            console.say("Would switch current from \(from) to \(to) (\(operations.count) operations, nothing changed):")
            for (index, operation) in operations.enumerated() { console.say("  \(index + 1). \(operation.description)") }
        } else {
            if !result.relinked.isEmpty {
                console.say("Re-linked \(to) to shared/ for: \(result.relinked.joined(separator: ", "))")
            }
            console.say("current now points at \(to) (was \(from)).")
        }
        console.result(result)
        return .success
    }

    static func prune(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        let root = try DeployRoot.existing(option: invocation.value("--root"), sharedOption: nil, context: context)
        // Run as root on a root another user owns: what cleanup moves aside stays that user's.
        var context = context
        context.fileSystem = OwningFileSystem.forRoot(root.path, fileSystem: context.fileSystem)
        var request = PruneRequest()
        if let keep = try invocation.integer("--keep", in: 1...1000) { request.keep = keep }
        request.dryRun = invocation.flag("--dry-run")
        request.waitSeconds = try invocation.integer("--wait", in: 0...86_400) ?? 0
        let result = try Prune(context: context, console: console, root: root).run(request)
        for warning in result.warnings { console.warn(warning) }
        let names = result.removedReleases.map { NameBytes.display($0) }.joined(separator: ", ")
        if let operations = result.operations {
            console.say("Plan (\(operations.count) operations, nothing changed):")
            for (index, operation) in operations.enumerated() { console.say("  \(index + 1). \(operation.description)") }
        } else if result.removedReleases.isEmpty {
            console.say("Nothing to remove: \(request.keep) finished release\(request.keep == 1 ? "" : "s") or fewer besides the live and the previous one.")
        } else {
            console.say("Removed old releases: \(names)")
        }
        console.result(result)
        return .success
    }

    /// A command that can move `current` says in its `--json` error whether it did:
    /// `"activated": false` unless the failure came after the switch and said otherwise.
    private static func sayingWhetherLive<T>(_ body: () throws(ToolError) -> T) throws(ToolError) -> T {
        do {
            return try body()
        } catch {
            var error = error
            if error.activated == nil { error.activated = false }
            throw error
        }
    }
}
