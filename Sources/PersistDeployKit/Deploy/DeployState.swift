/// What is on disk under a deploy root before a command changes anything.
package struct DeployState: Sendable {
    /// What `current` is.
    package enum Current: Sendable, Equatable {
        case missing
        /// A link to `releases/<id>` (the id may name a missing folder: a dangling link).
        case release(id: String, resolves: Bool)
        /// A link somewhere else.
        case foreignLink(target: String)
        /// A real directory: a site deployed in place, before this tool.
        case inPlaceDirectory
    }

    package var current: Current
    /// Every release folder, whatever its name (hidden names excepted), oldest first: the
    /// history's order of their last deploys, with folders it never recorded merged in by their
    /// modification time.
    package var releaseIDs: [String]
    /// Leftovers of an interrupted command (see `Leftovers`), and an adoption marker the history
    /// already answers.
    package var leftovers: [String]
    /// What the history says about the release folders.
    package var ledger: ReleaseLedger
    /// The size of `shared/.deployment-history` in bytes (a long one is rotated).
    package var historyBytes: Int64
    package var record: PersistenceRecord?
    /// An in-place site whose adoption a crash interrupted after `current` was renamed into
    /// releases/ and before `current` pointed at it: its release id.
    package var interruptedAdoption: String?

    /// Every id this root has used: the folders there now and the releases the history's newest
    /// lines name. A new id must avoid them, or a release just removed by cleanup could come back
    /// under its id and inherit its lines.
    package var usedIDs: Set<String> {
        Set(releaseIDs).union(ledger.named.map(\.string))
    }

    package var liveID: String? {
        if case .release(let id, true) = current { return id }
        return nil
    }

    /// True when `id` names one of the release folders (compared by bytes).
    package func hasRelease(_ id: String) -> Bool {
        releaseIDs.contains { $0.utf8.elementsEqual(id.utf8) }
    }

    /// Reads the state; a missing root or releases/ folder reads as empty.
    package static func read(_ root: DeployRoot, fileSystem: any FileSystem) throws(ToolError) -> DeployState {
        do {
            let names = try fileSystem.isDirectory(root.releases) ? try fileSystem.listDirectory(at: root.releases) : []
            var folders: [(id: String, arrived: Double)] = []
            for name in names where !name.hasPrefix(".") {
                guard let status = try fileSystem.status(at: root.release(name), followSymlink: false), status.type == .directory else { continue }
                folders.append((name, status.changeTime))
            }
            let current = try readCurrent(root, fileSystem: fileSystem)
            let ledger = ReleaseLedger.read(root, fileSystem: fileSystem, releases: folders.map(\.id))
            let ids = historyOrder(folders, ledger: ledger)
            var interrupted: String?
            var staleMarker: [String] = []
            if case .inPlaceDirectory = current {
            } else if let text = try? fileSystem.readText(at: root.adoptionMarker) {
                // A marker whose adoption the history already records outlived a crash just
                // before its removal: it names nothing to finish.
                let id = Text.trimmed(text)
                if ids.contains(where: { $0.utf8.elementsEqual(id.utf8) }) && ledger.standing(of: id) == nil {
                    interrupted = id
                } else {
                    staleMarker = [root.adoptionMarker]
                }
            }
            let record = try PersistenceRecord.load(from: root, fileSystem: fileSystem)
            let leftovers = Leftovers.find(
                root: root, persistent: record?.persistentPaths.map(\.path) ?? [],
                appLinks: record?.paths.filter { $0.linkTarget != nil }.map(\.path) ?? [], fileSystem: fileSystem)
            return DeployState(
                current: current, releaseIDs: ids, leftovers: leftovers.map(\.path) + staleMarker, ledger: ledger,
                historyBytes: (try fileSystem.status(at: root.historyFile, followSymlink: false))?.size ?? 0,
                record: record, interruptedAdoption: interrupted)
        } catch let error as SystemCallError {
            throw ToolError.system(error, while: "Reading the deploy root '\(root.path)'")
        } catch let error as ToolError {
            throw error
        } catch {
            throw ToolError("Reading the deploy root '\(root.path)' failed: \(error).", hint: "Nothing was changed. Check that the folder is readable by this user.")
        }
    }

    private static func readCurrent(_ root: DeployRoot, fileSystem: any FileSystem) throws(SystemCallError) -> Current {
        switch try fileSystem.type(at: root.current) {
        case nil: return .missing
        case .directory: return .inPlaceDirectory
        case .symlink:
            let target = try fileSystem.readSymlink(at: root.current)
            let resolved = PathName.absolute(target, from: root.path)
            guard PathName.parent(resolved) == root.releases else { return .foreignLink(target: target) }
            let id = PathName.basename(resolved)
            return .release(id: id, resolves: try fileSystem.isDirectory(resolved))
        default: return .foreignLink(target: "")
        }
    }

    /// The release folders whose last deploy went live and was not marked bad since, oldest first.
    package var finishedIDs: [String] { releaseIDs.filter { ledger.standing(of: $0)?.isFinished == true } }

    /// Where `rollback` would go from the live release (see `ReleaseLedger.rollbackTarget`).
    package var rollbackTarget: String? { ledger.rollbackTarget(from: liveID, among: releaseIDs) }

    /// Recorded folders in the order of their last deploy; folders the history never names
    /// (uploaded and not deployed yet, or older than the history) merged in by when they arrived
    /// (their ctime: `cp -a`, `rsync -a` and `tar` keep an upload's modification times) against
    /// the recorded deploy times, ties by name.
    private static func historyOrder(_ folders: [(id: String, arrived: Double)], ledger: ReleaseLedger) -> [String] {
        var recorded: [(id: String, order: Int, time: String)] = []
        var unrecorded: [(id: String, time: String)] = []
        for folder in folders {
            if let standing = ledger.standing(of: folder.id) {
                recorded.append((folder.id, standing.deployed, standing.time ?? ""))
            } else {
                unrecorded.append((folder.id, Timestamp.iso8601(Date(timeIntervalSince1970: folder.arrived.rounded(.down)))))
            }
        }
        recorded.sort { $0.order < $1.order }
        unrecorded.sort { $0.time == $1.time ? PathName.bytewiseLess($0.id, $1.id) : $0.time < $1.time }
        var merged: [String] = []
        var r = 0
        var u = 0
        while r < recorded.count || u < unrecorded.count {
            if u == unrecorded.count || (r < recorded.count && recorded[r].time <= unrecorded[u].time) {
                merged.append(recorded[r].id)
                r += 1
            } else {
                merged.append(unrecorded[u].id)
                u += 1
            }
        }
        return merged
    }
}
