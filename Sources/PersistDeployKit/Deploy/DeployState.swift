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
    /// Release folders with valid ids, oldest first.
    package var releaseIDs: [String]
    /// Leftovers of an interrupted command (see `Leftovers`), and an adoption marker the history
    /// already answers.
    package var leftovers: [String]
    package var history: [HistoryRecord]
    package var record: PersistenceRecord?
    /// An in-place site whose adoption a crash interrupted after `current` was renamed into
    /// releases/ and before `current` pointed at it: its release id.
    package var interruptedAdoption: String?

    /// Every id this root has used: the folders there now and every release the history names.
    /// A new id must avoid all of them, or a release removed by cleanup could come back under an
    /// id that sorts before newer ones.
    package var usedIDs: Set<String> {
        Set(releaseIDs).union(history.map(\.release))
    }

    package var liveID: String? {
        if case .release(let id, true) = current { return id }
        return nil
    }

    /// Reads the state; a missing root or releases/ folder reads as empty.
    package static func read(_ root: DeployRoot, fileSystem: any FileSystem) throws(ToolError) -> DeployState {
        do {
            let names = try fileSystem.isDirectory(root.releases) ? try fileSystem.listDirectory(at: root.releases) : []
            let ids = names.filter(ReleaseID.isValid).filter { (try? fileSystem.isDirectory(root.release($0))) == true }
                .sorted(by: ReleaseID.isOlder)
            let current = try readCurrent(root, fileSystem: fileSystem)
            let history = DeploymentHistory.load(root, fileSystem: fileSystem)
            var interrupted: String?
            var staleMarker: [String] = []
            if case .inPlaceDirectory = current {
            } else if let text = try? fileSystem.readText(at: root.adoptionMarker) {
                // A marker whose adoption the history already records outlived a crash just
                // before its removal: it names nothing to finish.
                let id = Text.trimmed(text)
                if ids.contains(id) && !history.contains(where: { $0.release == id }) {
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
                current: current, releaseIDs: ids, leftovers: leftovers.map(\.path) + staleMarker,
                history: history, record: record, interruptedAdoption: interrupted)
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

    /// Releases recorded as having gone live (and not marked bad), oldest first.
    package var finishedIDs: [String] { DeploymentHistory.finishedReleases(history) }
}
