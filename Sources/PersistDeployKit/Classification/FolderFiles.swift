/// The files below one folder of the app (what `FileSystem.files(under:)` lists), read only as far
/// as a rule needs them: whether it holds a given file (one `lstat`), whether all of them pass a
/// test (stopping at the first that does not), or the whole sorted list, read once. A web-root
/// folder of 54,000 product images is decided after a look at one of them.
struct FolderFiles {
    let fileSystem: any FileSystem
    /// The folder on disk.
    let directory: String
    /// The folder relative to the app, for messages.
    let label: String
    private var listed: [String]?

    init(fileSystem: any FileSystem, directory: String, label: String) {
        self.fileSystem = fileSystem
        self.directory = directory
        self.label = label
    }

    /// Every file, relative to the folder, sorted bytewise.
    mutating func all() throws(ToolError) -> [String] {
        if let listed { return listed }
        let files = try reading { () throws(SystemCallError) in try fileSystem.files(under: directory) }
        listed = files
        return files
    }

    /// True when there is at least one file and every one passes `test`.
    mutating func holdOnly(_ test: (String) -> Bool) throws(ToolError) -> Bool {
        if let listed { return !listed.isEmpty && listed.allSatisfy(test) }
        var seen = false
        var passed = true
        try reading { () throws(SystemCallError) in
            try fileSystem.visitFiles(under: directory) { file in
                seen = true
                passed = test(file)
                return passed
            }
        }
        return seen && passed
    }

    /// True when there is no file (empty folders aside).
    mutating func isEmpty() throws(ToolError) -> Bool {
        if let listed { return listed.isEmpty }
        var seen = false
        try reading { () throws(SystemCallError) in
            try fileSystem.visitFiles(under: directory) { _ in
                seen = true
                return false
            }
        }
        return !seen
    }

    /// True when `name` is one of the folder's own files (not a folder).
    func holds(_ name: String) throws(ToolError) -> Bool {
        let type = try reading { () throws(SystemCallError) in try fileSystem.status(at: PathName.join(directory, name), followSymlink: false)?.type }
        return type != nil && type != .directory
    }

    private func reading<Result>(_ body: () throws(SystemCallError) -> Result) throws(ToolError) -> Result {
        do {
            return try body()
        } catch {
            throw ToolError.system(error, while: "Reading '\(label)' of the app")
        }
    }
}
