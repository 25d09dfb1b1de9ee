import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The bundle's `deploy.sh` keeps what the running app wrote the way the binary does: the same
/// stop, the same `--leave-behind`, the same cleanup into left-behind/, for every kind of write.
@Suite struct BundleDriftParityTests {
    private static let ids = ["2026-02-01_00-00-01", "2026-02-02_00-00-01", "2026-02-03_00-00-01"]

    /// Every file under the root's left-behind/, with release ids replaced by their rank.
    func leftBehind(_ parity: ParityScenario, _ root: String) throws -> [String: String] {
        let folder = root + "/.persist-deploy/left-behind"
        let ids = ((try? parity.fileSystem.listDirectory(at: root + "/releases")) ?? []).filter(ReleaseID.isValid)
        var result: [String: String] = [:]
        for (path, text) in parity.scenario.inventory(folder) {
            var path = path
            for id in Self.ids + ids { path = path.replacingOccurrences(of: id, with: "ID") }
            result[path] = text
        }
        return result
    }

    @Test(arguments: WholeReleaseGuardTests.kinds)
    func theScriptStopsAndLeavesBehindAsTheBinaryDoes(kind: WholeReleaseGuardTests.Kind) throws {
        let parity = try ParityScenario("parity-drift")
        try WholeReleaseGuardTests.writeApp(parity.scenario, version: "v1")
        try parity.makeBundle()
        try parity.upload(Self.ids[0])
        try parity.deployBoth(Self.ids[0])
        for root in [parity.binaryRoot, parity.bashRoot] {
            for (path, text) in kind.writes { try parity.scenario.write(path, text, under: root + "/current") }
        }
        try WholeReleaseGuardTests.writeApp(parity.scenario, version: "v2")
        try parity.upload(Self.ids[1])
        let binary = parity.deployBinary(Self.ids[1])
        let bash = try parity.deployBash([Self.ids[1]])
        #expect(binary.status == 1 && bash.exitCode == 1, "binary \(binary.stderr)\nbash \(bash)")
        let group = String(kind.entry.dropFirst().prefix { $0 != "\"" })
        #expect(bash.stderr.contains("  \(group)  ("), "deploy.sh names \(group): \(bash.stderr)")
        try parity.expectSameResult("stopped")

        let binaryLeave = parity.deployBinary(Self.ids[1], extra: ["--leave-behind"])
        let bashLeave = try parity.deployBash(["--leave-behind", Self.ids[1]])
        #expect(binaryLeave.status == 0 && bashLeave.exitCode == 0, "binary \(binaryLeave.stderr)\nbash \(bashLeave)")
        try parity.expectSameResult("left behind")
        let binaryAside = try leftBehind(parity, parity.binaryRoot)
        #expect(!binaryAside.isEmpty)
        #expect(binaryAside == (try leftBehind(parity, parity.bashRoot)))
    }

    @Test func cleanupMovesWritesIntoAnOldReleaseAsTheBinaryDoes() throws {
        let parity = try ParityScenario("parity-cleanup")
        try WholeReleaseGuardTests.writeApp(parity.scenario, version: "v1")
        try parity.makeBundle()
        for (index, id) in Self.ids.enumerated() {
            try WholeReleaseGuardTests.writeApp(parity.scenario, version: "v\(index)")
            try parity.upload(id)
            if index == 2 {
                for root in [parity.binaryRoot, parity.bashRoot] {
                    try parity.scenario.write("public/cron.csv", "pinned cron job", under: root + "/releases/" + Self.ids[0])
                    try parity.scenario.write("database/app.sqlite", "worker row", under: root + "/releases/" + Self.ids[0])
                }
            }
            try parity.deployBoth(id, keep: 1)
        }
        try parity.expectSameResult("cleanup")
        let aside = try leftBehind(parity, parity.binaryRoot)
        #expect(aside["ID/public/cron.csv"] == "pinned cron job" && aside["ID/database/app.sqlite"] == "worker row", "\(aside)")
        #expect(aside == (try leftBehind(parity, parity.bashRoot)))
    }

    @Test func adoptionStopsForWhatOnlyTheSiteHoldsAsTheBinaryDoes() throws {
        let parity = try ParityScenario("parity-adopt-drift")
        try WholeReleaseGuardTests.writeApp(parity.scenario, version: "v1")
        try parity.makeBundle()
        for root in [parity.binaryRoot, parity.bashRoot] {
            try parity.fileSystem.createDirectory(at: root, permissions: 0o755)
            try parity.fileSystem.copyTree(from: parity.scenario.app, to: root + "/current")
            try parity.scenario.write("current/public/exports/q1.csv", "q1", under: root)
        }
        try parity.upload(Self.ids[0])
        let binary = parity.deployBinary(Self.ids[0])
        let bash = try parity.deployBash([Self.ids[0]])
        #expect(binary.status == 1 && bash.exitCode == 1, "binary \(binary.stderr)\nbash \(bash)")
        #expect(bash.stderr.contains("public/exports"))
        for root in [parity.binaryRoot, parity.bashRoot] {
            #expect(try parity.fileSystem.type(at: root + "/current") == .directory)
            #expect(parity.scenario.read(root + "/current/public/exports/q1.csv") == "q1")
        }
    }
}
