import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Faults of the machine and of the layout: each ends in a clear error (stderr starts `error: `
/// and names the path), exit 1, the live release untouched and nothing lost.
@Suite struct FaultTests {
    /// Mounts a small tmpfs at `path`; nil (with the reason) where this user may not mount.
    static func mountTmpfs(at path: String, size: String = "2m") throws -> String? {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let outcome = try ToolRunner.bash(#"mount -t tmpfs -o size="$2" tmpfs "$1" 2>&1"#, [path, size])
        return outcome.exitCode == 0 ? nil : "mount -t tmpfs not permitted here: \(outcome.stdout)"
    }

    static func unmount(_ path: String) {
        _ = try? ToolRunner.bash(#"umount "$1" || umount -l "$1""#, [path])
    }

    /// A deploy root with one finished release and users' data, ready to be broken.
    static func deployedRoot(_ label: String) throws -> ProofRoot {
        let proof = try ProofRoot(label)
        try proof.writeApp()
        let first = try proof.deploy()
        #expect(first.exitCode == 0, "\(first)")
        try proof.writeUserData("a")
        return proof
    }

    /// The fault's promise: exit 1, `error: ` naming `path`, current unchanged, no data lost.
    func expectCleanFailure(
        _ outcome: ToolRunner.Outcome, naming path: String, proof: ProofRoot, live: String?, data: [String: String]
    ) throws -> [String] {
        var problems: [String] = []
        if outcome.exitCode != 1 { problems.append("exit \(outcome.exitCode), not 1") }
        if !outcome.stderr.hasPrefix("error: ") { problems.append("stderr does not start with 'error: ': \(outcome.stderr.prefix(300))") }
        if !outcome.stderr.contains(path) { problems.append("the error does not name '\(path)': \(outcome.stderr.prefix(300))") }
        if proof.liveRelease != live { problems.append("current moved from \(live ?? "nothing") to \(proof.liveRelease ?? "nothing")") }
        problems += proof.currentProblems(allowNone: live == nil)
        problems += DataInventory.losses(data, try proof.sharedData()).map { "shared/\($0)" }
        return problems
    }

    func record(_ scenario: String, _ problems: [String], runs: Int = 1) {
        #expect(problems.isEmpty, "\(scenario):\n\(problems.joined(separator: "\n"))")
        ProofResults.record(suite: "faults", scenario: scenario, runs: runs, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }

    @Test func fullDiskUnderTheRoot() throws {
        let proof = try ProofRoot("fault-full")
        let scenario = "full disk: the deploy root on a 2 MB tmpfs, a release of 3 MB"
        if let reason = try Self.mountTmpfs(at: proof.root) {
            ProofResults.record(suite: "faults", scenario: scenario, runs: 0, outcome: "skipped: \(reason)")
            return
        }
        defer { Self.unmount(proof.root) }
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        try proof.writeUserData("a")
        let live = proof.liveRelease
        let data = try proof.sharedData()
        try proof.write("public/css/big.bin", String(repeating: "z", count: 3_000_000), under: proof.app)
        let outcome = try proof.deploy()
        var problems = try expectCleanFailure(outcome, naming: proof.root, proof: proof, live: live, data: data)
        if !outcome.stderr.contains("No space left") { problems.append("the error does not say the disk is full: \(outcome.stderr.prefix(300))") }
        // Once there is room again, the next deploy goes through.
        try proof.fileSystem.removeTree(at: proof.app + "/public/css/big.bin")
        let retry = try proof.deploy()
        if retry.exitCode != 0 { problems.append("the deploy after freeing space failed: \(retry)") }
        problems += DataInventory.losses(data, try proof.sharedData())
        record(scenario, problems, runs: 3)
    }

    @Test func fullDiskInSharedWhileSeedingAcrossFileSystems() throws {
        let proof = try ProofRoot("fault-full-shared")
        let scenario = "full disk: shared/ on a 2 MB tmpfs, seeding 3 MB newly made persistent (copy across file systems)"
        if let reason = try Self.mountTmpfs(at: proof.root + "/shared") {
            ProofResults.record(suite: "faults", scenario: scenario, runs: 0, outcome: "skipped: \(reason)")
            return
        }
        defer { Self.unmount(proof.root + "/shared") }
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        try proof.writeUserData("a")
        let live = proof.liveRelease
        let data = try proof.sharedData()
        try proof.write("public/media/big.bin", String(repeating: "m", count: 3_000_000), under: proof.app)
        try proof.write("persist-deploy.json", #"{"classify": {"public/media": "user"}}"#, under: proof.app)
        let outcome = try proof.deploy()
        var problems = try expectCleanFailure(outcome, naming: proof.root, proof: proof, live: live, data: data)
        let leftovers = try proof.fileSystem.listDirectory(at: proof.root + "/shared/public").filter { $0.contains("seeding") }
        if !leftovers.isEmpty { problems.append("a partial copy is left in shared/public: \(leftovers)") }
        record(scenario, problems)
    }

    @Test func sharedOnAnotherFileSystemIsCopiedThenRemoved() throws {
        let proof = try ProofRoot("fault-xdev")
        let scenario = "shared/ on another file system (tmpfs): first deploy and adoption seed by copy, then remove"
        if let reason = try Self.mountTmpfs(at: proof.root + "/shared", size: "64m") {
            ProofResults.record(suite: "faults", scenario: scenario, runs: 0, outcome: "skipped: \(reason)")
            return
        }
        defer { Self.unmount(proof.root + "/shared") }
        try proof.writeApp()
        // An in-place site with users' files: adoption must copy them across, then remove them.
        try proof.fileSystem.copyTree(from: proof.app, to: proof.root + "/current")
        try proof.writeUserData("inplace")
        let seen = try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths)
        let outcome = try proof.deploy(["--adopt"])
        var problems: [String] = []
        if outcome.exitCode != 0 { problems.append("deploy: \(outcome)") }
        problems += DataInventory.losses(seen, try DataInventory.seenThrough(proof.root + "/current", paths: ProofRoot.persistentPaths))
        problems += DataInventory.losses(seen, try DataInventory.seenThrough(proof.root + "/shared", paths: ProofRoot.persistentPaths))
            .map { "shared/\($0)" }
        problems += proof.currentProblems(allowNone: false) + (try proof.healthProblems())
        for release in try proof.fileSystem.listDirectory(at: proof.root + "/releases") where !release.hasPrefix(".") {
            for path in ProofRoot.persistentPaths where try proof.fileSystem.type(at: "\(proof.root)/releases/\(release)/\(path)") != .symlink {
                problems.append("releases/\(release)/\(path) is not a link: the source was not removed after the copy")
            }
        }
        let leftovers = try DataInventory.take(proof.root + "/shared").keys.filter { $0.contains(".seeding") }
        if !leftovers.isEmpty { problems.append("seeding leftovers: \(leftovers)") }
        record(scenario, problems)
    }

    @Test func permissionDeniedForAnotherUser() throws {
        let proof = try Self.deployedRoot("fault-perm")
        let scenario = "permission denied: running as nobody, releases/ read-only and a read-only shared/ folder"
        let probe = try ToolRunner(executable: "/usr/bin/setpriv").run(["--reuid=65534", "--regid=65534", "--clear-groups", "/bin/true"], in: "/")
        guard probe.exitCode == 0 else {
            ProofResults.record(suite: "faults", scenario: scenario, runs: 0, outcome: "skipped: setpriv cannot switch to nobody: \(probe.stderr)")
            return
        }
        let chown = try ToolRunner.bash(#"chown -R 65534:65534 "$1" "$2""#, [proof.root, proof.app])
        #expect(chown.exitCode == 0, "\(chown)")
        let asNobody = ToolRunner(executable: "/usr/bin/setpriv")
        func run(_ arguments: [String]) throws -> ToolRunner.Outcome {
            try asNobody.run(["--reuid=65534", "--regid=65534", "--clear-groups", proof.tool.executable] + arguments, in: proof.directory.path)
        }
        var problems: [String] = []
        let live = proof.liveRelease
        let data = try proof.sharedData()

        chmod(proof.root + "/releases", 0o555)
        problems += try expectCleanFailure(
            run(["auto", "--root", proof.root, "--from", proof.app]), naming: proof.root + "/releases", proof: proof, live: live, data: data)
            .map { "releases/ read-only: \($0)" }
        chmod(proof.root + "/releases", 0o755)

        // The new release ships a file for uploads, which is read-only for this user.
        try proof.write("public/uploads/new-default.png", "new", under: proof.app)
        _ = try ToolRunner.bash(#"chown -R 65534:65534 "$1""#, [proof.app])
        chmod(proof.root + "/shared/public/uploads", 0o555)
        problems += try expectCleanFailure(
            run(["auto", "--root", proof.root, "--from", proof.app]), naming: proof.root + "/shared/public/uploads", proof: proof, live: live, data: data)
            .map { "shared/public/uploads read-only: \($0)" }
        chmod(proof.root + "/shared/public/uploads", 0o755)
        let retry = try run(["auto", "--root", proof.root, "--from", proof.app])
        if retry.exitCode != 0 { problems.append("the deploy once writable again failed: \(retry)") }
        problems += DataInventory.losses(data, try proof.sharedData())
        record(scenario, problems, runs: 3)
    }

    @Test func symlinkLoopInsideShared() throws {
        let proof = try Self.deployedRoot("fault-loop")
        let uploads = proof.root + "/shared/public/uploads"
        try proof.fileSystem.createSymlink(at: uploads + "/loop", target: "loop")
        try proof.fileSystem.createSymlink(at: uploads + "/ping", target: "pong")
        try proof.fileSystem.createSymlink(at: uploads + "/pong", target: "ping")
        try proof.fileSystem.createSymlink(at: uploads + "/up", target: "..")
        let data = try proof.sharedData()
        var problems: [String] = []
        for arguments in [["auto", "--from", proof.app], ["backup"], ["status"], ["recover"], ["rollback"], ["auto", "--from", proof.app, "--keep", "1"]] {
            let outcome = try proof.run([arguments[0], "--root", proof.root] + arguments.dropFirst(), timeout: 60)
            if outcome.exitCode != 0 { problems.append("\(arguments): \(outcome)") }
            problems += DataInventory.losses(data, try proof.sharedData()).map { "after \(arguments[0]): \($0)" }
        }
        problems += proof.currentProblems(allowNone: false) + (try proof.healthProblems())
        record("a symlink loop (self, pair, ..) inside shared/: deploy, backup, status, recover, rollback, cleanup", problems, runs: 6)
    }

    @Test func layoutFaultsAreClearErrors() throws {
        var problems: [String] = []
        var runs = 0

        // shared/ is a file.
        let fileShared = try Self.deployedRoot("fault-shared-file")
        let data = try fileShared.sharedData()
        let live = fileShared.liveRelease
        try fileShared.fileSystem.rename(fileShared.root + "/shared", to: fileShared.root + "/shared.real", replacing: false)
        try fileShared.fileSystem.writeText("not a folder", to: fileShared.root + "/shared")
        runs += 1
        let refused = try fileShared.deploy()
        // Put the real shared/ back before checking that the live release still resolves.
        try fileShared.fileSystem.removeTree(at: fileShared.root + "/shared")
        try fileShared.fileSystem.rename(fileShared.root + "/shared.real", to: fileShared.root + "/shared", replacing: false)
        problems += try expectCleanFailure(refused, naming: fileShared.root + "/shared", proof: fileShared, live: live, data: data)
            .map { "shared/ is a file: \($0)" }
        problems += DataInventory.losses(data, try fileShared.sharedData())

        // A release outside the deploy root.
        let outside = try Self.deployedRoot("fault-outside")
        let elsewhere = outside.directory.path + "/elsewhere"
        try outside.fileSystem.copyTree(from: outside.app, to: elsewhere)
        runs += 1
        problems += try expectCleanFailure(
            try outside.run(["auto", "--root", outside.root, "--release", elsewhere]), naming: elsewhere, proof: outside,
            live: outside.liveRelease, data: try outside.sharedData()).map { "a release outside the root: \($0)" }

        // The deploy root is '/': every command that writes refuses it, and nothing appears in '/'.
        let before = try ToolRunner.bash("ls -A /").stdout
        for arguments in [["auto", "--from", outside.app], ["first", "--from", outside.app], ["rollback"], ["recover"], ["backup"],
                          ["restore", "2026-01-01_00-00-00", "--yes"], ["generate"]] {
            runs += 1
            let outcome = try outside.run([arguments[0], "--root", "/"] + arguments.dropFirst())
            if outcome.exitCode != 1 || !outcome.stderr.hasPrefix("error: ") || !outcome.stderr.contains("'/") {
                problems.append("--root / \(arguments[0]): \(outcome)")
            }
        }
        _ = try outside.run(["health-check", "--root", "/"])
        let after = try ToolRunner.bash("ls -A /").stdout
        if before != after { problems.append("'/' changed: \(before) became \(after)") }
        record("layout: shared/ a file, a release outside the root, --root / for every command that writes", problems, runs: runs)
    }
}
