/// The two facts about the host the `FileSystem` seam does not cover: free space and whether
/// this user may write a directory (permission bits alone cannot say: owner, groups, root).
/// Passed in so tests can fake a full disk.
package struct HostProbe: Sendable {
    /// Total and available kilobytes of the file system holding the path, as `df -k` reports them.
    package var diskSpace: @Sendable (String) -> (totalKB: UInt64, availableKB: UInt64)?
    package var isWritable: @Sendable (String) -> Bool

    package init(
        diskSpace: @escaping @Sendable (String) -> (totalKB: UInt64, availableKB: UInt64)?,
        isWritable: @escaping @Sendable (String) -> Bool
    ) {
        self.diskSpace = diskSpace
        self.isWritable = isWritable
    }

    package static let live = HostProbe(
        diskSpace: { path in
            guard let space = try? SystemCall.space(at: path) else { return nil }
            return (space.total / 1024, space.available / 1024)
        },
        isWritable: { path in SystemCall.isWritable(path) })
}
