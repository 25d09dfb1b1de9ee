import Foundation
import PersistDeployTestSupport
import Testing

@testable import PersistDeployKit

/// Issue 11: the deploy root's own links are followed (a persistent path that is a link to
/// another disk, shared/ itself a link), each path saved is named, and a path that cannot be
/// saved fails the backup loudly, naming it, while the snapshot keeps the rest.
@Suite struct BackupLinkTests {
    /// 203 uploads on "another disk", linked from shared/public/uploads.
    func linkedUploads(_ fixture: BackupFixture) throws -> String {
        let disk = PathName.join(fixture.root, "disk/uploads")
        try fixture.fileSystem.removeTree(at: fixture.path("public/uploads"))
        for index in 0..<203 {
            try fixture.fileSystem.createDirectory(at: PathName.join(disk, "\(index % 7)"), permissions: 0o755)
            try fixture.fileSystem.writeText("upload \(index)", to: PathName.join(disk, "\(index % 7)/\(index).jpg"))
        }
        try fixture.fileSystem.createSymlink(at: fixture.path("public/uploads"), target: "../../disk/uploads")
        return disk
    }

    func json(_ output: CommandOutput) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.out.utf8)) as? [String: Any])
    }

    @Test func aPersistentPathThatIsALinkIsBackedUpAndRestoredWhereItLives() throws {
        let fixture = try BackupFixture("linked-path")
        defer { fixture.directory.remove() }
        try fixture.writeRecord()
        let disk = try linkedUploads(fixture)
        let clock = SteppingClock()
        let backup = fixture.run(["backup", "--json"], now: clock.now)
        #expect(backup.code == 0, "\(backup.err)")
        let result = try json(backup)
        let paths = try #require(result["paths"] as? [[String: Any]])
        let uploads = try #require(paths.first { $0["path"] as? String == "public/uploads" })
        #expect(uploads["files"] as? Int == 203)
        #expect(uploads["location"] as? String == disk)
        #expect(backup.err.contains("followed the link to \(disk)"))
        let id = try #require(result["id"] as? String)
        let saved = PathName.join(fixture.root, "backups", id, "data/public/uploads")
        #expect(try fixture.fileSystem.type(at: saved) == .directory)
        #expect(try fixture.fileSystem.files(under: saved).count == 203)

        try fixture.fileSystem.writeText("overwritten", to: PathName.join(disk, "3/3.jpg"))
        try fixture.fileSystem.removeTree(at: PathName.join(disk, "5"))
        let restore = fixture.run(["restore", id, "--yes"], now: clock.now)
        #expect(restore.code == 0, "\(restore.err)")
        #expect(try fixture.fileSystem.type(at: fixture.path("public/uploads")) == .symlink, "the link stays a link")
        #expect(try fixture.fileSystem.readText(at: PathName.join(disk, "3/3.jpg")) == "upload 3")
        #expect(try fixture.fileSystem.files(under: disk).count == 203)
        #expect(try fixture.fileSystem.listDirectory(at: PathName.join(fixture.root, "disk")) == ["uploads"], "no copy left beside it")
        // The state it replaced was backed up where it lived too.
        let before = try fixture.store().list()[0]
        let replaced = PathName.join(fixture.root, "backups", before.id, "data/public/uploads/3/3.jpg")
        #expect(try fixture.fileSystem.readText(at: replaced) == "overwritten")
    }

    @Test func sharedItselfALinkIsBackedUpAndRestored() throws {
        let fixture = try BackupFixture("shared-link")
        defer { fixture.directory.remove() }
        try fixture.writeRecord()
        let elsewhere = PathName.join(fixture.root, "data-disk/shared")
        try fixture.fileSystem.createDirectory(at: PathName.parent(elsewhere), permissions: 0o755)
        try fixture.fileSystem.rename(fixture.shared, to: elsewhere, replacing: false)
        try fixture.fileSystem.createSymlink(at: fixture.shared, target: "data-disk/shared")
        let clock = SteppingClock()
        let backup = fixture.run(["backup", "--json"], now: clock.now)
        #expect(backup.code == 0, "\(backup.err)")
        let result = try json(backup)
        #expect(result["files"] as? Int == 4)
        let id = try #require(result["id"] as? String)
        try fixture.write("storage/app/invoice.pdf", "changed")
        let restore = fixture.run(["restore", id, "--yes"], now: clock.now)
        #expect(restore.code == 0, "\(restore.err)")
        #expect(try fixture.read("storage/app/invoice.pdf") == "invoice 1")
        #expect(try fixture.fileSystem.type(at: fixture.shared) == .symlink)
    }

    /// A link to a disk that is not mounted: exit 1 naming the path; the snapshot holds the rest.
    @Test func aBrokenLinkFailsLoudlyAndTheRestIsSaved() throws {
        let fixture = try BackupFixture("broken-link")
        defer { fixture.directory.remove() }
        try fixture.writeRecord()
        try fixture.fileSystem.removeTree(at: fixture.path("public/uploads"))
        try fixture.fileSystem.createSymlink(at: fixture.path("public/uploads"), target: "/mnt/not-mounted/uploads")
        let backup = fixture.run(["backup"])
        #expect(backup.code == 1)
        #expect(backup.err.contains("public/uploads"))
        #expect(backup.err.contains("/mnt/not-mounted/uploads"))
        #expect(backup.out.contains("NOT backed up"), "each path gets its line")
        let info = try #require(try fixture.store().list().first)
        #expect(info.files == 3, "storage (2 files) and .env are in the snapshot")
        #expect(backup.err.contains(info.id))
        // A deploy's --backup stops on it the same way (tested through the shared check).
        let outcome = try fixture.store().create(persistentPaths: ["public/uploads", "storage"], keep: 24, console: nil)
        #expect(outcome.unsaved.map(\.path) == ["public/uploads"])
        #expect(throws: ToolError.self) { try BackupCommands.failUnlessAllSaved(outcome, store: fixture.store()) }
    }

    @Test func aPathLeadingIntoTheBackupsFolderIsRefused() throws {
        let fixture = try BackupFixture("into-backups")
        defer { fixture.directory.remove() }
        try fixture.writeRecord()
        try fixture.fileSystem.createDirectory(at: PathName.join(fixture.root, "backups"), permissions: 0o700)
        try fixture.fileSystem.removeTree(at: fixture.path("public/uploads"))
        try fixture.fileSystem.createSymlink(at: fixture.path("public/uploads"), target: "../..")
        let backup = fixture.run(["backup"])
        #expect(backup.code == 1)
        #expect(backup.err.contains("holds the backups folder"))
    }

    @Test func aMissingPathIsNamedAndIsNoFailure() throws {
        let fixture = try BackupFixture("missing-path")
        defer { fixture.directory.remove() }
        try fixture.writeRecord()
        let outcome = try fixture.store().create(persistentPaths: ["storage", "public/qrcodes"], keep: 24, console: nil)
        #expect(outcome.absent == ["public/qrcodes"])
        #expect(outcome.unsaved.isEmpty)
        #expect(BackupCommands.savedLines(outcome).contains { $0.contains("public/qrcodes") && $0.contains("nothing to save") })
    }

    /// A name beside a path that looks like a restore's copy, but that no recorded restore made,
    /// is never removed: the restore stops and health-check names it.
    @Test func aLookalikeLeftoverIsNotTouched() throws {
        let fixture = try BackupFixture("lookalike")
        defer { fixture.directory.remove() }
        try fixture.writeRecord()
        let clock = SteppingClock()
        #expect(fixture.run(["backup"], now: clock.now).code == 0)
        let id = try fixture.store().list()[0].id
        try fixture.write("public/.uploads.restore-new/mine.txt", "someone's data")
        let restore = fixture.run(["restore", id, "--yes"], now: clock.now)
        #expect(restore.code == 1)
        #expect(restore.err.contains(".uploads.restore-new"))
        #expect(try fixture.read("public/.uploads.restore-new/mine.txt") == "someone's data")
        #expect(fixture.run(["backup"], now: clock.now).code == 0)
        #expect(try fixture.read("public/.uploads.restore-new/mine.txt") == "someone's data")
    }
}

extension BackupLinkTests {
    /// A link the app's user made (shared/ folders are writable for it) is never followed: a
    /// restore run as root would otherwise replace whatever it names.
    @Test func aLinkMadeByTheAppsUserIsNotFollowed() throws {
        let fixture = try BackupFixture("foreign-link")
        defer { fixture.directory.remove() }
        try fixture.writeRecord()
        let clock = SteppingClock()
        #expect(fixture.run(["backup"], now: clock.now).code == 0)
        let id = try fixture.store().list()[0].id
        let decoy = PathName.join(fixture.root, "decoy")
        try fixture.write("../decoy/keep.txt", "not the app's")
        try fixture.fileSystem.removeTree(at: fixture.path("public/uploads"))
        try fixture.fileSystem.createSymlink(at: fixture.path("public/uploads"), target: "../../decoy")
        #expect(lchown(fixture.path("public/uploads"), 65534, 65534) == 0)

        let backup = fixture.run(["backup"], now: clock.now)
        #expect(backup.code == 1)
        #expect(backup.err.contains("public/uploads") && backup.err.contains("uid 65534"), "\(backup.err)")
        let restore = fixture.run(["restore", id, "--yes"], now: clock.now)
        #expect(restore.code == 1)
        #expect(restore.err.contains("uid 65534"), "\(restore.err)")
        #expect(try fixture.fileSystem.listDirectory(at: decoy) == ["keep.txt"], "nothing written through the link")
        #expect(try fixture.fileSystem.type(at: fixture.path("public/uploads")) == .symlink)
    }
}
