/// The served folder's part of a deploy (`--public-html`): every check that can refuse it runs
/// while planning, before anything changes; the data moves run before the switch, the link or
/// the copy of the web root right after it.
extension DeployPlanner {
    struct ServedFolderSteps {
        /// Before a persistent path is seeded: its shared/ entry linked to data already in the
        /// served folder (by path), so seeding treats that data as the shared copy.
        var beforeSeeding: [String: [DeployOperation]] = [:]
        var beforeSwitch: [DeployOperation] = []
        var afterSwitch: [DeployOperation] = []
        var servedData: [ServedData] = []
        var warnings: [String] = []
    }

    func planServedFolder(
        _ served: ServedFolder, paths: [ClassifiedPath], webRoot: String, framework: Framework, releaseID: String,
        content: String, request: DeployRequest, state: DeployState
    ) throws -> ServedFolderSteps {
        var steps = ServedFolderSteps()
        let folder = served.path
        let folders = PublicHTML.persistentFolders(paths: paths, webRoot: webRoot)
        let folderType = try fileSystem.type(at: folder)
        let liveText = PathName.relativeLink(at: folder, to: PathName.join(root.current, webRoot))
        if PathName.isWithin(folder, root.path) || PathName.isWithin(root.path, folder) {
            throw ToolError(
                "The served folder '\(folder)' overlaps the deploy root '\(root.path)'.",
                hint: "Keep the deploy root beside the served folder (e.g. ~/site next to ~/public_html). Nothing was changed.")
        }
        try refuseMissingServedData(state.record)

        guard served.mode == .sync else {
            if let data = state.record?.servedData, let first = data.first {
                throw ToolError(
                    "The files of '\(first.path)' live in '\(first.location)', inside the served folder; link mode would replace that folder.",
                    hint: "Keep serving it with --sync (the mode is remembered), or move those files back into shared/ by hand first. Nothing was changed.")
            }
            try refuseNonEmpty(folder, type: folderType)
            steps.afterSwitch.append(.replaceEmptyFolderWithLink(path: folder, target: liveText))
            return steps
        }

        // The folder is real before anything is linked or moved into it (a link made by link
        // mode would lead those steps into the live release).
        switch folderType {
        case .directory: break
        case nil: steps.beforeSwitch.append(.createDirectory(path: folder))
        case .symlink:
            // A link made by link mode becomes the real folder; any other link is someone's.
            guard PathName.sameBytes(try fileSystem.readSymlink(at: folder), liveText) else {
                throw ToolError(
                    "'\(folder)' is a link to '\(try fileSystem.readSymlink(at: folder))'; sync mode keeps a real folder there.",
                    hint: "Remove or move the link if it is not needed (rm -- \(Shell.quote(folder))) and deploy again. Nothing was changed.")
            }
            steps.beforeSwitch.append(.replaceLinkWithFolder(path: folder))
        default:
            throw ToolError("'\(folder)' is a file, so it cannot be the served folder.", hint: "Move it aside and deploy again. Nothing was changed.")
        }

        if let drift = try PublicHTML.drift(
            served: folder, root: root, paths: paths, webRoot: webRoot, liveRelease: state.liveID, fileSystem: fileSystem), !drift.isEmpty
        {
            let destination = root.servedLeftBehind(of: drift.syncedID)
            guard request.leaveBehind else { throw drift.stop(served: folder, webRoot: webRoot, leftBehind: destination) }
            steps.afterSwitch.append(.leaveBehind(release: folder, paths: drift.report.newTops, copies: drift.report.changedFiles, to: destination))
            steps.warnings.append("--leave-behind: what the app changed in '\(folder)' since the sync of releases/\(drift.syncedID) goes to '\(destination)' before this sync.")
        }

        let persistent = Set(paths.filter { $0.class.isPersistent && $0.linkTarget == nil }.map { NameBytes.Key($0.path) })
        let recorded = Set((state.record?.servedData ?? []).map { NameBytes.Key($0.location) })
        for item in folders {
            let place = PathName.join(folder, item.name)
            let shared = root.sharedPath(item.sharedPath)
            let placeType = folderType == .directory ? try fileSystem.type(at: place) : nil
            let sharedType = try fileSystem.type(at: shared)
            let linkText = PathName.relativeLink(at: shared, to: place)
            let aside = DeployRoot.servedMoveAside(of: shared)
            let suffix = ".from-shared-\(releaseID)"
            if item.kind == .file {
                // A PHP config file (wp-config.php) is executed, never served as text, and the app
                // looks for it next to itself: it is linked like any persistent file.
                let isPHP = Text.fileExtension(item.name) == "php"
                guard !item.isConfig || (isPHP && served.links == true) else {
                    steps.warnings.append(isPHP
                        ? "'\(item.name)' holds the app's settings; links are refused in '\(folder)', so the app's installer writes it there, "
                            + "where no sync touches it; \(root.sharedPath(item.sharedPath)) stays unused."
                        : "'\(item.name)' holds the app's settings; it is not put in the served folder '\(folder)', where the web server "
                            + "would serve it as text. PHP copied there that reads it next to itself must read \(root.sharedPath(item.sharedPath)) instead.")
                    continue
                }
                guard served.links == true else {
                    steps.warnings.append("'\(item.name)' is a persistent file in the web root; where links are refused it cannot be served from '\(folder)' and stays in '\(shared)'.")
                    continue
                }
                if placeType == nil || placeType == .symlink {
                    steps.beforeSwitch += linkInServedFolder(place, target: PathName.relativeLink(at: place, to: shared), folder: folder)
                }
                continue
            }
            if placeType == .file || placeType == .other {
                throw ToolError(
                    "'\(place)' is a file where the persistent folder '\(item.sharedPath)' must be served.",
                    hint: "Move it aside and deploy again. Nothing was changed.")
            }
            let placeHoldsFiles = try placeType == .directory && !fileSystem.files(under: place).isEmpty
            if sharedType == .symlink {
                guard PathName.sameBytes(try fileSystem.readSymlink(at: shared), linkText) else {
                    if served.links == false {
                        throw ToolError(
                            "'\(shared)' is a link to '\(try fileSystem.readSymlink(at: shared))', so its files cannot be moved into '\(place)'.",
                            hint: "Move the files into '\(place)' by hand and make '\(shared)' a link to it, or deploy with --served-links yes. Nothing was changed.")
                    }
                    if placeType == nil || placeType == .symlink {
                        steps.beforeSwitch += linkInServedFolder(place, target: PathName.relativeLink(at: place, to: shared), folder: folder)
                    }
                    continue
                }
                steps.servedData.append(ServedData(path: item.sharedPath, location: place))
                if try fileSystem.exists(aside) {
                    steps.beforeSwitch.append(.moveDataToServedFolder(shared: shared, served: place, linkText: linkText, suffix: suffix))
                }
                continue
            }
            // Data already in the served folder stays there: the shared copy is linked to it
            // before seeding, so seeding sees existing data and adds only what is new.
            if sharedType == nil, persistent.contains(NameBytes.Key(item.sharedPath)), placeType == .directory,
                placeHoldsFiles || recorded.contains(NameBytes.Key(place))
            {
                steps.beforeSeeding[item.sharedPath] = [.moveDataToServedFolder(shared: shared, served: place, linkText: linkText, suffix: suffix)]
                steps.servedData.append(ServedData(path: item.sharedPath, location: place))
                if try fileSystem.exists(aside) {
                    steps.beforeSwitch.append(.moveDataToServedFolder(shared: shared, served: place, linkText: linkText, suffix: suffix))
                }
                continue
            }
            // From here the shared copy is (or will be, once seeded) a real folder.
            if served.links == true && !placeHoldsFiles {
                let text = PathName.relativeLink(at: place, to: shared)
                if placeType == .directory {
                    steps.beforeSwitch.append(.replaceEmptyFolderWithLink(path: place, target: text))
                } else if try placeType == nil || (placeType == .symlink && !PathName.sameBytes(fileSystem.readSymlink(at: place), text)) {
                    steps.beforeSwitch += linkInServedFolder(place, target: text, folder: folder)
                }
                continue
            }
            if placeHoldsFiles {
                steps.warnings.append(
                    "'\(place)' already holds files; it stays the home of '\(item.sharedPath)' (what shared/ has is merged in, nothing overwritten).")
            }
            steps.beforeSwitch.append(.moveDataToServedFolder(shared: shared, served: place, linkText: linkText, suffix: suffix))
            steps.servedData.append(ServedData(path: item.sharedPath, location: place))
        }

        if let shadow = try shadowingIndex(in: folder, folderType: folderType, content: PathName.join(content, webRoot), state: state) {
            if request.moveIndexAside {
                steps.afterSwitch.append(.moveIntoShared(from: shadow, to: PathName.join(root.movedAside(for: releaseID), PathName.basename(shadow))))
            } else {
                let aside = PathName.join(root.movedAside(for: releaseID), PathName.basename(shadow))
                steps.warnings.append(
                    "'\(shadow)' is not part of the release, and most hosts serve it before index.php, so visitors would see it instead of the app. "
                        + "Deploy with --move-index-aside to move it to '\(aside)', or run: mkdir -p -- \(Shell.quote(PathName.parent(aside))) && mv -- \(Shell.quote(shadow)) \(Shell.quote(aside))")
            }
        }
        let sync = try PublicHTML.syncOperations(
            served: folder, root: root, releaseID: releaseID, listedFrom: content, webRoot: webRoot, framework: framework,
            folders: folders, passedOver: PublicHTML.passedOver(paths: paths, webRoot: webRoot), fileSystem: fileSystem)
        steps.afterSwitch += sync.operations
        steps.warnings += sync.notes
        steps.servedData.sort { $0.path < $1.path }
        return steps
    }

    /// A link in the served folder, made before the sync: a persistent folder nested below the
    /// web root (`wp-content/uploads`) needs its parent before the sync would make it.
    private func linkInServedFolder(_ place: String, target: String, folder: String) -> [DeployOperation] {
        let parent = PathName.parent(place)
        return (parent == folder ? [] : [.createDirectory(path: parent)]) + [.link(path: place, target: target)]
    }

    /// Link mode replaces the folder, so only an absent folder, an empty one or a link will do.
    private func refuseNonEmpty(_ folder: String, type: EntryType?) throws {
        switch type {
        case nil, .symlink: return
        case .directory:
            let names = try fileSystem.listDirectory(at: folder)
            guard !names.isEmpty else { return }
            let shown = names.prefix(5).map { "'\(NameBytes.display($0))'" }.joined(separator: ", ") + (names.count > 5 ? ", …" : "")
            let index = names.contains("index.html") || names.contains("index.htm")
                ? " Its index.html would also be served before the app's index.php." : ""
            throw ToolError(
                "'\(folder)' is a folder holding \(Text.count(names.count, "entry", "entries")) (\(shown)); it is never deleted or overwritten, so it cannot become a link.\(index)",
                hint: "Deploy with --public-html \(Shell.quote(folder)) --sync to keep it a real folder and copy each release into it, "
                    + "or move its contents aside (mkdir -p -- \(Shell.quote(folder + ".before")) && find \(Shell.quote(folder)) -mindepth 1 -maxdepth 1 -exec mv -t \(Shell.quote(folder + ".before")) -- {} +) and deploy again. Nothing was changed.")
        default:
            throw ToolError("'\(folder)' is a file; it cannot become a link.", hint: "Move it aside, or deploy with --sync. Nothing was changed.")
        }
    }

    /// Served data the record names must still be there: its files are nowhere else. The record
    /// is written before the move into the served folder, so a deploy stopped between the two
    /// leaves the files in shared/ (or at the move's aside name), where the rerun finds them.
    private func refuseMissingServedData(_ record: PersistenceRecord?) throws {
        for data in record?.servedData ?? [] where try !fileSystem.isDirectory(data.location) {
            let shared = root.sharedPath(data.path)
            let aside = DeployRoot.servedMoveAside(of: shared)
            if try fileSystem.type(at: shared) == .directory || fileSystem.exists(aside) { continue }
            throw ToolError(
                "'\(data.location)' is missing or not a folder; it held the files of '\(data.path)' (the served folder keeps them).",
                hint: "Restore it from a backup (persist-deploy restore --path \(Shell.quote(data.path))), or if it is meant to be empty: "
                    + "mkdir -p -- \(Shell.quote(data.location)). Nothing was changed.")
        }
    }

    /// A host's `index.html` (or `index.htm`) in the served folder that the release does not ship
    /// while it ships `index.php`: most hosts list index.html first in DirectoryIndex.
    private func shadowingIndex(in folder: String, folderType: EntryType?, content: String, state: DeployState) throws -> String? {
        guard folderType == .directory, try fileSystem.type(at: PathName.join(content, "index.php")) == .file else { return nil }
        let synced = Set(PublicHTML.syncedState(root: root, fileSystem: fileSystem).files)
        for name in ["index.html", "index.htm"] where !synced.contains(name) {
            let path = PathName.join(folder, name)
            if try fileSystem.type(at: path) == .file, try fileSystem.type(at: PathName.join(content, name)) == nil { return path }
        }
        return nil
    }
}
