import Glibc

/// An open directory read through its descriptor, so that walks address children by name
/// relative to their parent and never resolve a path twice.
struct DirectoryHandle {
    /// One entry: its name as NUL-terminated bytes (any byte sequence is valid) and the type
    /// `readdir` reported, which avoids a `stat` per entry on most file systems.
    struct Entry {
        let name: [CChar]
        let typeHint: UInt8

        /// The name as the tool's paths hold it (`NameBytes`: lossless, any bytes).
        var text: String { NameBytes.string(cString: name) }

        /// The entry's own type from `readdir`, or from one `lstat` where the file system does not
        /// report it; nil when the entry is gone.
        func type(in parent: DirectoryHandle, label: String) throws(SystemCallError) -> EntryType? {
            switch Int32(typeHint) {
            case Int32(DT_DIR): return .directory
            case Int32(DT_REG): return .file
            case Int32(DT_LNK): return .symlink
            case Int32(DT_UNKNOWN):
                let info = try SystemCall.status(of: name, in: parent.descriptor, label: label + "/" + text)
                return info.map { FileStatus(stat: $0).type }
            default: return .other
            }
        }

        /// True for a real directory; a symlink to a directory is not one.
        func isDirectory(in parent: DirectoryHandle, label: String) throws(SystemCallError) -> Bool {
            try parent.isDirectory(name, typeHint: typeHint, label: label)
        }
    }

    /// True when the entry `name` with `readdir`'s `typeHint` is a real directory (one `lstat`
    /// where the file system reports no type).
    func isDirectory(_ name: UnsafePointer<CChar>, typeHint: UInt8, label: String) throws(SystemCallError) -> Bool {
        if typeHint != UInt8(DT_UNKNOWN) { return typeHint == UInt8(DT_DIR) }
        var info = stat()
        try SystemCall.retrying("lstat", label) { fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) }
        return info.st_mode & S_IFMT == S_IFDIR
    }

    let descriptor: Int32
    private let stream: OpaquePointer

    /// Opens `name` below `parent` (or a path, with `AT_FDCWD`), refusing to follow a final link.
    init(opening name: String, relativeTo parent: Int32, label: String) throws(SystemCallError) {
        try self.init(opening: NameBytes.cString(name), relativeTo: parent, label: label)
    }

    init(opening name: UnsafePointer<CChar>, relativeTo parent: Int32, label: String) throws(SystemCallError) {
        let descriptor = try SystemCall.retrying("open", label) {
            openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        }
        try self.init(descriptor: descriptor, label: label)
    }

    private init(descriptor: Int32, label: String) throws(SystemCallError) {
        guard let stream = fdopendir(descriptor) else {
            let code = errno
            Glibc.close(descriptor)
            throw SystemCallError(call: "opendir", path: label, code: code)
        }
        self.descriptor = descriptor
        self.stream = stream
    }

    /// Every entry but `.` and `..`, in the order the file system returns them.
    func entries(limit: Int = .max) throws(SystemCallError) -> [Entry] {
        rewinddir(stream)
        var result: [Entry] = []
        try forEachEntry { name, length, type throws(SystemCallError) in
            result.append(Entry(name: Array(UnsafeBufferPointer(start: name, count: length + 1)), typeHint: type))
            return result.count < limit
        }
        return result
    }

    /// Calls `body` with each entry's name (NUL-terminated, `length` bytes before the NUL, valid
    /// only during the call) and the type `readdir` reported, but `.` and `..`, from where the
    /// stream is, until `body` returns false. No name is copied: a walk of 60,000 files must not
    /// cost an array per entry.
    func forEachEntry(
        _ body: (_ name: UnsafePointer<CChar>, _ length: Int, _ typeHint: UInt8) throws(SystemCallError) -> Bool
    ) throws(SystemCallError) {
        while true {
            errno = 0
            guard let pointer = readdir(stream) else {
                if errno != 0 { throw SystemCallError(call: "readdir", path: "\(descriptor)", code: errno) }
                return
            }
            let name = (UnsafeRawPointer(pointer) + Self.nameOffset).assumingMemoryBound(to: CChar.self)
            let length = strlen(name)
            if name[0] == 46, length == 1 || (length == 2 && name[1] == 46) { continue }
            guard try body(name, length, pointer.pointee.d_type) else { return }
        }
    }

    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!

    /// Closes the stream and its descriptor.
    func close() {
        closedir(stream)
    }
}
