import Glibc

/// Runs another program and waits for it, with `posix_spawn` (Foundation's `Process` is not in
/// FoundationEssentials). Its output goes where ours goes, unless a caller reads it.
package enum Subprocess {
    /// Runs `arguments[0]` found on `PATH` with the rest as arguments; returns its exit status
    /// (128 + signal number when a signal ended it). Arguments made by `NameBytes.string` reach
    /// the program as the bytes they stand for.
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
        let argv = arguments.map { duplicate(NameBytes.bytes($0)) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdout { posix_spawn_file_actions_adddup2(&actions, stdout, STDOUT_FILENO) }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
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

    /// A malloc'd NUL-terminated copy of `bytes`, for argv.
    private static func duplicate(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar>? {
        let copy = malloc(bytes.count + 1)?.assumingMemoryBound(to: CChar.self)
        for (index, byte) in bytes.enumerated() { copy?[index] = CChar(bitPattern: byte) }
        copy?[bytes.count] = 0
        return copy
    }
}
