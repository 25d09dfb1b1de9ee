import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The bundle's `deploy.sh` serving a shared host's folder as the binary does, and the commands
/// its README gives: a new release id, the newest upload by default, rollback, no going back.
@Suite struct BundleServedFolderTests {
    private static let ids = ["2026-01-01_00-00-01", "2026-01-02_00-00-01", "2026-01-03_00-00-01"]

    /// Sync mode where links are refused, three deploys with uploads between them, done by the
    /// binary into one root and by deploy.sh into another: the same trees, records and served
    /// folders, and later deploys need no options.
    @Test func syncWhereLinksAreRefusedMatchesTheBinary() throws {
        let parity = try ParityScenario("bundle-served")
        try parity.scenario.writeLaravelApp()
        let directory = parity.scenario.directory.path
        let binaryServed = directory + "/html-binary"
        let bashServed = directory + "/html-bash-x"
        try parity.makeBundle(extra: ["--public-html", bashServed])
        try parity.upload(Self.ids[0])
        let binary = parity.deployBinary(Self.ids[0], extra: ["--public-html", binaryServed, "--sync", "--served-links", "no"])
        #expect(binary.status == 0, "\(binary.stderr)")
        let bash = try parity.deployBash(["--sync", "--served-links", "no", Self.ids[0]])
        #expect(bash.exitCode == 0, "\(bash)")
        let aliases = [("html-bash-x", "html-binary"), (parity.bashRoot, parity.binaryRoot)]
        try parity.expectSameResult("first deploy", aliases: aliases)
        for round in 1...2 {
            try parity.liveWrites("round\(round)")
            try parity.scenario.write("public/css/app.css", "body{color:\(round)}\n")
            try parity.upload(Self.ids[round])
            #expect(parity.deployBinary(Self.ids[round]).status == 0)
            let next = try parity.deployBash([Self.ids[round]])
            #expect(next.exitCode == 0, "\(next)")
            #expect(next.stdout.contains("in sync mode, as the last deploy did"), "\(next.stdout)")
            try parity.expectSameResult("deploy \(round + 1)", aliases: aliases)
        }
        func served(_ folder: String, _ root: String) throws -> [String: String] {
            var result: [String: String] = [:]
            for (key, value) in parity.scenario.inventory(folder) {
                result[key] = value.replacingOccurrences(of: root, with: "ROOT")
            }
            return result
        }
        #expect(try served(binaryServed, parity.binaryRoot) == served(bashServed, parity.bashRoot))
        #expect(parity.scenario.read(bashServed + "/uploads/round2.jpg") == "uploaded round2")
        #expect(parity.scenario.read(bashServed + "/storage/avatars/round1.png") == "avatar round1")
        let record = try #require(try PersistenceRecord.load(from: DeployRoot(path: parity.bashRoot), fileSystem: parity.fileSystem))
        #expect(record.servedFolder == ServedFolder(path: bashServed, mode: .sync, links: false))
        #expect(record.servedData?.map(\.path).sorted() == ["public/uploads", "storage/app/public"])
        let health = try ToolRunner(executable: "/bin/bash").run([parity.bashRoot + "/shared/health-check.sh"], in: directory)
        #expect(health.exitCode == 0, "\(health)")
    }

    @Test func newIDsTheNewestUploadRollbackAndNoGoingBack() throws {
        let parity = try ParityScenario("bundle-commands")
        try parity.scenario.writeLaravelApp()
        let served = parity.scenario.directory.path + "/public_html"
        try parity.makeBundle(extra: ["--public-html", served])
        let id = try parity.deployBash(["--new-id"])
        #expect(id.exitCode == 0 && ReleaseID.isValid(Text.trimmed(id.stdout)), "\(id)")

        for (index, release) in Self.ids.prefix(2).enumerated() {
            try parity.scenario.write("public/index.php", "<?php echo 'v\(index + 1)';\n")
            try parity.upload(release)
            // No id: the newest upload that never went live.
            let deployed = try parity.deployBash(["--sync"])
            #expect(deployed.exitCode == 0, "\(deployed)")
        }
        #expect(try parity.fileSystem.readSymlink(at: parity.bashRoot + "/current") == "releases/" + Self.ids[1])
        let older = try parity.deployBash([Self.ids[0]])
        #expect(older.exitCode == 1 && older.stderr.contains("older than the live") && older.stderr.contains("--rollback"), "\(older)")
        #expect(try parity.fileSystem.readSymlink(at: parity.bashRoot + "/current") == "releases/" + Self.ids[1])

        let back = try parity.deployBash(["--rollback"])
        #expect(back.exitCode == 0, "\(back)")
        #expect(try parity.fileSystem.readSymlink(at: parity.bashRoot + "/current") == "releases/" + Self.ids[0])
        #expect(back.stdout.contains("Synced"), "a synced served folder is copied from the older release again: \(back.stdout)")
        let history = DeploymentHistory.recent(DeployRoot(path: parity.bashRoot), fileSystem: parity.fileSystem, limit: 100)
        #expect(history.last?.outcome == .rolledBack && history.last?.release == Self.ids[0])
        let again = try parity.deployBash(["--rollback", Self.ids[0]])
        #expect(again.exitCode == 0 && again.stdout.contains("already live, nothing to do"), "a retry of a rollback that landed is done: \(again)")
        let nothing = try parity.deployBash([])
        #expect(nothing.exitCode == 1 && nothing.stderr.contains("no new release"), "\(nothing)")
    }

    /// deploy.sh in sync mode stops for what the app changed in the served folder, as the binary
    /// does; --leave-behind and a rollback keep a copy of each changed file before the sync.
    @Test func syncStopsForTheAppsChangesAndKeepsCopies() throws {
        let parity = try ParityScenario("bundle-served-drift")
        try parity.scenario.writeLaravelApp()
        let served = parity.scenario.directory.path + "/public_html"
        try parity.makeBundle(extra: ["--public-html", served])
        try parity.upload(Self.ids[0])
        #expect(try parity.deployBash(["--sync", "--served-links", "no", Self.ids[0]]).exitCode == 0)
        let css = served + "/css/app.css"
        try "body{color:red} /* the admin's edit */\n".write(toFile: css, atomically: false, encoding: .utf8)

        try parity.scenario.write("public/css/app.css", "body{} /* v2 */\n")
        try parity.upload(Self.ids[1])
        let stopped = try parity.deployBash([Self.ids[1]])
        #expect(stopped.exitCode == 1, "\(stopped)")
        #expect(stopped.stderr.contains("the app changed 1 files in the served folder") && stopped.stderr.contains("  css/app.css"), "\(stopped)")
        #expect(parity.scenario.read(css) == "body{color:red} /* the admin's edit */\n")
        #expect(try parity.fileSystem.readSymlink(at: parity.bashRoot + "/current") == "releases/" + Self.ids[0])

        let deployed = try parity.deployBash(["--leave-behind", Self.ids[1]])
        #expect(deployed.exitCode == 0, "\(deployed)")
        #expect(parity.scenario.read(css) == "body{} /* v2 */\n")
        let kept = parity.bashRoot + "/.persist-deploy/left-behind/\(Self.ids[0])/served-folder/css/app.css"
        #expect(parity.scenario.read(kept) == "body{color:red} /* the admin's edit */\n")

        try "body{color:blue}\n".write(toFile: css, atomically: false, encoding: .utf8)
        let back = try parity.deployBash(["--rollback"])
        #expect(back.exitCode == 0, "\(back)")
        #expect(parity.scenario.read(parity.bashRoot + "/.persist-deploy/left-behind/\(Self.ids[1])/served-folder/css/app.css") == "body{color:blue}\n")
    }
}
