import Glibc

/// A snapshot checked against its manifest, kept while the next (older) one is checked: a file
/// the two share (hard-linked, one inode) was hashed already, so it is not hashed again.
package struct CheckedSnapshot {
    let data: String
    let manifest: ManifestFile
    /// Paths with a problem; nil when there were too many to keep (nothing is then reused).
    let damaged: Set<[UInt8]>?
    /// One line a problem; empty when the snapshot is intact.
    package let problems: [String]
}

/// Compares a snapshot's `data/` with its manifest: every entry there with the right type, mode,
/// size and checksum, and nothing else. The tree is walked in manifest order beside one cursor
/// on the manifest, so memory does not grow with the number of files.
enum SnapshotVerifier {
    /// Problems listed in full up to this many; past it they are counted.
    static let listedProblems = 1000

    static func check(
        data: String, manifest: ManifestFile, neighbour: CheckedSnapshot?, progress: ProgressMeter? = nil
    ) throws(SystemCallError) -> CheckedSnapshot {
        var walk = try Walk(manifest: manifest, neighbour: neighbour, progress: progress)
        if try SystemCall.status(of: data, followSymlink: false) == nil {
            walk.report([], "the data folder is missing")
        } else {
            let top = SnapshotBuilder.cString(data)
            let neighbourTop = neighbour.map { SnapshotCopier.openDirectory(SnapshotBuilder.cString($0.data), in: AT_FDCWD) } ?? -1
            defer { if neighbourTop >= 0 { close(neighbourTop) } }
            let directory = try DirectoryHandle(opening: top, relativeTo: AT_FDCWD, label: data)
            defer { directory.close() }
            try walk.visit(directory, neighbour: neighbourTop, prefix: [])
        }
        try walk.finish()
        var problems = walk.problems
        if walk.problemCount > problems.count {
            problems.append("… and \(walk.problemCount - problems.count) more problems")
        }
        return CheckedSnapshot(
            data: data, manifest: manifest, damaged: walk.problemCount > listedProblems ? nil : walk.damaged, problems: problems)
    }

    private struct Walk {
        var cursor: ManifestCursor
        var neighbourCursor: ManifestCursor?
        let neighbour: CheckedSnapshot?
        let progress: ProgressMeter?
        var problems: [String] = []
        var problemCount = 0
        var damaged: Set<[UInt8]> = []
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)

        init(manifest: ManifestFile, neighbour: CheckedSnapshot?, progress: ProgressMeter?) throws(SystemCallError) {
            let usable = neighbour?.damaged == nil ? nil : neighbour
            cursor = try ManifestCursor(manifest, from: nil)
            neighbourCursor = try usable.map { neighbour throws(SystemCallError) in try ManifestCursor(neighbour.manifest, from: nil) }
            self.neighbour = usable
            self.progress = progress
        }

        mutating func report(_ path: [UInt8], _ problem: String) {
            problemCount += 1
            if problemCount <= SnapshotVerifier.listedProblems {
                damaged.insert(path)
                let shown = path.isEmpty ? "data" : NameBytes.display(NameBytes.string(path))
                problems.append("\(shown): \(problem)")
            }
        }

        /// Every entry of `directory` (and below), in manifest order.
        mutating func visit(_ directory: DirectoryHandle, neighbour: Int32, prefix: [UInt8]) throws(SystemCallError) {
            for item in try SnapshotCopier.sortedEntries(of: directory) {
                let path = (prefix.isEmpty ? [] : prefix + [UInt8(ascii: "/")]) + item.name.dropLast().map { UInt8(bitPattern: $0) }
                guard let info = try SystemCall.status(of: item.name, in: directory.descriptor, label: NameBytes.string(path)) else {
                    continue
                }
                try check(item.name, info: info, in: directory.descriptor, neighbour: neighbour, path: path)
                if info.st_mode & S_IFMT == S_IFDIR {
                    let child = try DirectoryHandle(opening: item.name, relativeTo: directory.descriptor, label: NameBytes.string(path))
                    defer { child.close() }
                    let neighbourChild = SnapshotCopier.openDirectory(item.name, in: neighbour)
                    defer { if neighbourChild >= 0 { close(neighbourChild) } }
                    try visit(child, neighbour: neighbourChild, prefix: path)
                }
            }
        }

        /// Reports what the manifest lists and the tree lacks.
        mutating func finish() throws(SystemCallError) {
            while cursor.hasLine {
                report(cursor.path, "missing")
                try cursor.advance()
            }
        }

        private mutating func check(
            _ name: [CChar], info: stat, in parent: Int32, neighbour: Int32, path: [UInt8]
        ) throws(SystemCallError) {
            while cursor.hasLine && Manifest.precedes(cursor.path, path) {
                report(cursor.path, "missing")
                try cursor.advance()
            }
            guard cursor.hasLine, Manifest.compare(cursor.path, path) == 0 else {
                report(path, "added (not in the manifest)")
                return
            }
            guard let wanted = cursor.entry else {
                report(path, "its manifest line is unreadable")
                try cursor.advance()
                return
            }
            try cursor.advance()
            let kind: Manifest.Kind? =
                switch info.st_mode & S_IFMT {
                case S_IFDIR: .directory
                case S_IFREG: .file
                case S_IFLNK: .symlink
                default: nil
                }
            guard kind == wanted.kind else {
                report(path, "the type differs from the manifest")
                return
            }
            if wanted.kind != .symlink, UInt32(info.st_mode & 0o7777) != wanted.permissions {
                report(path, "mode \(String(info.st_mode & 0o7777, radix: 8)), the manifest says \(String(wanted.permissions, radix: 8))")
            }
            switch wanted.kind {
            case .directory:
                return
            case .symlink:
                let text = try SystemCall.readSymlink(name, in: parent, label: NameBytes.string(path))
                if !SHA256.hex(of: text.dropLast().map { UInt8(bitPattern: $0) }).utf8.elementsEqual(wanted.checksum) {
                    report(path, "the link's target differs from the manifest")
                }
            case .file:
                guard Int64(info.st_size) == wanted.size else {
                    report(path, "\(info.st_size) bytes, the manifest says \(wanted.size)")
                    return
                }
                progress?.add(files: 1, bytes: wanted.size)
                if try sharedWithNeighbour(name, info: info, neighbour: neighbour, path: path, checksum: wanted.checksum) { return }
                if try !hash(name, in: parent, path: path).utf8.elementsEqual(wanted.checksum) {
                    report(path, "the contents differ from the manifest (corrupted)")
                }
            }
        }

        /// True when the neighbour holds this very file (same inode) under the same path and
        /// checksum and found it intact.
        private mutating func sharedWithNeighbour(
            _ name: [CChar], info: stat, neighbour directory: Int32, path: [UInt8], checksum: [UInt8]
        ) throws(SystemCallError) -> Bool {
            guard directory >= 0, let neighbour, let damaged = neighbour.damaged, !damaged.contains(path),
                let other = try SystemCall.status(of: name, in: directory, label: NameBytes.string(path)),
                other.st_dev == info.st_dev, other.st_ino == info.st_ino,
                try neighbourCursor!.find(path), let entry = neighbourCursor!.entry
            else { return false }
            return entry.checksum == checksum
        }

        private mutating func hash(_ name: [CChar], in parent: Int32, path: [UInt8]) throws(SystemCallError) -> String {
            let descriptor = try SystemCall.open(name, in: parent, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, label: NameBytes.string(path))
            defer { close(descriptor) }
            var hasher = SHA256()
            while true {
                let count = try SystemCall.read(descriptor, into: &buffer, label: NameBytes.string(path))
                if count == 0 { return SHA256.hex(hasher.finalize()) }
                hasher.update(buffer, count: count)
            }
        }
    }
}
