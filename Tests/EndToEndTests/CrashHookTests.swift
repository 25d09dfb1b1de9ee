import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The system-call crash hook sees every call of the binary that changes the disk: its count
/// equals what `strace` sees the process make, it kills on entry to exactly the k-th, and child
/// processes are outside it.
@Suite struct CrashHookTests {
    /// The system calls that change the disk, as strace names them (`open`/`openat` and `write`
    /// are filtered by their arguments below).
    static let changingCalls = [
        "open", "openat", "creat", "write", "pwrite64", "writev", "rename", "renameat", "renameat2", "symlink", "symlinkat",
        "link", "linkat", "unlink", "unlinkat", "rmdir", "mkdir", "mkdirat", "chmod", "fchmod", "fchmodat", "chown", "fchown",
        "lchown", "fchownat", "truncate", "ftruncate", "utimensat", "utimes", "futimesat", "fsync", "fdatasync", "syncfs",
        "sync", "mknod", "mknodat",
    ]

    static let strace = ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The hook's count of a command, and the file-changing calls strace saw it make (without
    /// the two the hook makes at exit to write its count, and without output to stdout/stderr).
    func counts(_ proof: ProofRoot, _ arguments: [String], strace: String) throws -> (hook: Int, traced: Int, outcome: ToolRunner.Outcome) {
        let countFile = proof.directory.path + "/count"
        let traceFile = proof.directory.path + "/trace"
        let outcome = try ToolRunner(executable: strace).run(
            ["-qq", "-o", traceFile, "-e", "trace=" + Self.changingCalls.joined(separator: ","), proof.tool.executable] + arguments,
            in: proof.directory.path, environment: ["PERSIST_DEPLOY_COUNT_CALLS": countFile])
        let hook = Int(Text.trimmed(try proof.fileSystem.readText(at: countFile))) ?? -1
        let lines = try proof.fileSystem.readText(at: traceFile).split(separator: "\n")
        let changing = lines.filter { line in
            if line.hasPrefix("open"), !line.contains("O_WRONLY"), !line.contains("O_RDWR"), !line.contains("O_CREAT"), !line.contains("O_TRUNC") {
                return false
            }
            return !line.hasPrefix("write(1,") && !line.hasPrefix("write(2,")
        }
        return (hook, changing.count - 2, outcome)
    }

    @Test(.enabled(if: strace != nil, "strace is not installed (.ci/run installs it)"))
    func theHookCountsEveryFileChangingCallTheProcessMakes() throws {
        let strace = try #require(Self.strace)
        let proof = try ProofRoot("hook-strace")
        try proof.writeApp()
        var seen: [String] = []
        for (name, arguments) in [
            ("first deploy", ["auto", "--root", proof.root, "--from", proof.app]),
            ("later deploy", ["auto", "--root", proof.root, "--from", proof.app, "--keep", "1"]),
            ("backup", ["backup", "--root", proof.root]),
            ("rollback", ["rollback", "--root", proof.root]),
        ] {
            let (hook, traced, outcome) = try counts(proof, arguments, strace: strace)
            #expect(outcome.exitCode == 0 || name == "rollback", "\(name): \(outcome)")
            #expect(hook > 0 && hook == traced, "\(name): the hook counted \(hook), strace saw \(traced)")
            seen.append("\(name) \(hook)")
        }
        ProofResults.record(suite: "crash", scenario: "the system-call hook counts what strace sees (\(seen.joined(separator: ", ")))",
                            runs: seen.count, outcome: "pass")
    }

    /// `PERSIST_DEPLOY_CRASH_AT_CALL=N` kills on the last call (N counted), N+1 never; a child
    /// process gets neither variable.
    @Test func theLastCallKillsAndTheNextDoesNotAndChildrenAreOutside() throws {
        let proof = try ProofRoot("hook-edges")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        try proof.saveTemplate()
        let childEnvironment = proof.directory.path + "/child-environment"
        let command = ["auto", "--root", proof.root, "--from", proof.app, "--verify", "env > '\(childEnvironment)'"]
        let countFile = proof.directory.path + "/count"
        let counted = try proof.run(command, environment: ["PERSIST_DEPLOY_COUNT_CALLS": countFile])
        #expect(counted.exitCode == 0, "\(counted)")
        let calls = try #require(Int(Text.trimmed(try proof.fileSystem.readText(at: countFile))))
        let environment = try proof.fileSystem.readText(at: childEnvironment)
        #expect(!environment.contains("PERSIST_DEPLOY_COUNT_CALLS") && !environment.contains("PERSIST_DEPLOY_CRASH_AT_CALL"))

        try proof.restoreTemplate()
        let last = try proof.tool.launch(command, in: proof.directory.path, environment: ["PERSIST_DEPLOY_CRASH_AT_CALL": String(calls)]).wait()
        #expect(last.signalled, "killed on entry to call \(calls) of \(calls): \(last.outcome)")
        try proof.restoreTemplate()
        let beyond = try proof.tool.launch(command, in: proof.directory.path, environment: ["PERSIST_DEPLOY_CRASH_AT_CALL": String(calls + 1)]).wait()
        #expect(!beyond.signalled && beyond.outcome.exitCode == 0, "call \(calls + 1) never comes: \(beyond.outcome)")
    }
}
