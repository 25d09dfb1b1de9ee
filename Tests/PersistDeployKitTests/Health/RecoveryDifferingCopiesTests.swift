import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A real folder or file where a link into shared/ belongs, whose copies differ from shared/'s:
/// only one copy of a name can be live, and recovery (the tool and `emergency-recovery.sh`)
/// does not choose. It leaves that path as it is, says how to keep either copy, and once the
/// admin has chosen, running it again finishes the repair. Live content never changes behind
/// the admin's back, and nothing in shared/ changes.
@Suite struct RecoveryDifferingCopiesTests {
    /// Runs recover natively or as the generated script; returns its exit status and all it printed.
    func recover(_ fixture: LayoutFixture, script: Bool) throws -> (status: Int32, text: String) {
        if script {
            let result = try runScript(fixture, "emergency-recovery.sh")
            return (result.status, result.stdout + result.stderr)
        }
        let result = HealthCronTests().native(["recover"], fixture: fixture)
        return (result.status, result.stdout + result.stderr)
    }

    @Test(arguments: [false, true])
    func aFolderWithDifferingCopiesIsLeftAsItIsUntilTheAdminChooses(script: Bool) throws {
        let fixture = try LayoutFixture(label: "differing-folder-\(script)")
        defer { fixture.remove() }
        let fs = fixture.fileSystem
        let uploads = PathName.join(fixture.liveRelease, "public/uploads")
        // The app replaced the link with a folder and saved a newer photo.jpg, plus a new file.
        try fs.removeTree(at: uploads)
        try fs.createDirectory(at: uploads, permissions: 0o755)
        try fs.writeText("edited photo\n", to: PathName.join(uploads, "photo.jpg"))
        try fs.writeText("new\n", to: PathName.join(uploads, "new.jpg"))

        let first = try recover(fixture, script: script)
        #expect(first.status == 1, "\(first.text)")
        #expect(first.text.contains("1 file differs in it from the copies there (photo.jpg)"), "\(first.text)")
        #expect(first.text.contains("cp -a -- '\(uploads)/.' '\(fixture.root.sharedPath("public/uploads"))/'"), "\(first.text)")
        #expect(first.text.contains("mv -n -- '\(uploads)/photo.jpg' '\(uploads)/photo.jpg.replaced'"), "\(first.text)")
        #expect(!first.text.contains("Nothing to repair"), "\(first.text)")
        // Nothing moved: the site still serves the app's copy, shared/ still holds its own.
        #expect(try fs.type(at: uploads) == .directory)
        #expect(try fs.readText(at: PathName.join(uploads, "photo.jpg")) == "edited photo\n")
        #expect(try fs.readText(at: PathName.join(uploads, "new.jpg")) == "new\n")
        #expect(try fs.readText(at: fixture.root.sharedPath("public/uploads/photo.jpg")) == "photo\n")
        #expect(try !fs.exists(fixture.root.sharedPath("public/uploads/new.jpg")))

        // The admin keeps the app's copy, as the message says; recovery then finishes.
        try fs.copyTree(from: PathName.join(uploads, "photo.jpg"), to: fixture.root.sharedPath("public/uploads/photo.jpg.tmp"))
        try fs.rename(fixture.root.sharedPath("public/uploads/photo.jpg.tmp"), to: fixture.root.sharedPath("public/uploads/photo.jpg"), replacing: true)
        let second = try recover(fixture, script: script)
        #expect(second.status == 0, "\(second.text)")
        #expect(try fs.type(at: uploads) == .symlink)
        #expect(try fs.readText(at: PathName.join(uploads, "photo.jpg")) == "edited photo\n")
        #expect(try fs.readText(at: PathName.join(uploads, "new.jpg")) == "new\n")
        // The identical copy was dropped, not kept beside as a duplicate.
        #expect(try fs.listDirectory(at: fixture.root.sharedPath("public/uploads")).sorted() == ["new.jpg", "photo.jpg"])
    }

    @Test(arguments: [false, true])
    func aFileThatDiffersIsLeftUntilTheAdminChoosesAndASameOneBecomesTheLink(script: Bool) throws {
        let fixture = try LayoutFixture(label: "differing-file-\(script)")
        defer { fixture.remove() }
        let fs = fixture.fileSystem
        let env = PathName.join(fixture.liveRelease, ".env")
        let stored = fixture.root.sharedPath(".env")
        // The app saved its settings by renaming a new file over the link.
        try fs.removeTree(at: env)
        try fs.writeText("APP_KEY=rotated\n", to: env, permissions: 0o600)

        let first = try recover(fixture, script: script)
        #expect(first.status == 1, "\(first.text)")
        #expect(first.text.contains("mv --backup=numbered -- '\(env)' '\(stored)'"), "\(first.text)")
        #expect(first.text.contains("mv -n -- '\(env)' '\(stored).replaced'"), "\(first.text)")
        #expect(try fs.readText(at: env) == "APP_KEY=rotated\n")
        #expect(try fs.readText(at: stored) == "APP_KEY=secret\n")

        // The admin keeps shared/'s copy live and the app's beside it.
        try fs.rename(env, to: stored + ".replaced", replacing: false)
        let second = try recover(fixture, script: script)
        #expect(second.status == 0, "\(second.text)")
        #expect(try fs.readSymlink(at: env) == "../../shared/.env")
        #expect(try fs.readText(at: stored + ".replaced") == "APP_KEY=rotated\n")

        // A real file with the very bytes of shared/'s copy is a duplicate: the link replaces it.
        try fs.removeTree(at: env)
        try fs.writeText("APP_KEY=secret\n", to: env, permissions: 0o600)
        let third = try recover(fixture, script: script)
        #expect(third.status == 0, "\(third.text)")
        #expect(third.text.contains("the same bytes as shared/.env"), "\(third.text)")
        #expect(try fs.readSymlink(at: env) == "../../shared/.env")
        #expect(try fs.listDirectory(at: fixture.root.shared).filter { $0.hasPrefix(".env") }.sorted() == [".env", ".env.replaced"])
    }
}
