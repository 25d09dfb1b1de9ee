/// The history's files: `shared/.deployment-history` (the newest lines) and the dated files a
/// rotation moved older lines to (`.deployment-history.2026-11-30`, `-2`, `-3`… on one day), read
/// newest line first so a reader stops as soon as it has what it needs.
package struct HistoryFiles {
    package static let archivePrefix = ".deployment-history."
    /// Where a rotation writes the new file before renaming it into place.
    package static let rotatingName = ".deployment-history.rotating"
    static let chunkSize = 64 * 1024

    let fileSystem: any FileSystem
    let root: DeployRoot

    package init(fileSystem: any FileSystem, root: DeployRoot) {
        self.fileSystem = fileSystem
        self.root = root
    }

    /// The dated files in shared/, newest first (by date, then by the `-N` of a second rotation
    /// on one day).
    package func archives() -> [String] {
        let names = (try? fileSystem.listDirectory(at: root.shared)) ?? []
        return names.compactMap(Self.archiveOrder).sorted { $0.key > $1.key }.map(\.name)
    }

    /// A dated file's name and its sort key (date, number), or nil for other names.
    static func archiveOrder(_ name: String) -> (name: String, key: ArchiveKey)? {
        guard name.hasPrefix(archivePrefix) else { return nil }
        let rest = Array(name.utf8.dropFirst(archivePrefix.utf8.count))
        guard rest.count >= 10 else { return nil }
        let date = rest[0..<10]
        let pattern = Array("dddd-dd-dd".utf8)
        for (byte, expected) in zip(date, pattern) where expected == UInt8(ascii: "d") ? !(0x30...0x39).contains(byte) : byte != expected {
            return nil
        }
        var number = 1
        if rest.count > 10 {
            let suffix = rest[10...]
            guard suffix.first == UInt8(ascii: "-"), suffix.count > 1, suffix.dropFirst().first != UInt8(ascii: "0"),
                suffix.dropFirst().allSatisfy({ (0x30...0x39).contains($0) }),
                let value = Int(String(decoding: suffix.dropFirst(), as: UTF8.self)), value >= 2
            else { return nil }
            number = value
        }
        return (name, ArchiveKey(date: String(decoding: date, as: UTF8.self), number: number))
    }

    struct ArchiveKey: Comparable {
        var date: String
        var number: Int
        static func < (a: ArchiveKey, b: ArchiveKey) -> Bool { a.date == b.date ? a.number < b.number : a.date < b.date }
    }

    /// The name for the next dated file: `day` (`YYYY-MM-DD`), never sorting before a dated file
    /// already there (a clock set back must not put newer lines before older ones).
    package func nextArchiveName(day: String) -> String {
        let newest = archives().first.flatMap { Self.archiveOrder($0)?.key }
        var key = ArchiveKey(date: day, number: 1)
        if let newest, key <= newest { key = ArchiveKey(date: newest.date, number: newest.number + 1) }
        return Self.archivePrefix + key.date + (key.number == 1 ? "" : "-\(key.number)")
    }

    /// Calls `body` with each line, newest first: the current file from its end, then each dated
    /// file from its end. `complete` is false for a line no newline ended (a torn append).
    /// `body` returns false to stop; so does this function when it was stopped. Before each
    /// dated file, `intoOlderFile` says whether to go on (a file that opened with carried lines
    /// summarises everything older).
    @discardableResult
    package func linesNewestFirst(
        intoOlderFile: () -> Bool = { true },
        _ body: (_ line: ArraySlice<UInt8>, _ complete: Bool, _ file: String) -> Bool
    ) -> Bool {
        guard lines(of: root.historyFile, body) else { return false }
        for archive in archives() {
            guard intoOlderFile(), lines(of: root.sharedPath(archive), body) else { return false }
        }
        return true
    }

    /// One file's lines from its end; an unreadable or missing file has none.
    private func lines(of path: String, _ body: (ArraySlice<UInt8>, Bool, String) -> Bool) -> Bool {
        guard let size = (try? fileSystem.status(at: path, followSymlink: true))?.size, size > 0 else { return true }
        let newline = UInt8(ascii: "\n")
        var position = size
        // The start of the line being assembled: bytes after the newest newline seen so far.
        var tail: [UInt8] = []
        var atFileEnd = true
        while position > 0 {
            let start = max(0, position - Int64(Self.chunkSize))
            guard let chunk = try? fileSystem.readBytes(at: path, offset: start, count: Int(position - start)), !chunk.isEmpty else {
                return true
            }
            position = start
            var segmentEnd = chunk.count
            var index = chunk.count - 1
            while index >= 0 {
                if chunk[index] == newline {
                    let line = tail.isEmpty ? chunk[(index + 1)..<segmentEnd] : ArraySlice(Array(chunk[(index + 1)..<segmentEnd]) + tail)
                    tail = []
                    if !line.isEmpty, !body(line, !atFileEnd, path) { return false }
                    atFileEnd = false
                    segmentEnd = index
                }
                index -= 1
            }
            tail = Array(chunk[0..<segmentEnd]) + tail
        }
        if !tail.isEmpty, !body(ArraySlice(tail), !atFileEnd, path) { return false }
        return true
    }
}
