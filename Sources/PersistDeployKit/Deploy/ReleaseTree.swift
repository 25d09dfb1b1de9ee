/// What a release held when it went live: every folder, file and link below it, recorded by one
/// `lstat` walk that never enters a link, so the links into shared/ are boundaries and users' data
/// is never listed. Stored as `.persist-deploy/manifests/<id>.tree` just before the switch; before
/// a deploy or a cleanup the release is compared with it (data rule 4).
///
/// The file is bytes, one record per NUL-terminated line, so any file name survives and bash can
/// read and write it (`read -d ''`, `stat --printf`): a header `persist-deploy-tree 1`, then
/// `disposable PATH` records, then `TYPE SIZE MTIME DIGEST PATH` for each entry, where TYPE is
/// `d`, `f`, `l` or `o`, SIZE is bytes (`-` for a folder), MTIME is `SECONDS.NANOSECONDS` (`-` for a
/// folder, whose time changes whenever its entries do) and DIGEST is the SHA-256 of a file
/// changed too close to the recording for size and time to show a later change (else `-`).
package struct ReleaseTree: Sendable, Equatable {
    package struct Entry: Sendable, Equatable {
        package var type: EntryType
        /// Bytes (a link's is the length of its text); 0 for a folder.
        package var size: Int64
        /// Nanoseconds since 1970; 0 for a folder.
        package var modificationNanoseconds: Int64
        /// Lowercase hex SHA-256, only for files modified within `racyWindow` of the recording.
        package var digest: String?

        package init(type: EntryType, size: Int64, modificationNanoseconds: Int64, digest: String? = nil) {
            self.type = type
            self.size = size
            self.modificationNanoseconds = modificationNanoseconds
            self.digest = digest
        }
    }

    /// File systems keep times at a coarse clock tick (a few milliseconds, two seconds on FAT):
    /// a file written within this many nanoseconds of the recording also gets a digest.
    package static let racyWindow: Int64 = 2_000_000_000
    package static let header = "persist-deploy-tree 1"

    /// Paths relative to the release, in the order they were recorded (parents first).
    package private(set) var paths: [String] = []
    private var byPath: [NameBytes.Key: Entry] = [:]
    /// Paths below which the running app's writes may be dropped, as classified at recording.
    package var disposable: [String] = []

    package init(disposable: [String] = []) {
        self.disposable = disposable
    }

    package var count: Int { paths.count }

    package subscript(path: String) -> Entry? { byPath[NameBytes.Key(path)] }

    package mutating func add(_ path: String, _ entry: Entry) {
        if byPath.updateValue(entry, forKey: NameBytes.Key(path)) == nil { paths.append(path) }
    }

    /// The entry for a walked path as a manifest records it.
    package static func entry(for status: FileStatus) -> Entry {
        switch status.type {
        case .directory: Entry(type: .directory, size: 0, modificationNanoseconds: 0)
        default: Entry(type: status.type, size: status.size, modificationNanoseconds: status.modificationNanoseconds)
        }
    }

    /// True when the entry on disk is the one recorded, as far as type, size and time tell (and
    /// the digest, when one was recorded). `digestOf` reads the file only in that last case.
    package func matches(_ path: String, _ status: FileStatus, digestOf: () -> String?) -> Bool {
        guard let recorded = self[path], recorded.type == status.type else { return false }
        switch status.type {
        case .directory: return true
        // A link holds no data; its text's length tells a re-pointed link (recover re-creates
        // links with the same text and a new time).
        case .symlink: return recorded.size == status.size
        default:
            guard recorded.size == status.size, recorded.modificationNanoseconds == status.modificationNanoseconds else {
                return false
            }
            guard let digest = recorded.digest else { return true }
            return digestOf() == digest
        }
    }

    // MARK: The file

    /// The manifest as the bytes of its file.
    package var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(paths.count * 64)
        func record(_ text: String, path: String) {
            out += Array(text.utf8)
            out += NameBytes.bytes(path)
            out.append(0)
        }
        out += Array(Self.header.utf8)
        out.append(0)
        for path in disposable { record("disposable ", path: path) }
        for path in paths {
            guard let entry = byPath[NameBytes.Key(path)] else { continue }
            switch entry.type {
            case .directory: record("d - - - ", path: path)
            default:
                let type = entry.type == .file ? "f" : entry.type == .symlink ? "l" : "o"
                record("\(type) \(entry.size) \(Self.timeText(entry.modificationNanoseconds)) \(entry.digest ?? "-") ", path: path)
            }
        }
        return out
    }

    /// Reads a manifest file's bytes; nil when they are not one (a foreign or torn file).
    package static func parse(_ bytes: [UInt8]) -> ReleaseTree? {
        var records = bytes.split(separator: 0, omittingEmptySubsequences: false)
        guard records.count >= 2, records.removeLast().isEmpty,
            String(decoding: records.removeFirst(), as: UTF8.self) == header
        else { return nil }
        var tree = ReleaseTree()
        for record in records {
            let fields = record.split(separator: UInt8(ascii: " "), maxSplits: 4, omittingEmptySubsequences: false)
            if fields.count == 2, String(decoding: fields[0], as: UTF8.self) == "disposable" {
                tree.disposable.append(NameBytes.string(fields[1]))
                continue
            }
            guard fields.count == 5, !fields[4].isEmpty else { return nil }
            let text = fields[0..<4].map { String(decoding: $0, as: UTF8.self) }
            let path = NameBytes.string(fields[4])
            switch text[0] {
            case "d": tree.add(path, Entry(type: .directory, size: 0, modificationNanoseconds: 0))
            case "f", "l", "o":
                guard let size = Int64(text[1]), let time = parseTime(text[2]) else { return nil }
                let type: EntryType = text[0] == "f" ? .file : text[0] == "l" ? .symlink : .other
                tree.add(path, Entry(type: type, size: size, modificationNanoseconds: time, digest: text[3] == "-" ? nil : text[3]))
            default: return nil
            }
        }
        return tree
    }

    /// `SECONDS.NANOSECONDS` with nine digits, as `stat --printf %.9Y` prints it.
    package static func timeText(_ nanoseconds: Int64) -> String {
        let seconds = nanoseconds / 1_000_000_000
        let fraction = String(nanoseconds % 1_000_000_000)
        return "\(seconds)." + String(repeating: "0", count: 9 - fraction.count) + fraction
    }

    private static func parseTime(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let seconds = Int64(parts[0]), parts[1].count == 9, let fraction = Int64(parts[1]) else {
            return nil
        }
        return seconds * 1_000_000_000 + fraction
    }
}
