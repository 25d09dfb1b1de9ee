/// The deploys (`auto`, `first`, `subsequent`, `plan`, `deploy`), `releases` and `rollback`.
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
        request.syncPublicHTML = invocation.flag("--sync")
        request.backupFirst = invocation.flag("--backup")
        request.leaveBehind = invocation.flag("--leave-behind")
        if request.leaveBehind && !request.activate {
            throw ToolError.usage(
                "--leave-behind moves files out of the live release after the switch, so it cannot go with --no-activate.", command: name)
        }
        if request.syncPublicHTML && request.publicHTML == nil {
            throw ToolError.usage("--sync goes with --public-html PATH.", command: name)
        }

        // Run as root on a root another user owns: what the deploy creates becomes that user's.
        var context = context
        context.fileSystem = OwningFileSystem.forRoot(root.path, fileSystem: context.fileSystem)
        let report = try Deployer(context: context, console: console, root: root).run(request, options: options, commandName: name)
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

    static func releases(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        let root = try DeployRoot.existing(option: invocation.value("--root"), sharedOption: nil, context: context)
        let state = try DeployState.read(root, fileSystem: context.fileSystem)
        let listing = ReleaseListing(state: state)
        if listing.releases.isEmpty { console.say("No releases under '\(root.releases)'.") }
        for entry in listing.releases {
            console.say("\(entry.live ? "*" : " ") \(entry.id)  \(entry.status)")
        }
        console.result(listing)
        return .success
    }

    static func rollback(_ invocation: Invocation, _ context: Context, _ console: Console) throws -> ExitCode {
        let root = DeployRoot.resolve(option: invocation.value("--root"), sharedOption: nil, context: context)
        var context = context
        context.fileSystem = OwningFileSystem.forRoot(root.path, fileSystem: context.fileSystem)
        let ifCurrent = invocation.value("--if-current")
        let result = try Rollback(context: context, console: console, root: root).run(
            to: invocation.value("--to"), ifCurrent: ifCurrent, waitSeconds: try invocation.integer("--wait", in: 0...86_400) ?? 0,
            dryRun: invocation.flag("--dry-run"))
        if !result.rolledBack {
            console.say("Nothing rolled back: current points at \(result.from.map { "releases/\($0)" } ?? "no release"), "
                + "not at releases/\(ifCurrent ?? ""), so this release is no longer live.")
            console.result(result)
            return .success
        }
        console.say(invocation.flag("--dry-run")
            ? "Would switch current from releases/\(result.from ?? "-") to releases/\(result.release)."
            : "current now points at releases/\(result.release) (was \(result.from.map { "releases/\($0)" } ?? "nothing")).")
        console.result(result)
        return .success
    }
}
