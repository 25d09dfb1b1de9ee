/// Appends to and reads `shared/.deployment-history`, one JSON object a line. An append costs the
/// same whatever the history's length (one `O_APPEND` write and an `fsync`; nothing is rewritten),
/// readers start from the end, and a long file is rotated (see `HistoryRotation`).
package enum DeploymentHistory {
    /// How many records the generated guides are written from.
    package static let guideRecords = 20

    /// Appends one line. A torn last line (a crash cut an earlier append short) first gets the
    /// newline it lacks, so the new line is never glued onto it; readers skip the torn one.
    package static func append(_ line: String, to root: DeployRoot, fileSystem: any FileSystem) throws(SystemCallError) {
        let newline = UInt8(ascii: "\n")
        // The names' real bytes, as every text file the tool writes (`NameBytes`).
        var bytes = NameBytes.bytes(line)
        bytes.append(newline)
        if let size = try fileSystem.status(at: root.historyFile, followSymlink: false)?.size, size > 0,
            try fileSystem.readBytes(at: root.historyFile, offset: size - 1, count: 1).first != newline
        {
            bytes.insert(newline, at: 0)
        }
        try fileSystem.appendFile(at: root.historyFile, contents: bytes, permissions: 0o644)
    }

    /// The newest `limit` records, oldest first, read from the end (across rotated files when the
    /// current one holds fewer). Torn, foreign and carried (checkpoint) lines are skipped.
    package static func recent(_ root: DeployRoot, fileSystem: any FileSystem, limit: Int) -> [HistoryRecord] {
        guard limit > 0 else { return [] }
        let decoder = JSONDecoder()
        var found: [HistoryRecord] = []
        HistoryFiles(fileSystem: fileSystem, root: root).linesNewestFirst { line, complete, _ in
            // Bytes that are not UTF-8 (a Latin-1 folder name) are read back as the same name.
            guard complete, let record = try? decoder.decode(HistoryRecord.self, from: Data(NameBytes.string(line).utf8)),
                record.checkpoint == nil
            else {
                return true
            }
            found.append(record)
            return found.count < limit
        }
        return found.reversed()
    }

    /// The newest record, or nil when none is readable.
    package static func last(_ root: DeployRoot, fileSystem: any FileSystem) -> HistoryRecord? {
        recent(root, fileSystem: fileSystem, limit: 1).last
    }
}
