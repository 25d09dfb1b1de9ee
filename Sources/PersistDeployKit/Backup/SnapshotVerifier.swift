import Glibc

/// A file's identity on disk; hard-linked copies in several snapshots share one.
package struct FileIdentity: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64
}

/// Compares a snapshot's `data/` with its manifest: every entry there with the right type, mode,
/// size and checksum, and nothing else.
enum SnapshotVerifier {
    static func problems(
        data: String, manifest: Manifest, checked: inout [FileIdentity: String], progress: ProgressMeter? = nil
    ) throws(SystemCallError) -> [String] {
        var expected = manifest.byPath()
        var problems: [String] = []
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        guard try SystemCall.status(of: data, followSymlink: false) != nil else {
            return ["\(data): the data folder is missing"]
        }
        try TreeWalk.walk(data) { entry throws(SystemCallError) in
            guard let wanted = expected.removeValue(forKey: entry.relative) else {
                problems.append("\(entry.label): added (not in the manifest)")
                return
            }
            let kind: Manifest.Kind? =
                entry.isDirectory ? .directory : entry.isRegularFile ? .file : entry.isSymlink ? .symlink : nil
            guard kind == wanted.kind else {
                problems.append("\(entry.label): the type differs from the manifest")
                return
            }
            if wanted.kind != .symlink, UInt32(entry.info.st_mode & 0o7777) != wanted.permissions {
                problems.append("\(entry.label): mode \(String(entry.info.st_mode & 0o7777, radix: 8)), the manifest says \(String(wanted.permissions, radix: 8))")
            }
            switch wanted.kind {
            case .directory:
                return
            case .symlink:
                let text = try SystemCall.readSymlink(entry.name, in: entry.parent, label: entry.label)
                if SHA256.hex(of: text.dropLast().map { UInt8(bitPattern: $0) }) != wanted.checksum {
                    problems.append("\(entry.label): the link's target differs from the manifest")
                }
            case .file:
                if Int64(entry.info.st_size) != wanted.size {
                    problems.append("\(entry.label): \(entry.info.st_size) bytes, the manifest says \(wanted.size)")
                    return
                }
                let identity = FileIdentity(device: UInt64(entry.info.st_dev), inode: UInt64(entry.info.st_ino))
                let checksum: String
                if let known = checked[identity] {
                    checksum = known
                } else {
                    checksum = try hash(entry, buffer: &buffer)
                    checked[identity] = checksum
                }
                progress?.add(files: 1, bytes: wanted.size)
                if checksum != wanted.checksum {
                    problems.append("\(entry.label): the contents differ from the manifest (corrupted)")
                }
            }
        }
        for missing in expected.values.sorted(by: { $0.path.lexicographicallyPrecedes($1.path) }) {
            problems.append("\(missing.pathText): missing")
        }
        return problems
    }

    private static func hash(_ entry: WalkEntry, buffer: inout [UInt8]) throws(SystemCallError) -> String {
        let descriptor = try SystemCall.open(entry.name, in: entry.parent, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, label: entry.label)
        defer { close(descriptor) }
        var hasher = SHA256()
        while true {
            let count = try SystemCall.read(descriptor, into: &buffer, label: entry.label)
            if count == 0 { return SHA256.hex(hasher.finalize()) }
            hasher.update(buffer, count: count)
        }
    }
}
