import Glibc

/// What the running app changed in a release outside shared/: entries the release did not ship,
/// and shipped files changed in place (data rule 4).
package struct Drift: Sendable, Equatable {
    /// Entries the release did not ship, parents before children, paths relative to the release.
    package var added: [WalkedEntry] = []
    /// Files (or other entries) it shipped that are no longer what it shipped.
    package var changed: [WalkedEntry] = []

    package init(added: [WalkedEntry] = [], changed: [WalkedEntry] = []) {
        self.added = added
        self.changed = changed
    }

    package var isEmpty: Bool { added.isEmpty && changed.isEmpty }
}

/// What a release is compared with.
package enum DriftBaseline: Sendable {
    /// The manifest recorded when the release went live.
    case manifest(ReleaseTree)
    /// A release with no manifest (a site deployed in place and adopted, or a release from before
    /// manifests) is compared with the release replacing it: what only it holds is the app's data.
    case otherRelease(String)
}

/// Paths a drift scan passes over: persistent paths (links into shared/, or real folders a
/// deploy is about to adopt into shared/), app links, and disposable paths.
package struct DriftExclusions: Sendable {
    /// The excluded paths' bytes, by their first component: a walked path costs one lookup of
    /// its own first component and a byte comparison with the few paths sharing it, never a
    /// string made for each of its parents (that was a tenth of a deploy's instructions).
    private var byTop = PathTable<[[UInt8]]>()

    package init<Paths: Sequence>(_ paths: Paths) where Paths.Element == String {
        for path in paths {
            let bytes = NameBytes.bytes(PathName.normalize(path))
            bytes.withUnsafeBufferPointer { bytes in
                let top = Self.top(bytes)
                byTop.set(top, (byTop.index(of: top).map { byTop.values[$0] } ?? []) + [Array(bytes)])
            }
        }
    }

    /// True when `path` or one of its parents is excluded.
    package func covers(_ path: String) -> Bool {
        guard byTop.count > 0 else { return false }
        return NameBytes.bytes(path).withUnsafeBufferPointer { covers(bytes: $0) }
    }

    /// True when the path given as its raw bytes, or one of its parents, is excluded.
    package func covers(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard byTop.count > 0, let index = byTop.index(of: Self.top(bytes)) else { return false }
        return byTop.values[index].contains { excluded in
            excluded.count <= bytes.count && excluded.elementsEqual(bytes.prefix(excluded.count))
                && (excluded.count == bytes.count || bytes[excluded.count] == UInt8(ascii: "/"))
        }
    }

    private static func top(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[..<(bytes.firstIndex(of: UInt8(ascii: "/")) ?? bytes.count)])
    }
}

/// Records a release's manifest and compares a release with one: one `lstat` walk each, never
/// entering a link, so the cost follows the release's own files and never the data in shared/.
package struct DriftScanner {
    let fileSystem: any FileSystem
    /// The time now in nanoseconds since 1970 (the real clock; tests may pass their own).
    let now: () -> Int64

    package init(fileSystem: any FileSystem, now: @escaping () -> Int64 = DriftScanner.realTime) {
        self.fileSystem = fileSystem
        self.now = now
    }

    /// The manifest of the release at `release` as it is now.
    package func record(_ release: String, disposable: [String]) throws(SystemCallError) -> ReleaseTree {
        let recordedAt = now()
        var tree = ReleaseTree(disposable: disposable.sorted(by: { NameBytes.Key($0) < NameBytes.Key($1) }))
        try fileSystem.visitTree(release) { path, status throws(SystemCallError) in
            var entry = ReleaseTree.entry(for: status)
            if entry.type == .file, entry.modificationNanoseconds > recordedAt - ReleaseTree.racyWindow {
                entry.digest = try digest(of: PathName.join(release, NameBytes.string(path)))
            }
            tree.add(bytes: path, entry)
            return true
        }
        return tree
    }

    /// What the running app changed in `release` compared with `baseline`, passing over
    /// `excluded` paths. Paths become strings only for what is reported.
    package func scan(_ release: String, against baseline: DriftBaseline, excluding excluded: DriftExclusions) throws(SystemCallError) -> Drift {
        var drift = Drift()
        switch baseline {
        case .manifest(let tree):
            let disposable = DriftExclusions(tree.disposable)
            try fileSystem.visitTree(release) { path, status throws(SystemCallError) in
                // An excluded folder is not entered (a site deployed in place holds its users'
                // data there); a new folder's contents are reported with it.
                if excluded.covers(bytes: path) || disposable.covers(bytes: path) { return false }
                let item = { WalkedEntry(path: NameBytes.string(path), status: status) }
                guard let recorded = tree[bytes: path] else {
                    drift.added.append(item())
                    return true
                }
                // A folder that became a file, or a file a folder, is new content either way.
                if recorded.type == .directory || status.type == .directory, recorded.type != status.type {
                    drift.added.append(item())
                    return true
                }
                if !ReleaseTree.matches(recorded, status, digestOf: { try? digest(of: PathName.join(release, NameBytes.string(path))) }) {
                    drift.changed.append(item())
                }
                return true
            }
        case .otherRelease(let other):
            var types = PathTable<EntryType>()
            if try fileSystem.isDirectory(other) {
                try fileSystem.visitTree(other) { path, status throws(SystemCallError) in
                    types.set(path, status.type)
                    return true
                }
            }
            try fileSystem.visitTree(release) { path, status throws(SystemCallError) in
                guard !excluded.covers(bytes: path) else { return false }
                if types.index(of: path).map({ types.values[$0] }) != status.type {
                    drift.added.append(WalkedEntry(path: NameBytes.string(path), status: status))
                }
                return true
            }
        }
        return drift
    }

    private func digest(of path: String) throws(SystemCallError) -> String {
        SHA256.hex(of: try fileSystem.readFile(at: path))
    }

    package static func realTime() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
