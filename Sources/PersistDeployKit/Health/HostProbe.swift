/// The two facts about the host the `FileSystem` seam does not cover: free space and whether
/// this user may write a directory (permission bits alone cannot say: owner, groups, root).
/// Passed in so tests can fake a full disk.
package struct HostProbe: Sendable {
    /// Total and available kilobytes of the file system holding the path, as `df -k` reports them.
    package var diskSpace: @Sendable (String) -> (totalKB: UInt64, availableKB: UInt64)?
    package var isWritable: @Sendable (String) -> Bool
    /// `getfacl -n -p -E PATH` (numeric ids, no effective-rights comments), or nil where getfacl is missing or fails: the web
    /// user's access is then decided by the mode bits alone, as `health-check.sh` does.
    package var acl: @Sendable (String) -> String?

    package init(
        diskSpace: @escaping @Sendable (String) -> (totalKB: UInt64, availableKB: UInt64)?,
        isWritable: @escaping @Sendable (String) -> Bool,
        acl: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        self.diskSpace = diskSpace
        self.isWritable = isWritable
        self.acl = acl
    }

    package static let live = HostProbe(
        diskSpace: { path in
            guard let space = try? SystemCall.space(at: path) else { return nil }
            return (space.total / 1024, space.available / 1024)
        },
        isWritable: { path in SystemCall.isWritable(path) },
        acl: { path in
            guard let result = try? ProcessGroup.run(
                ["getfacl", "-n", "-p", "-E", "--", path], in: "/", environment: ["LC_ALL": "C"], timeoutSeconds: 30, interruption: nil),
                result.succeeded else { return nil }
            return String(decoding: result.output, as: UTF8.self)
        })
}
