/// What an extracted release may not keep, whatever the `tar` that unpacked it preserved: a web
/// root serves what it holds, and files run as the web server's user.
package enum ArchiveSanitizer {
    package struct Report: Sendable, Equatable {
        /// Device nodes, FIFOs and sockets removed (paths relative to the release).
        package var dropped: [String] = []
        /// Files and folders whose setuid, setgid or sticky bit, or write-for-everyone, was removed.
        package var restricted: [String] = []
    }

    /// Removes everything below `directory` that is not a file, folder or link, and takes the
    /// setuid, setgid and sticky bits and write access for every user away from the rest. Links
    /// are never followed.
    package static func clean(_ directory: String, fileSystem: any FileSystem) throws(SystemCallError) -> Report {
        var report = Report()
        try clean(directory, relative: "", fileSystem: fileSystem, into: &report)
        return report
    }

    private static func clean(_ directory: String, relative: String, fileSystem: any FileSystem, into report: inout Report) throws(SystemCallError) {
        for name in try fileSystem.listDirectory(at: directory) {
            let path = PathName.join(directory, name)
            let shown = relative.isEmpty ? name : relative + "/" + name
            guard let status = try fileSystem.status(at: path, followSymlink: false) else { continue }
            switch status.type {
            case .symlink:
                continue
            case .other:
                try fileSystem.removeTree(at: path)
                report.dropped.append(shown)
                continue
            case .file, .directory:
                if status.permissions & 0o7002 != 0 {
                    try fileSystem.setPermissions(at: path, to: status.permissions & ~0o7002)
                    report.restricted.append(shown)
                }
            }
            if status.type == .directory {
                try clean(path, relative: shown, fileSystem: fileSystem, into: &report)
            }
        }
    }

    /// One warning naming what was dropped or restricted (the first few of each), or nil.
    package static func notes(_ report: Report, special: [String]) -> [String] {
        func list(_ names: [String]) -> String {
            let shown = names.prefix(5).map { "'\(NameBytes.display($0))'" }.joined(separator: ", ")
            return names.count > 5 ? shown + " and \(names.count - 5) more" : shown
        }
        var notes: [String] = []
        let dropped = Array(Set(special + report.dropped)).sorted()
        if !dropped.isEmpty {
            notes.append("The archive held \(Text.count(dropped.count, "device node, FIFO or socket", "device nodes, FIFOs or sockets")), "
                + "which are not app files and were left out: \(list(dropped)).")
        }
        if !report.restricted.isEmpty {
            notes.append("\(Text.count(report.restricted.count, "file or folder", "files or folders")) in the archive had setuid, setgid, "
                + "sticky or write-for-everyone bits, which were removed: \(list(report.restricted)).")
        }
        return notes
    }
}
