import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A deploy that adopts a folder the running app made in the live release (`"classify":
/// {"Modules": "user"}`, the drift guard's advice followed) moves it into shared/ and links it.
/// Killed on entry to each of its file-changing calls: whenever a file the site served before is
/// no longer reachable through current/, `health-check` and `health-check.sh` must fail (exit 2),
/// and `recover` (or `emergency-recovery.sh`) must bring every file back; the rerun then finishes.
@Suite struct LiveAdoptionCrashTests {
    static let paths = ProofRoot.persistentPaths + ["Modules"]

    /// `shared`: shared/ elsewhere (another file system), passed with `--shared`.
    /// `window`: whether a kill may leave data unreachable (same file system: between the rename
    /// and the link); across file systems the site serves the whole old or the whole new copy.
    func crashAtEveryCall(_ label: String, shared: String? = nil, window: Bool = true, environment: [String: String] = [:]) throws {
        let proof = try ProofRoot("live-adoption-crash")
        let sharedDir = shared ?? proof.root + "/shared"
        let sharedOption = shared.map { ["--shared", $0] } ?? []
        defer { if let shared { try? proof.fileSystem.removeTree(at: shared) } }
        try proof.writeApp()
        #expect(try proof.deploy(sharedOption).exitCode == 0)
        try proof.writeUserData("a")
        for module in ["A/m.php", "A/sub/view.blade.php", "B/n.php"] {
            try proof.write("Modules/\(module)", "module \(module)", under: proof.root + "/current")
        }
        try proof.write("persist-deploy.json", #"{"classify": {"Modules": "user"}}"#, under: proof.app)
        try proof.saveTemplate()
        // shared/ elsewhere is outside the root's template: kept and put back beside it.
        let sharedTemplate = proof.directory.path + "/shared-template"
        if shared != nil { try proof.fileSystem.copyTree(from: sharedDir, to: sharedTemplate) }
        func restore() throws {
            try proof.restoreTemplate()
            guard shared != nil else { return }
            try proof.fileSystem.removeTree(at: sharedDir)
            try proof.fileSystem.copyTree(from: sharedTemplate, to: sharedDir)
        }
        let before = try DataInventory.seenThrough(proof.root + "/current", paths: Self.paths)
        #expect(before.keys.contains { $0.hasPrefix("Modules/") })
        let deploy = ["auto", "--root", proof.root, "--from", proof.app] + sharedOption

        let countFile = proof.directory.path + "/calls"
        try restore()
        let clean = try proof.run(deploy, environment: environment.merging(["PERSIST_DEPLOY_COUNT_CALLS": countFile]) { $1 })
        #expect(clean.exitCode == 0, "\(clean)")
        #expect(proof.fileSystem.exists(atPath: sharedDir + "/Modules/A/m.php"), "the uncrashed deploy did not adopt Modules")
        let calls = try #require(Int(Text.trimmed(try proof.fileSystem.readText(at: countFile))))

        var problems: [String] = []
        var unreachableKills = 0
        for call in 1...calls {
            try restore()
            let crashed = try proof.tool.launch(deploy, in: proof.directory.path,
                                                environment: environment.merging(["PERSIST_DEPLOY_CRASH_AT_CALL": String(call)]) { $1 }).wait()
            guard crashed.signalled else {
                problems.append("call \(call): not killed (\(crashed.outcome.exitCode))")
                continue
            }
            let lost = DataInventory.losses(before, try DataInventory.seenThrough(proof.root + "/current", paths: Self.paths))
            if !lost.isEmpty {
                unreachableKills += 1
                let bash = try ToolRunner(executable: "/bin/bash").run([sharedDir + "/health-check.sh", "--quiet"], in: proof.directory.path)
                if bash.exitCode != 2 { problems.append("call \(call): \(lost.prefix(2)) unreachable, health-check.sh exit \(bash.exitCode)") }
                if shared == nil {
                    let native = try proof.run(["health-check", "--root", proof.root, "--quiet"])
                    if native.exitCode != 2 { problems.append("call \(call): \(lost.prefix(2)) unreachable, health-check exit \(native.exitCode)") }
                }
            }
            // Both ways out, in turn: the binary and the script it wrote.
            let repair = call % 2 == 0
                ? try proof.run(["recover", "--root", proof.root] + sharedOption)
                : try ToolRunner(executable: "/bin/bash").run([sharedDir + "/emergency-recovery.sh"], in: proof.directory.path)
            let stillLost = DataInventory.losses(before, try DataInventory.seenThrough(proof.root + "/current", paths: Self.paths))
            if !stillLost.isEmpty {
                problems.append("call \(call): after \(call % 2 == 0 ? "recover" : "emergency-recovery.sh") (exit \(repair.exitCode)) still unreachable: \(stillLost.prefix(3))")
            }
            let rerun = try proof.run(deploy, environment: environment)
            if rerun.exitCode != 0 { problems.append("call \(call): the rerun failed: \(rerun)") }
            let afterRerun = DataInventory.losses(before, try DataInventory.seenThrough(proof.root + "/current", paths: Self.paths))
            if !afterRerun.isEmpty { problems.append("call \(call): after the rerun unreachable: \(afterRerun.prefix(3))") }
            if proof.fileSystem.exists(atPath: proof.root + "/.persist-deploy/adoption-journal") {
                problems.append("call \(call): the journal is left after the rerun")
            }
        }
        if window {
            #expect(unreachableKills > 0, "no kill left Modules unreachable: the test no longer reaches the window it is about")
        } else {
            #expect(unreachableKills == 0, "\(unreachableKills) kills left files the site served unreachable until repaired")
        }
        #expect(problems.isEmpty, "\(label):\n\(problems.prefix(15).joined(separator: "\n"))")
        ProofResults.record(
            suite: "crash", scenario: "\(label): SIGKILL on entry to each of its \(calls) file-changing system calls, health, recover, rerun",
            runs: calls, outcome: problems.isEmpty ? "pass (\(unreachableKills) kills left data unreachable, each reported and repaired)" : "FAIL: \(problems[0])")
    }

    @Test func adoptingALiveFolderIntoShared() throws {
        try crashAtEveryCall("adoption of a live folder into shared/")
    }

    @Test func adoptingALiveFolderWhereTheFileSystemCannotSwap() throws {
        try crashAtEveryCall("adoption of a live folder into shared/, no RENAME_EXCHANGE", environment: ["PERSIST_DEPLOY_REFUSE_EXCHANGE": "1"])
    }

    /// shared/ on another file system: the copy is made beside shared/'s destination and renamed
    /// into place; the live copy stays whole until one exchange swaps the link in.
    @Test func adoptingALiveFolderIntoSharedOnAnotherFileSystem() throws {
        let shared = "/dev/shm/persist-deploy-adopt-\(UUID().uuidString)"
        let tmpDevice = try #require(try LocalFileSystem().status(at: NSTemporaryDirectory(), followSymlink: true)).device
        let shmDevice = try #require(try LocalFileSystem().status(at: "/dev/shm", followSymlink: true)).device
        try #require(tmpDevice != shmDevice, "needs /dev/shm on another file system")
        try crashAtEveryCall("adoption of a live folder into shared/ on another file system", shared: shared, window: false)
    }
}
