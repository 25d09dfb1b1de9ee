import Glibc

/// The per-root lock that keeps two deploys (or a deploy and a backup) from running at once
/// (data rule 7). It is an `flock` on `.persist-deploy/lock`, so the kernel drops it when its
/// holder dies, even by SIGKILL: a stale lock never blocks. The holder writes who it is into
/// the file so a waiting command can name it.
package final class DeployLock {
    private var descriptor: Int32
    package let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { release() }

    /// Takes the lock, waiting up to `waitSeconds`; throws a message naming the holder otherwise.
    package static func acquire(
        root: DeployRoot, command: String, waitSeconds: Int, context: Context
    ) throws(ToolError) -> DeployLock {
        // Every command that changes a root takes the lock first: none may write into '/'.
        if root.path == "/" {
            throw ToolError("The deploy root is '/'.", hint: "Pass --root with the folder that holds releases/, shared/ and current. Nothing was changed.")
        }
        let path = root.lockFile
        do {
            try context.fileSystem.createDirectory(at: root.state, permissions: 0o755)
        } catch {
            throw ToolError.system(error, while: "Creating the lock folder '\(root.state)'")
        }
        let descriptor: Int32
        do {
            descriptor = try SystemCall.open(path, flags: O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode: 0o644)
        } catch {
            throw ToolError.system(error, while: "Opening the deploy lock '\(path)'")
        }
        // Measured on the monotonic clock: the context's clock is the deploy's timestamp (fixed
        // in tests, and a wall clock can jump), so waiting on it could never end.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(waitSeconds))
        while true {
            do {
                if try SystemCall.tryLockExclusive(descriptor, path: path) { break }
            } catch {
                close(descriptor)
                throw ToolError.system(error, while: "Taking the deploy lock '\(path)'")
            }
            if clock.now >= deadline {
                let holder = Text.trimmed((try? LocalFileSystem().readText(at: path)) ?? "")
                close(descriptor)
                let who = holder.isEmpty ? "another process" : holder
                throw ToolError(
                    "Another persist-deploy command holds the lock on '\(root.path)': \(who).",
                    hint: waitSeconds == 0
                        ? "Nothing was changed. Wait for it to finish, or pass --wait SECONDS to queue behind it."
                        : "Waited \(waitSeconds) s; nothing was changed. Try again when it has finished.")
            }
            usleep(100_000)
        }
        let holder = "pid \(context.processID) on \(context.hostName), user \(context.userName), "
            + "running '\(command)' since \(Timestamp.iso8601(context.now()))\n"
        // Rewritten in place: the file itself must stay, since the lock lives on its inode.
        try? SystemCall.truncate(descriptor, to: 0, label: path)
        try? SystemCall.writeAll(descriptor, Array(holder.utf8), path: path)
        return DeployLock(descriptor: descriptor, path: path)
    }

    /// Drops the lock (also done when the process ends).
    package func release() {
        guard descriptor >= 0 else { return }
        try? SystemCall.truncate(descriptor, to: 0, label: path)
        close(descriptor)
        descriptor = -1
    }
}
