import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A live release whose link to the same path in shared/ no persistent path names (`recover`
/// finished an adoption a crash interrupted before the record was written): that link is the
/// only way to the data. The guard stops, and its advice keeps
/// the path persistent; it never tells the user to remove that link.
@Suite struct DroppedPersistentPathTests {
    @Test func aLinkToItsOwnPathInSharedIsKeptByAnEntryNeverRemoved() throws {
        let proof = try ProofRoot("dropped-persistent-path")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        // What `recover` leaves after finishing an adoption a crash interrupted before the
        // record was written: the data in shared/Modules, the live release's link to it, and
        // no persistent path that names it.
        let live = try #require(proof.liveRelease)
        try proof.write("Modules/Invoices/module.php", "<?php // installed from the admin panel\n", under: proof.root + "/shared")
        try FileManager.default.createSymbolicLink(atPath: proof.root + "/releases/\(live)/Modules", withDestinationPath: "../../shared/Modules")
        #expect(FileManager.default.fileExists(atPath: proof.root + "/current/Modules/Invoices/module.php"))

        let stopped = try proof.deploy()
        #expect(stopped.exitCode == 1, "\(stopped)")
        #expect(stopped.stderr.contains(#""Modules": ""#), "the entry that keeps it: \(stopped.stderr)")
        #expect(stopped.stderr.contains("removing the link would leave that data unreachable"), "\(stopped.stderr)")
        #expect(!stopped.stderr.contains("rm -- "), "\(stopped.stderr)")

        // The entry as printed deploys, and the module stays on the site.
        let entry = try #require(stopped.stderr.split(separator: "\n").first { $0.contains("\"classify\": {") })
        try proof.write("persist-deploy.json", "{" + entry.trimmingCharacters(in: .whitespaces) + "}", under: proof.app)
        let kept = try proof.deploy()
        #expect(kept.exitCode == 0, "\(kept)")
        #expect(FileManager.default.fileExists(atPath: proof.root + "/current/Modules/Invoices/module.php"))
        #expect(try proof.healthProblems().isEmpty)
    }
}
