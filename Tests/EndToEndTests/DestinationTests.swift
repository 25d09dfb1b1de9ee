import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Places a command must never take for its deploy root or shared folder.
@Suite struct DestinationTests {
    @Test func theFileSystemRootIsNeverTheSharedFolder() throws {
        let proof = try ProofRoot("dest-slash")
        try proof.writeApp()
        // An existing folder: a missing one is refused first, for that.
        try proof.fileSystem.createDirectory(at: proof.root, permissions: 0o755)
        for arguments in [["plan", "--root", proof.root, "--from", proof.app, "--shared", "/"],
                          ["recover", "--dry-run", "--root", proof.root, "--shared", "/"]] {
            let outcome = try proof.run(arguments)
            #expect(outcome.exitCode == 1, "\(outcome)")
            #expect(outcome.stderr.contains("The shared folder '/' is the file system's root"), "\(outcome)")
        }
    }

    @Test func aSharedFolderInsideTheRootsOwnPlacesIsRefused() throws {
        let proof = try ProofRoot("dest-inside")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let live = try #require(proof.liveRelease)
        try proof.fileSystem.createSymlink(at: proof.directory.path + "/looks-harmless", target: proof.root + "/releases/" + live)
        let cases: [(shared: String, words: String)] = [
            (proof.root + "/releases/data", "lies inside '\(proof.root)/releases'"),
            (proof.root + "/releases/\(live)/storage-shared", "lies inside '\(proof.root)/releases'"),
            (proof.root + "/current/shared", "lies inside '\(proof.root)/current'"),
            (proof.root, "holds the deploy root itself"),
            (proof.directory.path, "holds the deploy root itself"),
            (proof.directory.path + "/looks-harmless/data", "lies inside '\(proof.root)/releases'"),
            (proof.root + "/.persist-deploy/shared", "lies inside '\(proof.root)/.persist-deploy'"),
        ]
        try proof.saveTemplate()
        let before = try DataInventory.take(proof.root)
        for (shared, words) in cases {
            for command in [["auto", "--from", proof.app], ["generate"], ["recover"]] {
                let outcome = try proof.run(command + ["--root", proof.root, "--shared", shared])
                #expect(outcome.exitCode == 1, "\(command[0]) --shared \(shared): \(outcome)")
                #expect(outcome.stderr.contains(words), "\(command[0]) --shared \(shared): \(outcome)")
            }
        }
        #expect(try DataInventory.take(proof.root) == before, "a refused destination changed the root")
    }

    @Test func insideAReleaseTheCommandWorksOnTheRootThatHoldsIt() throws {
        let proof = try ProofRoot("dest-workdir")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let live = try #require(proof.liveRelease)
        let webRoot = proof.root + "/releases/" + live + "/public"
        for directory in [webRoot, proof.root + "/current/public/css"] {
            let outcome = try proof.tool.run(["auto", "--from", proof.app], in: directory)
            #expect(outcome.exitCode == 0, "\(directory): \(outcome)")
        }
        #expect(try proof.fileSystem.listDirectory(at: proof.root + "/releases").count == 3)
        for nested in ["releases", "shared", ".persist-deploy", "current"] {
            #expect(!proof.fileSystem.exists(atPath: webRoot + "/" + nested), "a deploy root was nested in the web root: \(nested)")
        }
        let health = try proof.tool.run(["health-check"], in: proof.root + "/current/public")
        #expect(health.stdout.contains("Health of \(proof.root) "), "\(health)")
    }

    @Test func aRootInsideAReleaseIsRefused() throws {
        let proof = try ProofRoot("dest-nested")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let live = try #require(proof.liveRelease)
        for nested in [proof.root + "/releases/" + live + "/public", proof.root + "/current/public"] {
            let outcome = try proof.run(["auto", "--root", nested, "--from", proof.app])
            #expect(outcome.exitCode == 1, "\(outcome)")
            #expect(outcome.stderr.contains("lies inside '\(proof.root)/releases/\(live)'"), "\(outcome)")
            #expect(outcome.stderr.contains("--root '\(proof.root)'") || outcome.stderr.contains("--root \(proof.root)"), "\(outcome)")
        }
        #expect(!proof.fileSystem.exists(atPath: proof.root + "/releases/" + live + "/public/releases"))
    }
}
