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
    /// - Parameter notice: told once, when the lock is busy and the command starts to wait, so a
    ///   CI log does not show a silent pause of minutes.
    package static func acquire(
        root: DeployRoot, command: String, waitSeconds: Int, context: Context, notice: ((String) -> Void)? = nil
    ) throws(ToolError) -> DeployLock {
        // Every command that changes a root takes the lock first: none may write into '/'.
        if root.path == "/" {
            throw ToolError("The deploy root is '/'.", hint: "Pass --root with the folder that holds releases/, shared/ and current. Nothing was changed.")
        }
        try root.refuseUnsafeDestinations(fileSystem: context.fileSystem)
        let path = root.lockFile
        func open() throws(ToolError) -> Int32 {
            do {
                try context.fileSystem.createDirectory(at: root.state, permissions: 0o755)
            } catch {
                throw ToolError.system(error, while: "Creating the lock folder '\(root.state)'")
            }
            do {
                return try SystemCall.open(path, flags: O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode: 0o644)
            } catch {
                throw ToolError.system(error, while: "Opening the deploy lock '\(path)'")
            }
        }
        // Measured on the monotonic clock: the context's clock is the deploy's timestamp (fixed
        // in tests, and a wall clock can jump), so waiting on it could never end.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(waitSeconds))
        var toldWaiting = false
        var descriptor = try open()
        while true {
            let locked: Bool
            do {
                locked = try SystemCall.tryLockExclusive(descriptor, path: path)
            } catch {
                close(descriptor)
                throw ToolError.system(error, while: "Taking the deploy lock '\(path)'")
            }
            if locked {
                // A failed first deploy removes the lock file of the root it created; whoever
                // locked that removed file must lock the file now at the path instead.
                if isStillAtPath(descriptor, path) { break }
                close(descriptor)
                descriptor = try open()
                continue
            }
            if !toldWaiting && waitSeconds > 0, let notice {
                let holder = Text.trimmed((try? LocalFileSystem().readText(at: path)) ?? "")
                notice("Waiting up to \(waitSeconds) s for the lock on '\(root.path)', held by \(holder.isEmpty ? "another process" : holder).")
                toldWaiting = true
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

    /// True when `descriptor` is the file at `path` (same device and inode).
    private static func isStillAtPath(_ descriptor: Int32, _ path: String) -> Bool {
        guard let opened = try? SystemCall.status(of: descriptor, label: path),
            let named = (try? SystemCall.status(of: path, followSymlink: false)) ?? nil
        else { return false }
        return opened.st_dev == named.st_dev && opened.st_ino == named.st_ino
    }

    /// For a deploy root this command created and failed to deploy into: removes the lock file
    /// while holding it, drops the lock, then removes each of `folders` (in order) that is
    /// empty; rmdir(2) never removes anything else. A waiter holding the removed file notices
    /// and locks a new file at the path.
    package func releaseRemovingFile(thenEmpty folders: [String]) {
        guard descriptor >= 0 else { return }
        try? SystemCall.unlinkFile(at: path)
        release()
        for folder in folders { try? SystemCall.removeEmptyDirectory(at: folder) }
    }

    /// Drops the lock (also done when the process ends).
    package func release() {
        guard descriptor >= 0 else { return }
        try? SystemCall.truncate(descriptor, to: 0, label: path)
        close(descriptor)
        descriptor = -1
    }
}
