import Glibc

/// Test hooks for crash testing at the level of system calls, read once from the environment:
///
/// - `PERSIST_DEPLOY_CRASH_AT_CALL=k`: the process SIGKILLs itself on entry to its k-th system call
///   that changes the disk (rename, link, symlink, unlink, rmdir, mkdir, an open that creates or
///   writes, write, truncate, chmod, chown, utimens, fsync, syncfs), before the call is made.
/// - `PERSIST_DEPLOY_COUNT_CALLS=FILE`: at exit the process writes into FILE how many such calls
///   it made, so a test knows how many crash points a command has.
///
/// Every such call in the tool goes through the wrappers in `SystemCall`, which call `willChange`;
/// child processes (`tar`, hooks) are outside it. (`backup` and `restore` have their own
/// step-level hook, `CrashCountdown`.)
package enum CrashHook {
    /// Counts one file-changing call about to be made, and kills the process when it is the one
    /// `PERSIST_DEPLOY_CRASH_AT_CALL` names.
    @inline(__always)
    static func willChange() {
        guard let state = CrashHookState.shared else { return }
        state.count()
    }

    /// The calls counted so far in this process (0 when no hook is set).
    package static var callsSoFar: Int { CrashHookState.shared?.current ?? 0 }
}

private final class CrashHookState: @unchecked Sendable {
    /// Nil when neither variable is set, so the wrappers pay one load and one branch.
    static let shared: CrashHookState? = {
        let crashAt = getenv("PERSIST_DEPLOY_CRASH_AT_CALL").flatMap { Int(String(cString: $0)) }
        let countFile = getenv("PERSIST_DEPLOY_COUNT_CALLS").map { pointer in
            NameBytes.string(cString: Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer) + 1)))
        }
        guard crashAt != nil || countFile != nil else { return nil }
        let state = CrashHookState(crashAt: crashAt, countFile: countFile)
        if countFile != nil { atexit { CrashHookState.shared?.writeCount() } }
        return state
    }()

    private let crashAt: Int?
    private let countFile: String?
    private var calls = 0
    // Backups copy on several threads.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    private init(crashAt: Int?, countFile: String?) {
        self.crashAt = crashAt
        self.countFile = countFile
        pthread_mutex_init(mutex, nil)
    }

    var current: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return calls
    }

    func count() {
        pthread_mutex_lock(mutex)
        calls += 1
        let now = calls
        pthread_mutex_unlock(mutex)
        if let crashAt, now == crashAt {
            kill(getpid(), SIGKILL)
            // SIGKILL cannot be caught; nothing below runs.
            pause()
        }
    }

    /// Writes the count with plain calls: they are not counted, and a failure only leaves the
    /// test without its number.
    func writeCount() {
        guard let countFile else { return }
        let text = Array("\(current)\n".utf8)
        NameBytes.withCString(countFile) { cPath in
            let descriptor = open(cPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { return }
            _ = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
        }
    }
}
