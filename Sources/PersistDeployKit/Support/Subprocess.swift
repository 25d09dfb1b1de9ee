import Glibc

/// Runs another program and waits for it, with `posix_spawn` (Foundation's `Process` is not in
/// FoundationEssentials). Its output goes where ours goes, unless a caller reads it.
package enum Subprocess {
    /// Variables of the system-call crash hook: a child (tar, a hook running persist-deploy) is
    /// outside it, so it must not count or crash on its own calls.
    static let hookVariables: Set<String> = ["PERSIST_DEPLOY_CRASH_AT_CALL", "PERSIST_DEPLOY_COUNT_CALLS"]

    /// Runs `arguments[0]` found on `PATH` with the rest as arguments; returns its exit status
    /// (128 + signal number when a signal ended it). Arguments and variables reach the program as
    /// the bytes they stand for (`NameBytes`), so a path that is not UTF-8 names the same file.
    package static func run(_ arguments: [String], environment: [String: String]) throws(SystemCallError) -> Int32 {
        let pid = try spawn(arguments, environment: environment, stdout: nil)
        return try wait(pid, program: arguments[0])
    }

    /// Runs the program with its stdout on a pipe and hands the pipe's reading end to `consume`;
    /// returns the exit status. When `consume` throws, the pipe is closed (the program ends on
    /// SIGPIPE or at its end), the program is waited for, and the error is passed on.
    package static func reading(
        _ arguments: [String], environment: [String: String], consume: (Int32) throws -> Void
    ) throws -> Int32 {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SystemCallError(call: "pipe", path: arguments[0], code: errno) }
        // Neither end may leak into other children; the program gets a dup2 copy as stdout.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let pid: pid_t
        do {
            pid = try spawn(arguments, environment: environment, stdout: ends[1])
        } catch {
            close(ends[0])
            close(ends[1])
            throw error
        }
        close(ends[1])
        do {
            try consume(ends[0])
        } catch {
            close(ends[0])
            _ = try? wait(pid, program: arguments[0])
            throw error
        }
        close(ends[0])
        return try wait(pid, program: arguments[0])
    }

    private static func spawn(_ arguments: [String], environment: [String: String], stdout: Int32?) throws(SystemCallError) -> pid_t {
        precondition(!arguments.isEmpty, "Subprocess needs a program")
        let argv = cArguments(arguments)
        let envp = cEnvironment(environment)
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdout { posix_spawn_file_actions_adddup2(&actions, stdout, STDOUT_FILENO) }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, argv[0]!, &actions, nil, argv, envp)
        if spawned != 0 { throw SystemCallError(call: "spawn", path: arguments[0], code: spawned) }
        return pid
    }

    private static func wait(_ pid: pid_t, program: String) throws(SystemCallError) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { throw SystemCallError(call: "waitpid", path: program, code: errno) }
        }
        // The wait-status macros are not imported into Swift; these are their definitions.
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// `argv` for `posix_spawn`: each argument as the bytes it stands for, malloc'ed (free each),
    /// then nil.
    package static func cArguments(_ arguments: [String]) -> [UnsafeMutablePointer<CChar>?] {
        arguments.map(cCopy) + [nil]
    }

    /// `envp` for `posix_spawn`: `NAME=value` of every variable but the crash hook's, as bytes.
    package static func cEnvironment(_ environment: [String: String]) -> [UnsafeMutablePointer<CChar>?] {
        environment.filter { !hookVariables.contains($0.key) }.map { cCopy($0.key + "=" + $0.value) } + [nil]
    }

    /// A malloc'ed NUL-terminated copy of the bytes `text` stands for (freed by the caller).
    private static func cCopy(_ text: String) -> UnsafeMutablePointer<CChar>? {
        let bytes = NameBytes.cString(text)
        guard let copy = malloc(bytes.count)?.assumingMemoryBound(to: CChar.self) else { return nil }
        copy.initialize(from: bytes, count: bytes.count)
        return copy
    }
}
