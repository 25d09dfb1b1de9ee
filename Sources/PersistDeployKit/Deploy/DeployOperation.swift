/// One step of a deploy plan. The planner produces these; `PlanExecutor` is the only code that
/// applies them; `plan` and `--dry-run` print them. Paths are absolute.
package enum DeployOperation: Sendable, Equatable {
    /// Removes a leftover of a crashed command (`releases/.staging-*`, `releases/.removing-*`).
    case removeLeftover(path: String)
    /// Copies a folder in as a release (modes, times, links as links).
    case copyRelease(from: String, to: String)
    /// Extracts a `.tar.gz` with the system `tar` into a new folder.
    case extractRelease(archive: String, to: String)
    /// Makes a fully staged release visible under its final id (one rename).
    case publishRelease(from: String, to: String)
    /// Turns a site deployed in place (`current` a real directory) into a release, and points
    /// `current` at it.
    case adoptInPlaceSite(current: String, release: String)
    case createDirectory(path: String)
    /// Moves data into shared/ with a rename (copy then remove across file systems); never
    /// overwrites.
    case moveIntoShared(from: String, to: String)
    /// Moves the live release's own copy of `path` (relative to the release and to shared/) into
    /// shared/ and links it there, under `.persist-deploy/adoption-journal` (`AdoptionJournal`);
    /// across file systems the site serves the whole old copy until one exchange swaps the link in.
    case adoptLiveData(root: String, shared: String, release: String, path: String)
    /// Moves the files under `from` that `to` lacks into it; a clash keeps both, the newcomer
    /// renamed with `suffix`. Used to adopt a live release's data into a shared/ path that
    /// already exists.
    case mergeMoveIntoShared(from: String, to: String, suffix: String)
    /// Copies the listed files (relative to `from`) that `to` lacks; never overwrites.
    case addMissingFiles(from: String, to: String, files: [String])
    /// Copies a file that must not exist yet at `to` (e.g. `.env.example` to `shared/.env`).
    case copyFile(from: String, to: String, permissions: UInt32)
    case createEmptyFile(path: String, permissions: UInt32)
    /// Removes the release's own copy of a persistent path; never follows a link.
    case removeReleaseCopy(path: String)
    /// Creates (or replaces a link at) `path` with a link whose text is `target`.
    case link(path: String, target: String)
    case setPermissions(path: String, permissions: UInt32)
    case writeFile(path: String, contents: String, permissions: UInt32)
    /// Removes access for "others" from a secret in shared/ (`chmod o-rwx`), keeping every other
    /// bit, the owner and the group the admin chose.
    case restrictSecret(path: String)
    /// Gives a shared path to the web server's group (`--web-user`/`--web-group`).
    case grantWebGroup(WebGroupGrant)
    /// Sets the sticky bit on `shared` when users other than its owner may write to it (the web
    /// group, for a config file its installer writes there): they can still create files in it,
    /// but no longer delete or replace the tool's scripts and records, which root runs from cron.
    case protectToolFiles(shared: String)
    /// Runs a hook command (`--before-switch`, `--after-switch`) in its own process group.
    case runHook(Hook)
    /// Checks every link of the release resolves where it must before it can go live; the links
    /// in `awaiting` point at config files the app's installer has not written yet, and only
    /// their text is checked.
    case verifyLinks(release: String, links: [NameBytes.Key: String], awaiting: [String] = [])
    /// Runs the checks `health-check` makes on a release about to go live (its links, the
    /// shared folders they reach, its asset folders, its links inside the app) and refuses it
    /// on any failure, before the switch.
    case checkRelease(release: String, record: PersistenceRecord)
    /// Points `current` at the release with a temporary link renamed over it.
    case switchCurrent(root: String, releaseID: String)
    case appendHistory(root: String, shared: String, line: String)
    /// Renames `shared/.deployment-history` to `archive` (a dated name in shared/) and starts a
    /// new file with the `carried` lines (each release's standing), written first under a
    /// temporary name and renamed into place.
    case rotateHistory(shared: String, archive: String, carried: [String])
    /// Puts the release's own copy of a persistent path (a release that is not live) into
    /// shared/: what shared/ lacks moves in, a file identical to shared/'s is dropped, a
    /// different one is kept beside it with `suffix`. Used to re-link a rollback target.
    case mergeReleaseCopyIntoShared(from: String, to: String, suffix: String)
    /// Records the whole-release manifest (`ReleaseTree`) of `release` in `manifest`, just before
    /// it can go live; `disposable` are the paths whose run-time writes may be dropped.
    case recordReleaseTree(release: String, manifest: String, disposable: [String])
    /// Walks the live release again just before the switch when copying the new one in gave the
    /// running app seconds to write into it, and stops on anything the plan's own walk did not
    /// see (data rule 4 over the whole deploy, not only its start).
    case recheckLiveRelease(LiveRecheck)
    /// Moves what the running app wrote into an old release (`paths`, relative to it) into `to`,
    /// and copies the shipped files it changed (`copies`): `--leave-behind`, after the switch.
    case leaveBehind(release: String, paths: [String], copies: [String], to: String)
    /// Removes an old release: renamed to `.removing-ID` first, so a half-removed release never
    /// looks complete; what the running app wrote into it (compared with its manifest, or with
    /// `compareWith` when it has none, passing over `exclusions`) is moved to
    /// `.persist-deploy/left-behind/ID/`; then it is deleted without following links.
    case removeRelease(path: String, exclusions: [String], compareWith: String?)
    /// Makes `path` a link with `target` where nothing can be lost: nothing there, a link, or a
    /// folder holding no files (the served folder in link mode, an empty persistent folder in it).
    case replaceEmptyFolderWithLink(path: String, target: String)
    /// Turns a link left by link mode into an empty real folder for sync mode.
    case replaceLinkWithFolder(path: String)
    /// The persistent folder `shared` gets its files from the served folder's `served`: the
    /// shared copy is renamed into place (or merged in without overwriting: a clash keeps both,
    /// the newcomer renamed with `suffix`), then `shared` becomes a link with `linkText`.
    case moveDataToServedFolder(shared: String, served: String, linkText: String, suffix: String)
    /// Copies `files` (relative to `from`) into the real served folder `to`, each through a
    /// temporary name renamed over the old copy, then removes `removing` (files an earlier sync
    /// copied that this release no longer ships; never a folder).
    case syncServedFolder(from: String, to: String, files: [String], removing: [String])

    /// The operation for people, with paths shown relative to the deploy root.
    package func describe(relativeTo root: String) -> String {
        func show(_ path: String) -> String { PathName.relative(path, to: root) ?? path }
        switch self {
        case .removeLeftover(let path): return "remove leftover \(show(path))"
        case .copyRelease(let from, let to): return "copy \(from) -> \(show(to))"
        case .extractRelease(let archive, let to): return "extract \(archive) -> \(show(to))"
        case .publishRelease(let from, let to): return "rename \(show(from)) -> \(show(to))"
        case .adoptInPlaceSite(let current, let release): return "adopt in-place site \(show(current)) as \(show(release)), current -> it"
        case .createDirectory(let path): return "mkdir \(show(path))"
        case .moveIntoShared(let from, let to): return "move \(show(from)) -> \(show(to))"
        case .adoptLiveData(_, let shared, let release, let path):
            return "move releases/\(release)/\(path) -> \(show(PathName.join(shared, path))), then link it there (journaled in .persist-deploy/adoption-journal)"
        case .mergeMoveIntoShared(let from, let to, _): return "move files missing from \(show(to)) out of \(show(from))"
        case .addMissingFiles(let from, let to, let files): return "add \(Text.count(files.count, "new file")) from \(show(from)) to \(show(to)) where missing"
        case .copyFile(let from, let to, let mode): return "copy \(show(from)) -> \(show(to)) (mode \(String(mode, radix: 8)))"
        case .createEmptyFile(let path, let mode): return "create empty \(show(path)) (mode \(String(mode, radix: 8)))"
        case .removeReleaseCopy(let path): return "remove release copy \(show(path))"
        case .link(let path, let target): return "link \(show(path)) -> \(target)"
        case .setPermissions(let path, let mode): return "chmod \(String(mode, radix: 8)) \(show(path))"
        case .writeFile(let path, _, _): return "write \(show(path))"
        case .restrictSecret(let path): return "chmod o-rwx \(show(path))"
        case .grantWebGroup(let grant):
            let others = grant.secret ? ",o-rwx" : ""
            let access = !grant.writable ? "g+r\(others)" : grant.folder ? "g+rwX,g+s\(others) (and a default ACL where supported)" : "g+rw\(others)"
            return "chgrp\(grant.recursive ? " -R" : "") \(grant.group.name) \(show(grant.path)); \(access)"
        case .protectToolFiles(let shared):
            return "chmod +t \(show(shared)) if other users may write to it (then none can replace the tool's scripts in it)"
        case .runHook(let hook):
            return "run the \(hook.stage.rawValue) hook in \(show(hook.releasePath)) (timeout \(hook.timeoutSeconds) s): \(hook.shownCommand)"
        case .verifyLinks(let release, let links, _): return "verify \(Text.count(links.count, "link")) of \(show(release))"
        case .checkRelease(let release, _): return "check \(show(release)) as health-check would (links, shared folders, assets)"
        case .switchCurrent(_, let id): return "switch current -> releases/\(id)"
        case .appendHistory(_, let shared, _): return "record the deploy in \(show(PathName.join(shared, ".deployment-history")))"
        case .rotateHistory(let shared, let archive, let carried):
            return "move \(show(PathName.join(shared, ".deployment-history"))) to \(show(PathName.join(shared, archive))), "
                + "starting the new one with \(Text.count(carried.count, "release")) carried over"
        case .mergeReleaseCopyIntoShared(let from, let to, _):
            return "move what \(show(to)) lacks out of \(show(from)) (identical files dropped, different ones kept beside)"
        case .recordReleaseTree(let release, let manifest, _): return "record what \(show(release)) holds in \(show(manifest))"
        case .recheckLiveRelease(let recheck):
            return "check \(show(recheck.release)) again for what the app wrote into it while the release was copied in"
        case .leaveBehind(let release, let paths, let copies, let to):
            return "move \(Text.count(paths.count, "path")) the app wrote into \(show(release)) to \(show(to))"
                + (copies.isEmpty ? "" : ", copy \(Text.count(copies.count, "changed file"))")
        case .removeRelease(let path, _, _):
            return "remove old release \(show(path)) (what the app wrote into it goes to .persist-deploy/left-behind/ first)"
        case .replaceEmptyFolderWithLink(let path, let target): return "link \(show(path)) -> \(target) (only if it holds no files)"
        case .replaceLinkWithFolder(let path): return "make the link \(show(path)) a real folder"
        case .moveDataToServedFolder(let shared, let served, let text, _):
            return "move the files of \(show(shared)) into \(show(served)) (nothing overwritten), then link \(show(shared)) -> \(text)"
        case .syncServedFolder(let from, let to, let files, let removing):
            return "copy \(Text.count(files.count, "file")) of \(show(from)) into \(show(to))"
                + (removing.isEmpty ? "" : ", remove \(Text.count(removing.count, "file")) the previous release shipped")
        }
    }

    /// The operation's kind, for JSON output and tests.
    package var name: String {
        switch self {
        case .removeLeftover: "removeLeftover"
        case .copyRelease: "copyRelease"
        case .extractRelease: "extractRelease"
        case .publishRelease: "publishRelease"
        case .adoptInPlaceSite: "adoptInPlaceSite"
        case .createDirectory: "createDirectory"
        case .moveIntoShared: "moveIntoShared"
        case .adoptLiveData: "adoptLiveData"
        case .mergeMoveIntoShared: "mergeMoveIntoShared"
        case .addMissingFiles: "addMissingFiles"
        case .copyFile: "copyFile"
        case .createEmptyFile: "createEmptyFile"
        case .removeReleaseCopy: "removeReleaseCopy"
        case .link: "link"
        case .setPermissions: "setPermissions"
        case .writeFile: "writeFile"
        case .restrictSecret: "restrictSecret"
        case .protectToolFiles: "protectToolFiles"
        case .grantWebGroup: "grantWebGroup"
        case .runHook: "runHook"
        case .verifyLinks: "verifyLinks"
        case .checkRelease: "checkRelease"
        case .switchCurrent: "switchCurrent"
        case .appendHistory: "appendHistory"
        case .rotateHistory: "rotateHistory"
        case .mergeReleaseCopyIntoShared: "mergeReleaseCopyIntoShared"
        case .recordReleaseTree: "recordReleaseTree"
        case .recheckLiveRelease: "recheckLiveRelease"
        case .leaveBehind: "leaveBehind"
        case .removeRelease: "removeRelease"
        case .replaceEmptyFolderWithLink: "replaceEmptyFolderWithLink"
        case .replaceLinkWithFolder: "replaceLinkWithFolder"
        case .moveDataToServedFolder: "moveDataToServedFolder"
        case .syncServedFolder: "syncServedFolder"
        }
    }
}

/// The JSON form of one planned operation.
package struct PlannedOperationJSON: Codable, Equatable {
    package var op: String
    package var description: String
}
