import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Data rule 4 over the whole deploy: what the running app writes into the live release while
/// the new one is copied in (seconds on a real release) is looked for again just before the
/// switch. A `--before-switch` hook stands in for the app: it runs after the copy and the links,
/// before that last look, and writes through the previous release's path as the app would.
@Suite struct WritesDuringDeployTests {
    /// A hook writing `relative` into the live (previous) release.
    static func appWrites(_ relative: String) -> String {
        let target = #""$PERSIST_DEPLOY_ROOT/releases/$PERSIST_DEPLOY_PREVIOUS/"#
        return "mkdir -p \(target)\(PathName.parent(relative))\" && echo written-during-deploy > \(target)\(relative)\""
    }

    @Test func aFileTheAppWritesOutsideSharedDuringTheCopyStopsTheDeployBeforeTheSwitch() throws {
        let proof = try ProofRoot("writes-during-copy")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let previous = try #require(proof.liveRelease)
        let outcome = try proof.deploy(["--before-switch", Self.appWrites("public/exports/report.csv")])
        #expect(outcome.exitCode == 1, "\(outcome)")
        #expect(proof.liveRelease == previous)
        #expect(outcome.stderr.contains("While the new release was copied in"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("public/exports"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains(#""public/exports": "#), "the entry that keeps it: \(outcome.stderr)")
        #expect(outcome.stderr.contains("Nothing went live"), "\(outcome.stderr)")
        // The file is where the app wrote it, still served.
        let served = try String(contentsOfFile: proof.root + "/current/public/exports/report.csv", encoding: .utf8)
        #expect(served == "written-during-deploy\n")

        // The entry it advises deploys, and the file moves into shared/ with the live release's copy.
        try proof.write("persist-deploy.json", #"{"classify": {"public/exports": "user"}}"#, under: proof.app)
        let again = try proof.deploy()
        #expect(again.exitCode == 0, "\(again)")
        #expect(try String(contentsOfFile: proof.root + "/current/public/exports/report.csv", encoding: .utf8) == "written-during-deploy\n")
        #expect(try proof.healthProblems().isEmpty)
    }

    @Test func writesIntoSharedDuringTheCopyAndWritesTheWalkAlreadyDecidedGoThrough() throws {
        let proof = try ProofRoot("writes-during-copy-fine")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        // Through a persistent path: shared/ keeps it, nothing to stop for.
        let outcome = try proof.deploy(["--before-switch", Self.appWrites("public/uploads/during.png")])
        #expect(outcome.exitCode == 0, "\(outcome)")
        #expect(FileManager.default.fileExists(atPath: proof.root + "/current/public/uploads/during.png"))

        // With --leave-behind, a folder the plan's walk found takes more files meanwhile: they
        // go aside with it (the user chose that for the folder), no second stop.
        let previous = try #require(proof.liveRelease)
        try proof.write("public/exports/first.csv", "first", under: proof.root + "/current")
        let leaving = try proof.deploy(["--leave-behind", "--before-switch", Self.appWrites("public/exports/second.csv")])
        #expect(leaving.exitCode == 0, "\(leaving)")
        let aside = proof.root + "/.persist-deploy/left-behind/\(previous)/public/exports"
        #expect(FileManager.default.fileExists(atPath: aside + "/first.csv"))
        #expect(FileManager.default.fileExists(atPath: aside + "/second.csv"), "\(leaving.stderr)")
    }

    @Test func theLastLookIsPlannedOnlyWhenTheReleaseIsCopiedIn() throws {
        let proof = try ProofRoot("writes-during-copy-plan")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        func names(_ arguments: [String]) throws -> [String] {
            let plan = try proof.run(["plan", "--root", proof.root, "--json"] + arguments)
            return (try JSONDecoder().decode(DeployReport.self, from: Data(plan.stdout.utf8)).operations ?? []).map(\.op)
        }
        let copied = try names(["--from", proof.app])
        let recheck = try #require(copied.firstIndex(of: "recheckLiveRelease"), "\(copied)")
        #expect(copied.firstIndex(of: "switchCurrent") == recheck + 1, "\(copied)")
        // A release already in releases/: no copy, so no window worth a second walk.
        try FileManager.default.copyItem(atPath: proof.app, toPath: proof.root + "/releases/2030-01-01_00-00-00")
        #expect(try !names(["--release", "2030-01-01_00-00-00"]).contains("recheckLiveRelease"))
    }
}
