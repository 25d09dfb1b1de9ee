import Foundation
import PersistDeployTestSupport
import Testing

@testable import PersistDeployKit

/// `status` answers from counts a backup kept, says how old they are, and counts anew with
/// `--exact` (keeping what it counted).
@Suite struct StatusCountsTests {
    func paths(_ output: CommandOutput) throws -> [String: [String: Any]] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.out.utf8)) as? [String: Any])
        let paths = try #require(json["paths"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: paths.map { ($0["path"] as? String ?? "", $0) })
    }

    @Test func statusShowsTheBackupsCountsUntilAskedToCount() throws {
        let fixture = try BackupFixture("status-counts")
        defer { fixture.directory.remove() }
        try fixture.writeRecord()
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        #expect(fixture.run(["backup"], now: { start }).code == 0)
        let id = try fixture.store().list()[0].id
        for index in 0..<5 { try fixture.write("public/uploads/new-\(index).png", "new") }

        let later = { @Sendable in start.addingTimeInterval(7500) }
        let kept = try paths(fixture.run(["status", "--json"], now: later))
        #expect(kept["public/uploads"]?["files"] as? Int == 1)
        #expect(kept["public/uploads"]?["countedBy"] as? String == "backup \(id)")
        #expect(kept["public/uploads"]?["counted"] as? String == Timestamp.iso8601(start))
        let human = fixture.run(["status"], now: later)
        #expect(human.out.contains("counted 2 h 5 min ago by backup \(id); 'status --exact' counts now"), "\(human.out)")

        let exact = try paths(fixture.run(["status", "--json", "--exact"], now: later))
        #expect(exact["public/uploads"]?["files"] as? Int == 6)
        #expect(exact["public/uploads"]?["countedBy"] as? String == "status --exact")
        // What --exact counted is kept for the next plain status.
        #expect(try paths(fixture.run(["status", "--json"], now: later))["public/uploads"]?["files"] as? Int == 6)
    }

    @Test func withoutKeptCountsStatusCountsOnceAndKeeps() throws {
        let fixture = try BackupFixture("status-first")
        defer { fixture.directory.remove() }
        try fixture.writeRecord()
        let first = try paths(fixture.run(["status", "--json"]))
        #expect(first["storage"]?["files"] as? Int == 2)
        #expect(first["storage"]?["countedBy"] as? String == "status")
        try fixture.write("storage/logs/more.log", "more")
        #expect(try paths(fixture.run(["status", "--json"]))["storage"]?["files"] as? Int == 2, "kept, not walked again")
        #expect(DataCounts.load(DeployRoot(path: fixture.root), fileSystem: fixture.fileSystem)?.count(of: "storage")?.files == 2)
    }

    @Test func aRestoreKeepsTheSnapshotsCounts() throws {
        let fixture = try BackupFixture("status-restore")
        defer { fixture.directory.remove() }
        try fixture.writeRecord()
        let clock = SteppingClock()
        #expect(fixture.run(["backup"], now: clock.now).code == 0)
        let id = try fixture.store().list()[0].id
        for index in 0..<3 { try fixture.write("storage/extra-\(index)", "x") }
        #expect(fixture.run(["restore", id, "--yes"], now: clock.now).code == 0)
        let after = try paths(fixture.run(["status", "--json"], now: clock.now))
        #expect(after["storage"]?["files"] as? Int == 2)
        #expect(after["storage"]?["countedBy"] as? String == "restore of backup \(id)")
    }
}
