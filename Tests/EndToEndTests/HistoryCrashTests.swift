import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The crash suite (SIGKILL on entry to each file-changing system call, then a rerun) for what the history work added:
/// a deploy that rotates a long history, `prune`, and a rollback that re-links an older release.
@Suite struct HistoryCrashTests {
    /// Every whole record the history's files hold, oldest first, as "release outcome".
    static func records(_ proof: ProofRoot) -> [String] {
        DeploymentHistory.recent(DeployRoot(path: proof.root), fileSystem: proof.fileSystem, limit: .max)
            .map { "\($0.release) \($0.outcome.rawValue)" }
    }

    @Test func aDeployThatRotatesALongHistory() throws {
        var before: [String] = []
        try CrashTests().crashAtEveryCall(CrashTests.Scenario(
            name: "deploy rotating a 3,000-line history",
            setup: { proof in
                #expect(try proof.deploy().exitCode == 0)
                try proof.writeUserData("a")
                let history = proof.root + "/shared/.deployment-history"
                let text = try proof.fileSystem.readText(at: history)
                let live = try #require(proof.liveRelease)
                let line = try #require(text.split(separator: "\n").first)
                let filler = (0..<3_000).map { line.replacingOccurrences(of: live, with: "gone-\($0)") + "\n" }.joined()
                try proof.fileSystem.writeText(filler + text, to: history)
                before = Self.records(proof)
            },
            command: { ["auto", "--root", $0.root, "--from", $0.app] },
            extra: { proof, afterKill in
                guard !afterKill else { return [] }
                var problems: [String] = []
                let after = Self.records(proof)
                if Array(after.prefix(before.count)) != before { problems.append("a line before the deploy was lost or moved") }
                if after.count == before.count { problems.append("the deploy was not recorded") }
                let archives = try proof.fileSystem.listDirectory(at: proof.root + "/shared").filter { $0.hasPrefix(".deployment-history.2") }
                if archives.count != 1 { problems.append("\(archives.count) dated files, not 1: \(archives)") }
                return problems
            }))
    }

    @Test func prune() throws {
        try CrashTests().crashAtEveryCall(CrashTests.Scenario(
            name: "prune --keep 1",
            setup: { proof in
                for tag in ["a", "b", "c", "d"] {
                    #expect(try proof.deploy().exitCode == 0)
                    try proof.writeUserData(tag)
                }
            },
            command: { ["prune", "--root", $0.root, "--keep", "1"] },
            extra: { proof, afterKill in
                guard !afterKill else { return [] }
                let left = try proof.fileSystem.listDirectory(at: proof.root + "/releases")
                return left.count == 2 ? [] : ["releases left after prune --keep 1: \(left)"]
            }))
    }

    @Test func aRollbackThatReLinksAnOlderRelease() throws {
        var old = ""
        try CrashTests().crashAtEveryCall(CrashTests.Scenario(
            name: "rollback --to a release from before a path became persistent (re-linked first)",
            setup: { proof in
                try proof.write("public/docs/guide.pdf", "the guide", under: proof.app)
                try proof.write("persist-deploy.json", #"{"classify": {"public/docs": "asset"}}"#, under: proof.app)
                #expect(try proof.deploy().exitCode == 0)
                old = try #require(proof.liveRelease)
                #expect(try proof.deploy().exitCode == 0)
                for index in 0..<20 {
                    try proof.write("public/docs/old-\(index).pdf", "written then \(index)", under: proof.root + "/releases/" + old)
                }
                try proof.write("persist-deploy.json", #"{"classify": {"public/docs": "user"}}"#, under: proof.app)
                #expect(try proof.deploy().exitCode == 0)
                try proof.writeUserData("a")
            },
            command: { ["rollback", "--root", $0.root, "--to", old] },
            // After the last call the rollback is whole: a rerun says so and exits 0.
            extra: { proof, afterKill in
                guard !afterKill else { return [] }
                var problems: [String] = []
                if proof.liveRelease != old { problems.append("live is \(proof.liveRelease ?? "nothing"), not \(old)") }
                for index in 0..<20 where (try? proof.fileSystem.readText(at: proof.root + "/shared/public/docs/old-\(index).pdf")) != "written then \(index)" {
                    problems.append("old-\(index).pdf did not reach shared/")
                }
                if !Self.records(proof).contains("\(old) rolled-back") { problems.append("the rollback is not in the history") }
                return problems
            }))
    }
}
