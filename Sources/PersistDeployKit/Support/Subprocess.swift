import Glibc

/// Runs another program and waits for it, with `posix_spawn` (Foundation's `Process` is not in
/// FoundationEssentials). Its output goes where ours goes.
package enum Subprocess {
    /// Variables of the system-call crash hook: a child (tar, a hook running persist-deploy) is
    /// outside it, so it must not count or crash on its own calls.
    static let hookVariables: Set<String> = ["PERSIST_DEPLOY_CRASH_AT_CALL", "PERSIST_DEPLOY_COUNT_CALLS"]

    /// Runs `arguments[0]` found on `PATH` with the rest as arguments; returns its exit status
    /// (128 + signal number when a signal ended it). Arguments and variables reach the program as
    /// the bytes they stand for (`NameBytes`), so a path that is not UTF-8 names the same file.
    package static func run(_ arguments: [String], environment: [String: String]) throws(SystemCallError) -> Int32 {
        precondition(!arguments.isEmpty, "Subprocess.run needs a program")
        let argv = cArguments(arguments)
        let envp = cEnvironment(environment)
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, argv[0]!, nil, nil, argv, envp)
        if spawned != 0 { throw SystemCallError(call: "spawn", path: arguments[0], code: spawned) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { throw SystemCallError(call: "waitpid", path: arguments[0], code: errno) }
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
