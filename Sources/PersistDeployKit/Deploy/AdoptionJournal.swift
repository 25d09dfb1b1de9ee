/// A deploy moving a folder (or file) of the live release into shared/ and linking it there
/// (`adoptLiveData`) writes this first, made durable, and removes it once the link is in place
/// and nothing is left aside (`.persist-deploy/adoption-journal`). A kill in between leaves the
/// live site without the path, or still serving its old copy beside a new one in shared/, while
/// `.persistence-config` does not name the path yet (the deploy writes it at its end): the journal
/// is how `health-check`, `health-check.sh`, `recover`, `emergency-recovery.sh` and the next
/// deploy know. Each field ends with a NUL (a name may hold any other byte), the first is a tag:
/// bash reads it with `read -r -d ''`, never evaluates it. One adoption runs at a time (the lock).
package struct AdoptionJournal: Sendable, Equatable {
    static let tag = "persist-deploy adoption 1"
    /// Beside the live path: first the link to swap in, then (after the swap) the old copy until
    /// it is merged into shared/. Fixed and short: a 255-byte name has no room for a suffix.
    package static let asideName = ".persist-deploy-adopting"

    /// The release whose copy is adopted (the live one when the deploy started).
    package var release: String
    /// The persistent path, relative to the app root and to shared/.
    package var path: String
    /// The link's text, relative, from the release's copy to shared/'s.
    package var linkText: String

    package init(release: String, path: String, linkText: String) {
        self.release = release
        self.path = path
        self.linkText = linkText
    }

    package static func file(_ root: DeployRoot) -> String { PathName.join(root.state, "adoption-journal") }
    package func live(_ root: DeployRoot) -> String { PathName.join(root.release(release), path) }
    package func stored(_ root: DeployRoot) -> String { root.sharedPath(path) }
    package func aside(_ root: DeployRoot) -> String { PathName.join(PathName.parent(live(root)), Self.asideName) }

    /// What is on disk: no journal, one, or a file that is not a journal this version wrote.
    package enum Reading: Equatable {
        case none
        case journal(AdoptionJournal)
        case unreadable
    }

    package static func read(_ root: DeployRoot, fileSystem: any FileSystem) -> Reading {
        let file = file(root)
        guard ((try? fileSystem.type(at: file)) ?? nil) != nil else { return .none }
        guard let bytes = try? fileSystem.readFile(at: file) else { return .unreadable }
        let fields = bytes.split(separator: 0, omittingEmptySubsequences: false).map { NameBytes.string(Array($0)) }
        // Four fields, each ended by a NUL: a torn write never passes.
        guard fields.count == 5, fields[0] == tag, fields[4].isEmpty, ReleaseID.isValid(fields[1]),
            isRelativeInside(fields[2]), !fields[3].isEmpty
        else { return .unreadable }
        return .journal(AdoptionJournal(release: fields[1], path: fields[2], linkText: fields[3]))
    }

    /// A path below the app root: no `..`, `.` or empty component, not absolute.
    private static func isRelativeInside(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/")
            && !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    /// Written through a temporary file renamed into place, then the folder synced: durable
    /// before the first move.
    func save(_ root: DeployRoot, fileSystem: any FileSystem) throws(SystemCallError) {
        try fileSystem.createDirectory(at: root.state, permissions: 0o755)
        let text = [Self.tag, release, path, linkText].map { $0 + "\0" }.joined()
        try fileSystem.writeText(text, to: Self.file(root), permissions: 0o644)
        try fileSystem.syncDirectory(at: root.state)
    }

    static func remove(_ root: DeployRoot, fileSystem: any FileSystem) throws(SystemCallError) {
        try fileSystem.removeTree(at: file(root))
        try fileSystem.syncDirectory(at: root.state)
    }

    /// How far the interrupted adoption got, from what is on disk.
    package enum Stage: Equatable {
        /// The live release still holds the path whole; shared/ has no copy (a partial one at
        /// most, under the copy's temporary name).
        case nothingMoved
        /// shared/ holds the data; the live release has nothing at the path.
        case unlinked
        /// shared/ holds a finished copy (another file system); the live release still serves its own.
        case copiedNotSwapped
        /// The live release links to shared/; its old copy waits aside to be merged in.
        case asideNotMerged
        /// The live release links to shared/, nothing aside: only the journal is left.
        case linked
        /// Neither the live release nor shared/ holds the path, or the live release holds a link
        /// to somewhere else: not a state the adoption leaves, so nothing is touched.
        case unknown
    }

    package func stage(_ root: DeployRoot, fileSystem: any FileSystem) -> Stage {
        func type(_ path: String) -> EntryType? { (try? fileSystem.type(at: path)) ?? nil }
        let live = live(root), stored = stored(root)
        let liveType = type(live)
        let asideHoldsCopy = type(aside(root)).map { $0 != .symlink } ?? false
        let storedThere = type(stored) != nil
        switch liveType {
        case .symlink:
            let text = (try? fileSystem.readSymlink(at: live)) ?? ""
            guard PathName.sameBytes(text, linkText), storedThere else { return .unknown }
            return asideHoldsCopy ? .asideNotMerged : .linked
        case nil:
            return storedThere ? .unlinked : .unknown
        default:
            return storedThere ? .copiedNotSwapped : .nothingMoved
        }
    }
}
