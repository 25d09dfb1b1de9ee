/// Processes that still use a release: a queue worker started from it, a shell sitting in it, a
/// PHP process holding one of its files. Cleanup keeps such a release rather than delete the
/// folder under a running program (read from `/proc`; as a user other than root only that user's
/// own processes can be seen).
package enum ReleasesInUse {
    /// One process using a release.
    package struct Use: Sendable, Equatable {
        package var pid: Int32
        package var command: String
        /// "its working folder", "an open file", "a mapped file".
        package var how: String

        package init(pid: Int32, command: String, how: String) {
            self.pid = pid
            self.command = command
            self.how = how
        }

        package var description: String { "pid \(pid) (\(command)) has \(how) in it" }
    }

    /// The processes using each of `releases` (absolute paths), keyed by that path; releases no
    /// process uses are absent. Processes that vanish or cannot be read are skipped.
    package static func scan(
        _ releases: [String], processTable: String = "/proc", fileSystem: any FileSystem, ownPID: Int32
    ) -> [String: [Use]] {
        guard !releases.isEmpty, let entries = try? fileSystem.listDirectory(at: processTable) else { return [:] }
        // /proc shows resolved paths; a root reached through a link must be compared resolved too.
        let canonical = releases.map { (release: $0, resolved: PathResolver.resolve($0, fileSystem: fileSystem) ?? $0) }
        func release(containing path: String) -> String? {
            let path = path.hasSuffix(" (deleted)") ? String(path.dropLast(10)) : path
            return canonical.first { path == $0.resolved || path.hasPrefix($0.resolved + "/") }?.release
        }
        var found: [String: [Use]] = [:]
        for name in entries {
            guard let pid = Int32(name), pid != ownPID else { continue }
            let directory = PathName.join(processTable, name)
            var uses: [(String, String)] = []
            if let cwd = try? fileSystem.readSymlink(at: PathName.join(directory, "cwd")), let hit = release(containing: cwd) {
                uses.append((hit, "its working folder"))
            }
            let fds = PathName.join(directory, "fd")
            for fd in (try? fileSystem.listDirectory(at: fds)) ?? [] {
                if let target = try? fileSystem.readSymlink(at: PathName.join(fds, fd)), let hit = release(containing: target) {
                    uses.append((hit, "an open file"))
                }
            }
            if let maps = try? fileSystem.readText(at: PathName.join(directory, "maps")) {
                for line in maps.split(separator: "\n") {
                    guard let slash = line.firstIndex(of: "/") else { continue }
                    if let hit = release(containing: String(line[slash...])) { uses.append((hit, "a mapped file")) }
                }
            }
            guard !uses.isEmpty else { continue }
            let command = commandLine(of: directory, fileSystem: fileSystem)
            var seen: Set<String> = []
            for (hit, how) in uses where seen.insert(hit + "\u{0}" + how).inserted {
                found[hit, default: []].append(Use(pid: pid, command: command, how: how))
            }
        }
        return found
    }

    /// The process's command line, shortened, or its name.
    private static func commandLine(of directory: String, fileSystem: any FileSystem) -> String {
        if let bytes = try? fileSystem.readFile(at: PathName.join(directory, "cmdline")), !bytes.isEmpty {
            let text = String(decoding: bytes.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            let trimmed = Text.trimmed(text)
            return trimmed.count > 80 ? String(trimmed.prefix(77)) + "..." : trimmed
        }
        return Text.trimmed((try? fileSystem.readText(at: PathName.join(directory, "comm"))) ?? "?")
    }

    /// The warning for a release cleanup keeps.
    package static func warning(release id: String, uses: [Use]) -> String {
        let shown = uses.prefix(3).map(\.description).joined(separator: "; ")
        let more = uses.count > 3 ? " and \(uses.count - 3) more" : ""
        return "releases/\(id) was kept, not removed: it is still in use: \(shown)\(more). "
            + "Restart such processes after each switch (e.g. --after-switch 'php artisan queue:restart'); the next deploy removes it."
    }
}
