import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A command run from (or pointed at) a folder inside another deploy root's shared/, releases/,
/// backups/ or the tool's folder would build a second site there: inside the first site's
/// uploads, a `.env` copied from `.env.example` would be served to the world.
@Suite struct NestedRootTests {
    @Test(arguments: ["shared/public/uploads/site", "releases", "backups/x", ".persist-deploy/y", "current/public/uploads/z"])
    func aRootInsideAnotherRootsFoldersIsRefused(_ inside: String) throws {
        let proof = try ProofRoot("nested-root")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let before = try proof.fileSystem.files(under: proof.root)
        let nested = proof.root + "/" + inside
        let outcome = try proof.run(["auto", "--root", nested, "--from", proof.app])
        #expect(outcome.exitCode == 1, "\(inside): \(outcome)")
        #expect(outcome.stderr.contains("Nothing was changed") && outcome.stderr.contains(proof.root), "\(inside): \(outcome)")
        #expect(try proof.fileSystem.files(under: proof.root) == before, "\(inside): nothing written")
    }
}
