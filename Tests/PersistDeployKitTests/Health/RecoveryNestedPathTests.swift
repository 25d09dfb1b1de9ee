import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A record naming a file inside a persistent folder (an entry widened later, or written by
/// hand): the file lives in the folder's shared/ copy. Recovery, the health check and
/// `emergency-recovery.sh` give it no link of its own: making one through the folder's link
/// would replace the file in shared/ with a link to itself.
@Suite struct RecoveryNestedPathTests {
    @Test(arguments: [false, true])
    func aFileInsideAPersistentFolderIsNeverLinkedToItself(script: Bool) throws {
        let fixture = try LayoutFixture(label: "nested-\(script)")
        defer { fixture.remove() }
        var record = fixture.record
        record.paths.append(ClassifiedPath(path: "public/uploads/photo.jpg", kind: .file, class: .user, reason: "named by hand"))
        try record.save(to: fixture.root, fileSystem: fixture.fileSystem)
        try SafetyNet.write(root: fixture.root, record: record, history: [], publicHTML: nil, fileSystem: fixture.fileSystem)
        let photo = fixture.root.sharedPath("public/uploads/photo.jpg")

        if script {
            let result = try runScript(fixture, "emergency-recovery.sh")
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(try runScript(fixture, "health-check.sh").status == 0)
        } else {
            let recovery = Recovery(fileSystem: fixture.fileSystem, now: Date())
            let plan = recovery.plan(root: fixture.root, record: record)
            #expect(plan.actions.isEmpty && plan.problems.isEmpty, "\(plan)")
            #expect(HealthChecker(fileSystem: fixture.fileSystem).check(root: fixture.root, record: record).status == .healthy)
        }
        #expect(try fixture.fileSystem.type(at: photo) == .file)
        #expect(try fixture.fileSystem.readText(at: photo) == "photo\n")
    }
}
