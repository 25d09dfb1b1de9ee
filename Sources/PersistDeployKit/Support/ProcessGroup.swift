import Glibc

/// Runs a shell command in a process group of its own, reading its output, and ends the whole
/// group when it overruns its time or the deploy is interrupted: a hook's `php artisan` children
/// must not outlive it, and Ctrl-C on a terminal (sent to the foreground group) reaches the tool
/// alone, which then decides what to stop and what to put back.
package enum ProcessGroup {
    /// How a run ended.
    package enum End: Sendable, Equatable {
        /// The command exited with this status (128 + n when signal n ended it).
        case exited(Int32)
        /// It ran past its time and its group was killed.
        case timedOut
        /// The deploy got this signal and the group was killed.
        case interrupted(Int32)
    }

    package struct Result: Sendable {
        package var end: End
        package var seconds: Double
        /// stdout and stderr, interleaved as written; the tail only when it grew past `outputLimit`.
        package var output: [UInt8]
        package var truncated: Bool
    }

    /// The most output kept in memory (and in the log): the last megabyte.
    package static let outputLimit = 1 << 20
    /// Seconds between SIGTERM to the group and SIGKILL.
    package static let graceSeconds = 5.0

    /// Runs `/bin/sh -c command` in `directory` with exactly `environment`; stdin is /dev/null.
    /// `onOutput` gets each chunk as it arrives (for `--verbose`).
    package static func shell(
        _ command: String, in directory: String, environment: [String: String], timeoutSeconds: Int,
        interruption: Interruption?, onOutput: (ArraySlice<UInt8>) -> Void = { _ in }
    ) throws(SystemCallError) -> Result {
        try run(["/bin/sh", "-c", command], in: directory, environment: environment, timeoutSeconds: timeoutSeconds,
                interruption: interruption, onOutput: onOutput)
    }

    /// Runs `arguments[0]` (found on `PATH`) with the rest as its arguments, as `shell` does.
    package static func run(
        _ arguments: [String], in directory: String, environment: [String: String], timeoutSeconds: Int,
        interruption: Interruption?, onOutput: (ArraySlice<UInt8>) -> Void = { _ in }
    ) throws(SystemCallError) -> Result {
        precondition(!arguments.isEmpty, "ProcessGroup.run needs a program")
        var ends: [Int32] = [0, 0]
        guard makePipe(&ends, nonBlocking: false) else { throw SystemCallError(call: "pipe", path: arguments[0], code: errno) }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        let pid: pid_t
        do {
            pid = try spawn(arguments, in: directory, environment: environment, output: writeEnd)
        } catch {
            close(readEnd)
            close(writeEnd)
            throw error
        }
        close(writeEnd)
        defer { close(readEnd) }
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)

        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let duration = clock.now - start
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        var output: [UInt8] = []
        var truncated = false
        var pipeOpen = true
        var exitStatus: Int32?
        var stoppedFor: End?
        var termSentAt = 0.0
        var buffer = [UInt8](repeating: 0, count: 65536)

        func drain() {
            while pipeOpen {
                let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count > 0 {
                    onOutput(buffer[0..<count])
                    output += buffer[0..<count]
                    if output.count > outputLimit {
                        output.removeFirst(output.count - outputLimit)
                        truncated = true
                    }
                } else if count == 0 {
                    pipeOpen = false
                } else {
                    if errno == EINTR { continue }
                    return
                }
            }
        }

        while true {
            var descriptors: [pollfd] = []
            if pipeOpen { descriptors.append(pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)) }
            if let interruption { descriptors.append(pollfd(fd: interruption.descriptor, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&descriptors, nfds_t(descriptors.count), 100)
            drain()
            if exitStatus == nil {
                var status: Int32 = 0
                let waited = waitpid(pid, &status, WNOHANG)
                if waited == pid {
                    // The wait-status macros are not imported into Swift; these are their definitions.
                    let signal = status & 0x7f
                    exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
                } else if waited == -1 && errno != EINTR {
                    exitStatus = 127
                }
            }
            if let exitStatus {
                // What the command's own children still write is not waited for: a hook that
                // starts a daemon must not hold the deploy.
                drain()
                if stoppedFor != nil { kill(-pid, SIGKILL) }
                return Result(end: stoppedFor ?? .exited(exitStatus), seconds: elapsed(), output: output, truncated: truncated)
            }
            if stoppedFor == nil {
                if let signal = interruption?.received {
                    stoppedFor = .interrupted(signal)
                } else if elapsed() >= Double(timeoutSeconds) {
                    stoppedFor = .timedOut
                }
                if stoppedFor != nil {
                    kill(-pid, SIGTERM)
                    termSentAt = elapsed()
                }
            } else if elapsed() - termSentAt >= graceSeconds {
                kill(-pid, SIGKILL)
            }
        }
    }

    /// A pipe whose ends close on exec (`pipe2` is hidden from Swift like every `_GNU_SOURCE` call).
    static func makePipe(_ ends: inout [Int32], nonBlocking: Bool) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            if nonBlocking { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
        }
        return true
    }

    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    /// glibc 2.29+; looked up at run time because Glibc's Swift module does not declare it.
    static let addChdir: AddChdir? = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: AddChdir.self)
    }

    private static func spawn(
        _ arguments: [String], in directory: String, environment: [String: String], output: Int32
    ) throws(SystemCallError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        if let addChdir = Self.addChdir {
            _ = NameBytes.withCString(directory) { cDirectory in addChdir(&actions, cDirectory) }
        } else {
            throw SystemCallError(call: "posix_spawn_file_actions_addchdir_np", path: directory, code: ENOSYS)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own (pgid = its pid); default dispositions and an empty mask, whatever
        // the tool inherited (nohup, a CI runner ignoring SIGPIPE).
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        // Arguments and variables as the bytes they stand for (a release path that is not UTF-8),
        // without the crash hook's variables: a hook is outside it.
        let argv = Subprocess.cArguments(arguments)
        let envp = Subprocess.cEnvironment(environment)
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, argv[0]!, &actions, &attributes, argv, envp)
        if spawned != 0 { throw SystemCallError(call: "spawn", path: arguments[0], code: spawned) }
        return pid
    }
}
