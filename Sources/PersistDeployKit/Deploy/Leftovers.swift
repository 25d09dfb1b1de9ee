import Glibc

/// What an interrupted command of this tool leaves behind: names only it makes, in places only
/// it writes. A deploy removes them (it holds the lock, and a name carrying a process id is
/// removed only once that process is gone); `health-check` and `health-check.sh` report them,
/// the same list in the same order.
package enum Leftovers {
    package struct Found: Sendable, Equatable {
        /// Absolute path.
        package var path: String
        /// `releases/.staging-ID`, `shared/.uploads.seeding`: relative to the root, or under
        /// `shared/` for the shared folder wherever it lives.
        package var label: String
        package var what: String

        /// The health check's message.
        package var message: String { "is left by an interrupted command (\(what)); the next deploy removes it" }
    }

    /// Every leftover under `root`. `persistent` and `appLinks` are the record's paths: the tool
    /// writes beside them, in shared/ and in each release.
    package static func find(root: DeployRoot, persistent: [String], appLinks: [String], fileSystem: any FileSystem) -> [Found] {
        var found: [Found] = []
        func scan(_ directory: String, label: String, names: (String) -> String?) {
            for name in (try? fileSystem.listDirectory(at: directory)) ?? [] {
                guard let what = names(name) else { continue }
                found.append(Found(path: PathName.join(directory, name), label: PathName.join(label, name), what: what))
            }
        }
        scan(root.path, label: "") { temporary($0) }
        scan(root.releases, label: "releases") { name in
            if name.hasPrefix(".staging-") { return "a release being unpacked or copied in" }
            if name.hasPrefix(".removing-") { return "an old release being removed" }
            let path = root.release(name)
            if ReleaseID.isValid(name), (try? fileSystem.type(at: path)) == .symlink,
                (try? fileSystem.readSymlink(at: path)) == "releases/\(name)"
            {
                return "the link of an adoption stopped before its swap"
            }
            return nil
        }
        scan(root.state, label: ".persist-deploy") { temporary($0) }
        scan(root.manifests, label: ".persist-deploy/manifests") { temporary($0) }

        var sharedPlaces: [String: Set<String>] = [:]
        for path in persistent { sharedPlaces[PathName.parent(path), default: []].insert(PathName.basename(path)) }
        sharedPlaces["."] = sharedPlaces["."] ?? []
        for (place, seeded) in sharedPlaces.sorted(by: { $0.key < $1.key }) {
            scan(root.sharedPath(place), label: PathName.join("shared", place)) { name in
                if name.hasPrefix("."), name.hasSuffix(".seeding"), seeded.contains(String(name.dropFirst().dropLast(8))) {
                    return "a partial copy into shared/; the data is still where it was copied from"
                }
                return temporary(name)
            }
        }

        let releases = ((try? fileSystem.listDirectory(at: root.releases)) ?? [])
            .filter { ReleaseID.isValid($0) && (try? fileSystem.type(at: root.release($0))) == .directory }
        var linkPlaces: [String: Set<String>] = [:]
        for path in persistent + appLinks { linkPlaces[PathName.parent(path), default: []].insert(PathName.basename(path)) }
        for id in releases {
            for (place, linked) in linkPlaces.sorted(by: { $0.key < $1.key }) {
                scan(PathName.join(root.release(id), place), label: PathName.join("releases/\(id)", place)) { name in
                    if name.hasPrefix("."), name.hasSuffix(".link-tmp"), linked.contains(String(name.dropFirst().dropLast(9))),
                        (try? fileSystem.type(at: PathName.join(root.release(id), place, name))) == .symlink
                    {
                        return "a link being replaced"
                    }
                    return temporary(name)
                }
            }
        }
        return found.sorted { PathName.bytewiseLess($0.label, $1.label) }
    }

    /// The temporary names that carry their writer's process id, when that process is gone:
    /// `.current.tmp-PID` (the switch), `.persist-deploy-link.PID` (recovery), and
    /// `.persist-deploy-PID-N.tmp` (a file written through a rename).
    static func temporary(_ name: String) -> String? {
        let pid: Substring?
        if name.hasPrefix(".current.tmp-") {
            pid = name.dropFirst(13)
        } else if name.hasPrefix(".persist-deploy-link.") {
            pid = name.dropFirst(21)
        } else if name.hasPrefix(".persist-deploy-"), name.hasSuffix(".tmp") {
            let middle = name.dropFirst(16).dropLast(4).split(separator: "-", omittingEmptySubsequences: false)
            guard middle.count == 2, isNumber(middle[1]) else { return nil }
            pid = middle[0]
        } else {
            pid = nil
        }
        guard let pid, isNumber(pid), !isRunning(pid) else { return nil }
        return "a temporary name of process \(pid), which is gone"
    }

    private static func isNumber(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 10 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Whether `/proc/PID` exists (the script asks the same question the same way).
    private static func isRunning(_ pid: Substring) -> Bool {
        ((try? SystemCall.status(of: "/proc/\(pid)", followSymlink: true)) ?? nil) != nil
    }
}
