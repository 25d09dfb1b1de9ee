import Glibc

/// Reading folders and trees: names come straight from `readdir` into reused buffers, and
/// become strings only where the caller takes them as strings.
extension LocalFileSystem {
    package func listDirectory(at path: String) throws(SystemCallError) -> [String] {
        let directory = try DirectoryHandle(opening: path, relativeTo: AT_FDCWD, label: path)
        defer { directory.close() }
        // Sorted as bytes before becoming strings: comparing strings costs ten times more.
        return try directory.entries().sorted { strcmp($0.name, $1.name) < 0 }.map(\.text)
    }

    package func listDirectoryWithTypes(at path: String) throws(SystemCallError) -> [(name: String, type: EntryType)] {
        let directory = try DirectoryHandle(opening: path, relativeTo: AT_FDCWD, label: path)
        defer { directory.close() }
        var listed: [(name: String, type: EntryType)] = []
        for entry in try directory.entries().sorted(by: { strcmp($0.name, $1.name) < 0 }) {
            if let type = try entry.type(in: directory, label: path) { listed.append((entry.text, type)) }
        }
        return listed
    }

    package func listDirectoryWithTypes(
        at path: String, keeping keep: (UnsafeBufferPointer<UInt8>) -> Bool
    ) throws(SystemCallError) -> [(name: String, type: EntryType)] {
        let directory = try DirectoryHandle(opening: path, relativeTo: AT_FDCWD, label: path)
        defer { directory.close() }
        var kept: [(name: [UInt8], type: EntryType)] = []
        try directory.forEachEntry { name, length, typeHint throws(SystemCallError) in
            let bytes = name.withMemoryRebound(to: UInt8.self, capacity: length) { UnsafeBufferPointer(start: $0, count: length) }
            if typeHint == UInt8(DT_DIR) || typeHint == UInt8(DT_UNKNOWN) || keep(bytes) {
                let entry = DirectoryHandle.Entry(name: Array(UnsafeBufferPointer(start: name, count: length + 1)), typeHint: typeHint)
                if let type = try entry.type(in: directory, label: path), type == .directory || keep(bytes) { kept.append((Array(bytes), type)) }
            }
            return true
        }
        return kept.sorted { NameBytes.precedes(bytes: $0.name, $1.name) }.map { (NameBytes.string($0.name), $0.type) }
    }

    package func someNames(in directory: String, limit: Int) throws(SystemCallError) -> [String] {
        let handle = try DirectoryHandle(opening: directory, relativeTo: AT_FDCWD, label: directory)
        defer { handle.close() }
        return try handle.entries(limit: limit).map(\.text)
    }

    package func files(under directory: String) throws(SystemCallError) -> [String] {
        var found: [[UInt8]] = []
        let meter = progress?.meter(verb: "reading", label: ProgressMeter.shortLabel(directory))
        try forEachFile(under: directory) { path throws(SystemCallError) in
            found.append(Array(path))
            meter?.add(files: 1)
            return true
        }
        // Sorted as bytes before becoming strings: comparing strings costs ten times more.
        return found.sorted(by: NameBytes.precedes(bytes:_:)).map { NameBytes.string($0) }
    }

    package func visitFiles(under directory: String, _ body: (String) throws(SystemCallError) -> Bool) throws(SystemCallError) {
        try forEachFile(under: directory) { path throws(SystemCallError) in try body(NameBytes.string(path)) }
    }

    /// Calls `body` with each non-directory entry below `directory`, its path relative to it as
    /// bytes valid only during the call, until `body` returns false. Types come from `readdir`.
    private func forEachFile(
        under directory: String, _ body: (UnsafeBufferPointer<UInt8>) throws(SystemCallError) -> Bool
    ) throws(SystemCallError) {
        let handle = try DirectoryHandle(opening: directory, relativeTo: AT_FDCWD, label: directory)
        defer { handle.close() }
        var relative = ByteBuffer()
        _ = try forEachFile(in: handle, relative: &relative, label: directory, body)
    }

    /// False once `body` returned false.
    private func forEachFile(
        in directory: DirectoryHandle, relative: inout ByteBuffer, label: String,
        _ body: (UnsafeBufferPointer<UInt8>) throws(SystemCallError) -> Bool
    ) throws(SystemCallError) -> Bool {
        let base = relative.count
        var going = true
        try directory.forEachEntry { name, length, typeHint throws(SystemCallError) in
            relative.truncate(to: base)
            if base > 0 { relative.append(UInt8(ascii: "/")) }
            name.withMemoryRebound(to: UInt8.self, capacity: length) { relative.append(UnsafeBufferPointer(start: $0, count: length)) }
            if try directory.isDirectory(name, typeHint: typeHint, label: label) {
                let childLabel = PathName.join(label, relative.withBytes((base == 0 ? 0 : base + 1)..<relative.count) { NameBytes.string($0) })
                let child = try DirectoryHandle(opening: name, relativeTo: directory.descriptor, label: childLabel)
                defer { child.close() }
                going = try forEachFile(in: child, relative: &relative, label: childLabel, body)
            } else {
                going = try relative.withBytes(0..<relative.count) { path throws(SystemCallError) in try body(path) }
            }
            return going
        }
        return going
    }

    package func walk(_ directory: String) throws(SystemCallError) -> [WalkedEntry] {
        var found: [WalkedEntry] = []
        try visitTree(directory) { path, status throws(SystemCallError) in
            found.append(WalkedEntry(path: NameBytes.string(path), status: status))
            return true
        }
        return found
    }

    package func visitTree(
        _ directory: String, _ visit: (_ path: UnsafeBufferPointer<UInt8>, _ status: FileStatus) throws(SystemCallError) -> Bool
    ) throws(SystemCallError) {
        let meter = progress?.meter(verb: "reading", label: ProgressMeter.shortLabel(directory))
        try TreeWalk.walk(directory) { entry throws(SystemCallError) in
            meter?.add(files: 1)
            return try visit(entry.relative, FileStatus(stat: entry.info))
        }
    }
}
