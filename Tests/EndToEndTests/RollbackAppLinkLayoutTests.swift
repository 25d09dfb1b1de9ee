import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A rollback to a release that ships another app-link layout than the last deploy (one ships
/// `public/flags` as a real folder, the next as a link to `../flagsdir`): the health check, the
/// generated scripts and `recover` judge the live release's own layout, so a healthy rollback is
/// healthy, and recover invents no folder the release never shipped.
@Suite struct RollbackAppLinkLayoutTests {
    static func problems(_ proof: ProofRoot) throws -> [String] {
        let native = try proof.run(["health-check", "--root", proof.root])
        let script = try ToolRunner.bash("bash \"$1/shared/health-check.sh\"", [proof.root])
        return [native, script].flatMap { outcome in
            outcome.exitCode == 0 ? [] : ["exit \(outcome.exitCode): " + outcome.stdout.split(separator: "\n").filter { !$0.hasPrefix("PASS") }.joined(separator: " | ")]
        }
    }

    @Test func aRollbackBetweenAFolderAndALinkLayoutIsHealthyBothWays() throws {
        let proof = try ProofRoot("rollback-app-link")
        try proof.writeApp()
        try proof.write("public/flags/fr.svg", "<svg/>", under: proof.app)
        let folderLayout = proof.directory.path + "/app-folder"
        #expect(try ToolRunner.bash("cp -a \"$1\" \"$2\"", [proof.app, folderLayout]).exitCode == 0)
        #expect(try ToolRunner.bash(
            "cd \"$1\" && mv public/flags flagsdir && ln -s ../flagsdir public/flags", [proof.app]).exitCode == 0)

        #expect(try proof.run(["auto", "--root", proof.root, "--from", folderLayout]).exitCode == 0)
        let withFolder = try #require(proof.liveRelease)
        let linkDeploy = try proof.deploy()
        #expect(linkDeploy.exitCode == 0, "\(linkDeploy)")
        let withLink = try #require(proof.liveRelease)
        #expect(try Self.problems(proof) == [])

        let back = try proof.run(["rollback", "--root", proof.root])
        #expect(back.exitCode == 0 && proof.liveRelease == withFolder, "\(back)")
        #expect(try Self.problems(proof) == [], "the folder layout is the live release's own")
        let recover = try proof.run(["recover", "--root", proof.root])
        #expect(recover.exitCode == 0 && recover.stdout.contains("Nothing to repair."), "\(recover)")
        #expect(try proof.fileSystem.type(at: proof.root + "/releases/\(withFolder)/public/flags") == .directory)
        #expect(try proof.fileSystem.type(at: proof.root + "/releases/\(withFolder)/flagsdir") == nil, "no folder invented")
        let regenerated = try proof.run(["generate", "--root", proof.root])
        #expect(regenerated.exitCode == 0, "\(regenerated)")
        #expect(try Self.problems(proof) == [], "generate keeps the live layout")

        let forward = try proof.run(["rollback", "--root", proof.root, "--to", withLink])
        #expect(forward.exitCode == 0 && proof.liveRelease == withLink, "\(forward)")
        #expect(try Self.problems(proof) == [], "the link layout again")

        // A broken link is still a failure of the release that ships it.
        let link = proof.root + "/releases/\(withLink)/public/flags"
        try proof.fileSystem.removeTree(at: link)
        try proof.fileSystem.createSymlink(at: link, target: "../nowhere")
        #expect(try Self.problems(proof).count == 2)
        #expect(try proof.run(["recover", "--root", proof.root]).exitCode == 0)
        #expect(try proof.fileSystem.readSymlink(at: link) == "../flagsdir")
        #expect(try Self.problems(proof) == [])

        // The next deploy from the folder layout goes through: nothing was written where it looks for drift.
        try proof.write("public/css/app.css", "body{color:red}\n", under: folderLayout)
        let next = try proof.run(["auto", "--root", proof.root, "--from", folderLayout])
        #expect(next.exitCode == 0, "\(next)")
        #expect(try Self.problems(proof) == [])
    }
}
