import Glibc

/// The real file system. Tree walks work on directory descriptors (`openat`, `unlinkat`,
/// `fstatat` with `AT_SYMLINK_NOFOLLOW`), so they never follow a link out of the tree and handle
/// any byte sequence as a name.
package struct LocalFileSystem: FileSystem {
    /// Where copies, removals and tree listings report their progress (the command's `Console`).
    package var progress: (any ProgressSink)?

    package init(progress: (any ProgressSink)? = nil) {
        self.progress = progress
    }

    package func status(at path: String, followSymlink: Bool) throws(SystemCallError) -> FileStatus? {
        try SystemCall.status(of: path, followSymlink: followSymlink).map(FileStatus.init(stat:))
    }

    package func readFile(at path: String) throws(SystemCallError) -> [UInt8] {
        let descriptor = try SystemCall.open(path, flags: O_RDONLY | O_CLOEXEC)
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = try SystemCall.retrying("read", path) {
                buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }

    package func readBytes(at path: String, offset: Int64, count: Int) throws(SystemCallError) -> [UInt8] {
        let descriptor = try SystemCall.open(path, flags: O_RDONLY | O_CLOEXEC)
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: max(0, count))
        var filled = 0
        while filled < bytes.count {
            let got = try SystemCall.retrying("pread", path) {
                bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, $0.count - filled, off_t(offset) + off_t(filled)) }
            }
            if got == 0 { break }
            filled += got
        }
        return Array(bytes[0..<filled])
    }

    package func appendFile(at path: String, contents: [UInt8], permissions: UInt32) throws(SystemCallError) {
        let existed = try SystemCall.status(of: path, followSymlink: false) != nil
        let descriptor = try SystemCall.open(
            path, flags: O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode: mode_t(permissions))
        defer { close(descriptor) }
        if !existed {
            try SystemCall.changing("fchmod", path) { fchmod(descriptor, mode_t(permissions)) }
        }
        try SystemCall.writeAll(descriptor, contents, path: path)
        try SystemCall.changing("fsync", path) { fsync(descriptor) }
        if !existed { try SystemCall.syncDirectory(at: PathName.parent(path)) }
    }

    package func writeFile(at path: String, contents: [UInt8], permissions: UInt32) throws(SystemCallError) {
        // Short and unique whatever the target's name: a name derived from a 255-byte basename
        // would itself be too long, and two threads writing one path must not share a file.
        let temporary = PathName.join(
            PathName.parent(path), ".persist-deploy-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp")
        let descriptor = try SystemCall.open(
            temporary, flags: O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode: mode_t(permissions))
        do throws(SystemCallError) {
            defer { close(descriptor) }
            try SystemCall.writeAll(descriptor, contents, path: temporary)
            // The creation mode is filtered by the umask; the caller's mode (0600 for secrets)
            // must hold exactly.
            try SystemCall.setMode(of: descriptor, to: mode_t(permissions), label: temporary)
            try SystemCall.sync(descriptor, label: temporary)
        } catch {
            try? SystemCall.unlinkFile(at: temporary)
            throw error
        }
        do throws(SystemCallError) {
            try SystemCall.rename(temporary, to: path)
        } catch {
            try? SystemCall.unlinkFile(at: temporary)
            throw error
        }
    }

    package func createDirectory(at path: String, permissions: UInt32) throws(SystemCallError) {
        if try SystemCall.status(of: path, followSymlink: true).map({ $0.st_mode & S_IFMT == S_IFDIR }) == true {
            return
        }
        let parent = PathName.parent(path)
        if !PathName.sameBytes(parent, path) { try createDirectory(at: parent, permissions: permissions) }
        do {
            try SystemCall.makeDirectory(at: path, mode: mode_t(permissions))
        } catch where error.code == EEXIST {
            if try SystemCall.status(of: path, followSymlink: true).map({ $0.st_mode & S_IFMT == S_IFDIR }) != true {
                throw error
            }
            return
        }
        // mkdir's mode is filtered by the umask (0775 becomes 0755 under 022, 0700 under 077);
        // a directory the tool creates gets exactly the mode asked for, as files do.
        try SystemCall.setMode(of: path, to: mode_t(permissions))
    }

    package func createSymlink(at path: String, target: String) throws(SystemCallError) {
        try SystemCall.createSymlink(at: path, target: target)
    }

    package func readSymlink(at path: String) throws(SystemCallError) -> String {
        try SystemCall.readSymlink(at: path)
    }

    package func rename(_ source: String, to destination: String, replacing: Bool) throws(SystemCallError) {
        if replacing {
            try SystemCall.rename(source, to: destination)
        } else {
            try SystemCall.renameNoReplace(source, to: destination)
        }
    }

    package func exchange(_ first: String, _ second: String) throws(SystemCallError) {
        try SystemCall.exchange(first, second)
    }

    package func removeTree(at path: String) throws(SystemCallError) {
        let path = PathName.withoutTrailingSlashes(path)
        guard let info = try SystemCall.status(of: path, followSymlink: false) else { return }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            try SystemCall.unlinkFile(at: path)
            return
        }
        let directory = try DirectoryHandle(opening: path, relativeTo: AT_FDCWD, label: path)
        let meter = progress?.meter(verb: "removing", label: ProgressMeter.shortLabel(path))
        do throws(SystemCallError) {
            try removeContents(of: directory, label: path, meter: meter)
        } catch {
            directory.close()
            throw error
        }
        directory.close()
        try SystemCall.removeEmptyDirectory(at: path)
    }

    private func removeContents(of directory: DirectoryHandle, label: String, meter: ProgressMeter?) throws(SystemCallError) {
        for entry in try directory.entries() {
            let childLabel = PathName.join(label, entry.text)
            if try entry.isDirectory(in: directory, label: label) {
                let child = try DirectoryHandle(opening: entry.name, relativeTo: directory.descriptor, label: childLabel)
                do throws(SystemCallError) {
                    try removeContents(of: child, label: childLabel, meter: meter)
                } catch {
                    child.close()
                    throw error
                }
                child.close()
                try SystemCall.unlink(entry.name, in: directory.descriptor, isDirectory: true, label: childLabel)
            } else {
                try SystemCall.unlink(entry.name, in: directory.descriptor, isDirectory: false, label: childLabel)
                meter?.add(files: 1)
            }
        }
    }

    package func copyTree(from source: String, to destination: String) throws(SystemCallError) {
        var copier = TreeCopier(progress: progress?.meter(verb: "copying", label: ProgressMeter.shortLabel(destination)))
        do {
            try copier.copy(from: source, to: destination)
        } catch {
            // A half-made copy would look like a finished one to the next run (the destination
            // exists), so what this call created goes; the error that stopped it is reported.
            if copier.createdDestination { try? removeTree(at: destination) }
            throw error
        }
    }

    package func setPermissions(at path: String, to permissions: UInt32) throws(SystemCallError) {
        let path = PathName.withoutTrailingSlashes(path)
        guard let info = try SystemCall.status(of: path, followSymlink: false) else {
            throw SystemCallError(call: "chmod", path: path, code: ENOENT)
        }
        if info.st_mode & S_IFMT == S_IFLNK { throw SystemCallError(call: "chmod", path: path, code: ELOOP) }
        try SystemCall.setMode(of: path, to: mode_t(permissions))
    }

    package func syncDirectory(at path: String) throws(SystemCallError) {
        try SystemCall.syncDirectory(at: path)
    }

    package func setOwner(at path: String, user: UInt32?, group: UInt32?) throws(SystemCallError) {
        try SystemCall.setOwner(of: PathName.withoutTrailingSlashes(path), user: user, group: group)
    }
}

extension FileStatus {
    init(stat info: stat) {
        let type: EntryType =
            switch info.st_mode & S_IFMT {
            case S_IFDIR: .directory
            case S_IFREG: .file
            case S_IFLNK: .symlink
            default: .other
            }
        self.init(
            type: type, permissions: UInt32(info.st_mode & 0o7777), size: Int64(info.st_size),
            modificationTime: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9,
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino),
            modificationNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            owner: info.st_uid, group: info.st_gid,
            changeTime: Double(info.st_ctim.tv_sec) + Double(info.st_ctim.tv_nsec) / 1e9)
    }
}
