import Glibc

/// Runs another program and waits for it, with `posix_spawn` (Foundation's `Process` is not in
/// FoundationEssentials). Its output goes where ours goes.
package enum Subprocess {
    /// Runs `arguments[0]` found on `PATH` with the rest as arguments; returns its exit status
    /// (128 + signal number when a signal ended it).
    package static func run(_ arguments: [String], environment: [String: String]) throws(SystemCallError) -> Int32 {
        precondition(!arguments.isEmpty, "Subprocess.run needs a program")
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, arguments[0], nil, nil, argv, envp)
        if spawned != 0 { throw SystemCallError(call: "spawn", path: arguments[0], code: spawned) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { throw SystemCallError(call: "waitpid", path: arguments[0], code: errno) }
        }
        // The wait-status macros are not imported into Swift; these are their definitions.
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
