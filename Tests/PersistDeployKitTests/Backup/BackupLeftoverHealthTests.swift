import Foundation
import PersistDeployTestSupport
import Testing

@testable import PersistDeployKit

/// What an interrupted restore or backup leaves is reported by both health checks, with the same
/// checks and words; a clean root gets no such check.
@Suite struct BackupLeftoverHealthTests {
    @Test func leftoversAreWarnedByTheScriptAndTheNativeCheckAlike() throws {
        let fixture = try LayoutFixture(label: "leftovers")
        defer { fixture.remove() }
        let clean = HealthChecker(fileSystem: fixture.fileSystem).check(root: fixture.root, record: fixture.record)
        #expect(!clean.checks.contains { $0.name == "leftover" })

        let fs = fixture.fileSystem
        try fs.createDirectory(at: fixture.root.sharedPath("public/.uploads.restore-new/2026"), permissions: 0o755)
        try fs.writeText("x", to: fixture.root.sharedPath("..env.restore-old"))
        try fs.createDirectory(at: fixture.root.state, permissions: 0o755)
        try fs.writeText("{}", to: fixture.root.restoreJournal)
        try fs.createDirectory(at: PathName.join(fixture.root.backups, ".tmp-2026-11-22_14-30-00"), permissions: 0o700)

        let native = HealthChecker(fileSystem: fs).check(root: fixture.root, record: fixture.record)
        let found = native.checks.filter { $0.name == "leftover" }
        #expect(found.map(\.path) == [".env", "public/uploads", ".persist-deploy/restore-journal.json", "backups/.tmp-2026-11-22_14-30-00"])
        #expect(found.allSatisfy { $0.status == .warn })
        #expect(found[0].message.hasPrefix("..env.restore-old beside it"))
        let script = try runScript(fixture, "health-check.sh", ["--json"])
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(script.stdout.utf8))
        #expect(report.checks.filter { $0.name == "leftover" } == found)
        #expect(report.status == native.status)
    }
}
