import Foundation
import PersistDeployTestSupport
import Testing

@testable import PersistDeployKit

@Suite struct BackupCommandTests {
    @Test func backupSnapshotsAppDataButNotToolFiles() throws {
        let fixture = try BackupFixture("backup")
        defer { fixture.directory.remove() }
        let result = fixture.run(["backup", "--json"])
        #expect(result.code == 0, "\(result.err)")
        let info = try JSONDecoder().decode(BackupInfo.self, from: Data(result.out.utf8))
        #expect(info.files == 4)
        #expect(info.bytes == Int64("invoice 1log line\npng bytesAPP_KEY=secret\n".utf8.count))
        let data = PathName.join(fixture.root, "backups", info.id, "data")
        #expect(try fixture.fileSystem.readText(at: PathName.join(data, "storage/app/invoice.pdf")) == "invoice 1")
        #expect(try fixture.fileSystem.status(at: PathName.join(data, ".env"), followSymlink: false)?.permissions == 0o600)
        #expect(try !fixture.fileSystem.exists(PathName.join(data, "health-check.sh")))
        let listed = fixture.run(["backups", "--json"])
        #expect(listed.out.contains("\"id\":\"\(info.id)\""))
    }

    @Test func backupKeepsModesTimesAndLinksToOutsideAsLinks() throws {
        let fixture = try BackupFixture("links")
        defer { fixture.directory.remove() }
        try fixture.fileSystem.createSymlink(at: fixture.path("storage/etc"), target: "/etc")
        try fixture.fileSystem.setPermissions(at: fixture.path("storage/logs/laravel.log"), to: 0o640)
        let info = try fixture.store().create(persistentPaths: ["storage", "storage/app", "./storage"], keep: 24, console: nil).info
        let data = PathName.join(fixture.root, "backups", info.id, "data")
        #expect(try fixture.fileSystem.type(at: PathName.join(data, "storage/etc")) == .symlink)
        #expect(try fixture.fileSystem.readSymlink(at: PathName.join(data, "storage/etc")) == "/etc")
        #expect(try fixture.fileSystem.type(at: PathName.join(data, "storage/etc")) != .directory)
        let live = try #require(try fixture.fileSystem.status(at: fixture.path("storage/logs/laravel.log"), followSymlink: false))
        let saved = try #require(try fixture.fileSystem.status(at: PathName.join(data, "storage/logs/laravel.log"), followSymlink: false))
        #expect(saved.permissions == 0o640)
        #expect(saved.modificationTime == live.modificationTime)
        #expect(info.files == 3)
    }

    @Test func damagedDataIsRestoredByteForByteAndTheReplacedStateIsKept() throws {
        let fixture = try BackupFixture("restore")
        defer { fixture.directory.remove() }
        let clock = SteppingClock()
        let binary: [UInt8] = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try fixture.fileSystem.writeFile(at: fixture.path("public/uploads/photo.jpg"), contents: binary, permissions: 0o644)
        #expect(fixture.run(["backup"], now: clock.now).code == 0)
        let original = try fixture.store().list()[0]

        try fixture.fileSystem.removeTree(at: fixture.path("storage/app/invoice.pdf"))  // delete
        try fixture.write("public/uploads/avatar.png", "overwritten")  // corrupt
        try fixture.write("storage/app/stray.txt", "added")  // add

        let result = fixture.run(["restore", original.id, "--yes"], now: clock.now)
        #expect(result.code == 0, "\(result.err)")
        #expect(try fixture.read("storage/app/invoice.pdf") == "invoice 1")
        #expect(try fixture.read("public/uploads/avatar.png") == "png bytes")
        #expect(try fixture.fileSystem.readFile(at: fixture.path("public/uploads/photo.jpg")) == binary)
        #expect(try !fixture.fileSystem.exists(fixture.path("storage/app/stray.txt")))
        #expect(try fixture.fileSystem.status(at: fixture.path(".env"), followSymlink: false)?.permissions == 0o600)
        #expect(try fixture.fileSystem.listDirectory(at: fixture.path("public")) == ["uploads"])  // no temporary names left

        // The damaged state was snapshotted before it was replaced.
        let backups = try fixture.store().list()
        #expect(backups.count == 2)
        let replaced = PathName.join(fixture.root, "backups", backups[0].id, "data")
        #expect(try fixture.fileSystem.readText(at: PathName.join(replaced, "public/uploads/avatar.png")) == "overwritten")
        #expect(try fixture.fileSystem.readText(at: PathName.join(replaced, "storage/app/stray.txt")) == "added")
        #expect(try !fixture.fileSystem.exists(PathName.join(replaced, "storage/app/invoice.pdf")))
        #expect(result.out.contains(backups[0].id))
    }

    @Test func restoreOfOnePathLeavesTheOthersAlone() throws {
        let fixture = try BackupFixture("restore-path")
        defer { fixture.directory.remove() }
        let clock = SteppingClock()
        #expect(fixture.run(["backup"], now: clock.now).code == 0)
        let id = try fixture.store().list()[0].id
        try fixture.write("public/uploads/avatar.png", "changed")
        try fixture.write("storage/app/invoice.pdf", "changed too")
        let result = fixture.run(["restore", id, "--path", "public/uploads", "--yes"], now: clock.now)
        #expect(result.code == 0, "\(result.err)")
        #expect(try fixture.read("public/uploads/avatar.png") == "png bytes")
        #expect(try fixture.read("storage/app/invoice.pdf") == "changed too")
    }

    @Test func restoreRefusesWithoutATerminalAndWithoutYes() throws {
        let fixture = try BackupFixture("refuse")
        defer { fixture.directory.remove() }
        let clock = SteppingClock()
        #expect(fixture.run(["backup"], now: clock.now).code == 0)
        try fixture.write("public/uploads/avatar.png", "changed")
        var context = Context.live()
        context.now = clock.now
        let output = CommandOutput()
        let console = Console(stdout: { output.out += $0 }, stderr: { output.err += $0 })
        let invocation = try #require(try Self.invocation(["restore", "--root", fixture.root]))
        let notATerminal = Prompter(isTerminal: false) { _ in "y" }
        #expect(throws: ToolError.self) {
            _ = try BackupCommands.restore(invocation, context, console, prompter: notATerminal)
        }
        do {
            _ = try BackupCommands.restore(invocation, context, console, prompter: notATerminal)
        } catch let error as ToolError {
            #expect(error.exitCode == .failure)
            #expect(error.message.contains("--yes") || (error.hint ?? "").contains("--yes"))
        }
        #expect(try fixture.read("public/uploads/avatar.png") == "changed")
        #expect(try fixture.store().list().count == 1)
        // The same through the whole tool, when the test's stdin is not a terminal.
        if isatty(0) == 0 {
            #expect(fixture.run(["restore"], now: clock.now).code == 1)
            #expect(try fixture.read("public/uploads/avatar.png") == "changed")
        }
    }

    @Test func restoreOnATerminalAsksWhichBackupAndForAYes() throws {
        let fixture = try BackupFixture("ask")
        defer { fixture.directory.remove() }
        let clock = SteppingClock()
        #expect(fixture.run(["backup"], now: clock.now).code == 0)
        try fixture.write("public/uploads/avatar.png", "changed")
        var context = Context.live()
        context.now = clock.now
        let console = Console(stdout: { _ in }, stderr: { _ in })
        let invocation = try #require(try Self.invocation(["restore", "--root", fixture.root]))

        let declined = Prompter(isTerminal: true) { question in question.contains("[y/N]") ? "n" : "" }
        #expect(throws: ToolError.self) {
            _ = try BackupCommands.restore(invocation, context, console, prompter: declined)
        }
        #expect(try fixture.read("public/uploads/avatar.png") == "changed")

        let asked = CommandOutput()
        let accepted = Prompter(isTerminal: true) { question in
            asked.out += question
            return question.contains("[y/N]") ? "yes" : ""
        }
        #expect(try BackupCommands.restore(invocation, context, console, prompter: accepted) == .success)
        #expect(asked.out.contains("Backup to restore"))
        #expect(try fixture.read("public/uploads/avatar.png") == "png bytes")
    }

    @Test func badRequestsChangeNothing() throws {
        let fixture = try BackupFixture("bad")
        defer { fixture.directory.remove() }
        #expect(fixture.run(["restore", "--yes"]).code == 1)  // no backups yet
        #expect(fixture.run(["backup", "--keep", "0"]).code == 64)
        #expect(fixture.run(["backup"]).code == 0)
        let unknown = fixture.run(["restore", "2020-01-01_00-00-00", "--yes"])
        #expect(unknown.code == 1)
        #expect(unknown.err.contains("no backup '2020-01-01_00-00-00'"))
        #expect(fixture.run(["restore", "--path", "../etc", "--yes"]).code == 64)
        #expect(try fixture.store().list().count == 1)
    }

    @Test func anInterruptedBackupIsNeverListedAndIsRemovedByTheNext() throws {
        let fixture = try BackupFixture("interrupted")
        defer { fixture.directory.remove() }
        let leftover = PathName.join(fixture.root, "backups", ".tmp-2026-01-01_00-00-00")
        try fixture.fileSystem.createDirectory(at: PathName.join(leftover, "data/storage"), permissions: 0o700)
        try fixture.fileSystem.writeText("half", to: PathName.join(leftover, "data/storage/x"))
        #expect(try fixture.store().list().isEmpty)
        #expect(fixture.run(["backups", "--json"]).out == "{\"backups\":[]}\n")
        #expect(fixture.run(["backup"]).code == 0)
        let names = try fixture.backupFolders()
        #expect(names.count == 1)
        #expect(!names[0].hasPrefix("."))
    }

    @Test func retentionKeepsTheNewestN() throws {
        let fixture = try BackupFixture("retention")
        defer { fixture.directory.remove() }
        let clock = SteppingClock()
        for _ in 0..<4 { #expect(fixture.run(["backup", "--keep", "2"], now: clock.now).code == 0) }
        let ids = try fixture.store().list().map(\.id)
        #expect(ids.count == 2)
        #expect(ids == ids.sorted(by: >))
        #expect(try fixture.backupFolders().sorted() == ids.sorted())
    }

    @Test func verifyNamesACorruptedSnapshotFile() throws {
        let fixture = try BackupFixture("verify")
        defer { fixture.directory.remove() }
        let clock = SteppingClock()
        #expect(fixture.run(["backup"], now: clock.now).code == 0)
        try fixture.write("storage/app/invoice.pdf", "invoice 2")  // so the next snapshot has its own copy
        #expect(fixture.run(["backup"], now: clock.now).code == 0)
        #expect(fixture.run(["backups", "--verify"]).code == 0)
        let oldest = try fixture.store().list()[1].id
        let saved = PathName.join(fixture.root, "backups", oldest, "data", "storage/app/invoice.pdf")
        try fixture.fileSystem.writeText("invoice X", to: saved)  // same size, other bytes
        let result = fixture.run(["backups", "--verify"])
        #expect(result.code == 1)
        #expect(result.err.contains("storage/app/invoice.pdf"))
        #expect(result.err.contains(oldest))
        let removed = PathName.join(fixture.root, "backups", oldest, "data", "public/uploads/avatar.png")
        try fixture.fileSystem.removeTree(at: removed)
        #expect(fixture.run(["backups", "--verify"]).err.contains("public/uploads/avatar.png: missing"))
    }

    @Test func unchangedFilesAreHardLinkedAndSnapshotsStayIndependentOfSharedData() throws {
        let fixture = try BackupFixture("hardlinks")
        defer { fixture.directory.remove() }
        let clock = SteppingClock()
        let store = fixture.store(now: clock.now)
        let paths = try BackupStore.persistentPaths(root: DeployRoot(path: fixture.root), fileSystem: fixture.fileSystem)
        let first = try store.create(persistentPaths: paths, keep: 24, console: nil).info
        try fixture.write("storage/app/invoice.pdf", "invoice 1 (edited)")
        let second = try store.create(persistentPaths: paths, keep: 24, console: nil).info
        func saved(_ id: String, _ relative: String) -> String { PathName.join(fixture.root, "backups", id, "data", relative) }

        #expect(try fixture.inode(saved(first.id, "public/uploads/avatar.png")) == fixture.inode(saved(second.id, "public/uploads/avatar.png")))
        #expect(try fixture.inode(saved(second.id, "public/uploads/avatar.png")) != fixture.inode(fixture.path("public/uploads/avatar.png")))
        #expect(try fixture.inode(saved(first.id, "storage/app/invoice.pdf")) != fixture.inode(saved(second.id, "storage/app/invoice.pdf")))
        #expect(try fixture.fileSystem.readText(at: saved(second.id, "storage/app/invoice.pdf")) == "invoice 1 (edited)")

        // Changing a live file in place never reaches a snapshot.
        let descriptor = open(fixture.path("public/uploads/avatar.png"), O_WRONLY)
        #expect(descriptor >= 0)
        _ = write(descriptor, "PNG", 3)
        close(descriptor)
        #expect(try fixture.fileSystem.readText(at: saved(first.id, "public/uploads/avatar.png")) == "png bytes")
        #expect(try fixture.fileSystem.readText(at: saved(second.id, "public/uploads/avatar.png")) == "png bytes")
        let newest = try store.verify(second.id)
        #expect(newest.problems.isEmpty)
        #expect(try store.verify(first.id, after: newest.checked).problems.isEmpty)
    }

    @Test func aDeepTreeSplitAcrossWorkersIsCopiedWhole() throws {
        let fixture = try BackupFixture("deep")
        defer { fixture.directory.remove() }
        for year in 2020..<2024 {
            for month in 1...12 {
                for day in [1, 15] {
                    try fixture.write("public/uploads/\(year)/\(month)/\(day)/photo.jpg", "\(year)-\(month)-\(day)")
                }
            }
        }
        try fixture.fileSystem.createSymlink(at: fixture.path("public/uploads/2021/5/latest"), target: "../../2023/1")
        try fixture.makeOld()
        let store = fixture.store(now: SteppingClock().now)
        let first = try store.create(persistentPaths: ["public/uploads", "storage"], keep: 24, console: nil).info
        let second = try store.create(persistentPaths: ["public/uploads", "storage"], keep: 24, console: nil).info
        #expect(first.files == 4 * 12 * 2 + 1 + 1 + 2)
        #expect(second.files == first.files && second.bytes == first.bytes)
        for info in [first, second] {
            let data = PathName.join(fixture.root, "backups", info.id, "data")
            #expect(try fixture.fileSystem.files(under: PathName.join(data, "public/uploads"))
                == fixture.fileSystem.files(under: fixture.path("public/uploads")))
            let live = try #require(try fixture.fileSystem.status(at: fixture.path("public/uploads/2022/7"), followSymlink: false))
            let saved = try #require(try fixture.fileSystem.status(at: PathName.join(data, "public/uploads/2022/7"), followSymlink: false))
            #expect(saved.modificationTime == live.modificationTime)
            #expect(try store.verify(info.id).problems.isEmpty)
        }
        func saved(_ id: String) -> String { PathName.join(fixture.root, "backups", id, "data", "public/uploads/2023/12/15/photo.jpg") }
        #expect(try fixture.inode(saved(first.id)) == fixture.inode(saved(second.id)))
    }

    @Test func aFileChangedInTheSecondABackupStartedIsCopiedAgain() throws {
        let fixture = try BackupFixture("racy")
        defer { fixture.directory.remove() }
        try fixture.write("public/uploads/fresh.png", "just written")  // its time may not change on the next write
        let store = fixture.store(now: SteppingClock().now)
        let first = try store.create(persistentPaths: ["public/uploads"], keep: 24, console: nil).info
        let second = try store.create(persistentPaths: ["public/uploads"], keep: 24, console: nil).info
        func saved(_ id: String, _ relative: String) -> String { PathName.join(fixture.root, "backups", id, "data", relative) }
        #expect(try fixture.inode(saved(first.id, "public/uploads/fresh.png")) != fixture.inode(saved(second.id, "public/uploads/fresh.png")))
        #expect(try fixture.inode(saved(first.id, "public/uploads/avatar.png")) == fixture.inode(saved(second.id, "public/uploads/avatar.png")))
    }

    @Test func backupUsesTheRecordsPersistentPaths() throws {
        let fixture = try BackupFixture("record")
        defer { fixture.directory.remove() }
        try fixture.write("notes.txt", "not persistent")
        let root = DeployRoot(path: fixture.root)
        let classification = Classification(
            detection: DetectionResult(framework: .laravel, webRoot: "public", evidence: []),
            paths: [
                ClassifiedPath(path: "public/uploads", kind: .dir, class: .user, reason: "test"),
                ClassifiedPath(path: "public/css", kind: .dir, class: .asset, reason: "test"),
                ClassifiedPath(path: "storage", kind: .dir, class: .runtime, reason: "test"),
                ClassifiedPath(path: "public/storage", kind: .dir, class: .user, reason: "test", linkTarget: "storage/app/public"),
            ])
        try PersistenceRecord(classification: classification, root: root, updated: "now").save(to: root, fileSystem: fixture.fileSystem)
        #expect(try BackupStore.persistentPaths(root: root, fileSystem: fixture.fileSystem) == ["public/uploads", "storage"])
        let info = try fixture.store().create(
            persistentPaths: BackupStore.persistentPaths(root: root, fileSystem: fixture.fileSystem), keep: 24, console: nil).info
        #expect(info.files == 3)
        let status = fixture.run(["status", "--json"])
        #expect(status.code == 0, "\(status.err)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.out.utf8)) as? [String: Any])
        #expect(json["framework"] as? String == "laravel")
        #expect(json["backups"] as? Int == 1)
        // No check kept: one is made now, and the contract's values are the only ones (no
        // release is live here, so it fails).
        #expect(json["health"] as? String == "failed")
        let paths = try #require(json["paths"] as? [[String: Any]])
        #expect(paths.map { $0["path"] as? String } == ["public/uploads", "storage"])
        #expect(paths.map { $0["class"] as? String } == ["user", "runtime"])
        #expect(paths.map { $0["files"] as? Int } == [1, 2])
    }

    @Test func statusShowsReleaseHealthAndDeploys() throws {
        let fixture = try BackupFixture("status")
        defer { fixture.directory.remove() }
        let root = DeployRoot(path: fixture.root)
        try fixture.fileSystem.createDirectory(at: root.release("2026-11-22_14-30-00"), permissions: 0o755)
        try fixture.fileSystem.createSymlink(at: root.current, target: "releases/2026-11-22_14-30-00")
        try fixture.fileSystem.createDirectory(at: root.state, permissions: 0o755)
        try fixture.fileSystem.writeText("{\"status\": \"warning\", \"passed\": 3}", to: root.lastHealthCheck)
        try DeploymentHistory.append(
            Text.json(HistoryRecord(release: "2026-11-22_14-30-00", time: "2026-11-22T14:30:00Z", outcome: .activated,
                                    framework: .laravel, paths: [], host: "h", user: "u")),
            to: root, fileSystem: fixture.fileSystem)
        let human = fixture.run(["status"])
        #expect(human.code == 0, "\(human.err)")
        #expect(human.out.contains("Live release: 2026-11-22_14-30-00"))
        #expect(human.out.contains("Last health check: warning"))
        #expect(human.out.contains("Free disk:"))
        #expect(human.out.contains("2026-11-22_14-30-00  activated"))
        let json = fixture.run(["status", "--json"])
        #expect(json.out.contains("\"release\":\"2026-11-22_14-30-00\""))
        #expect(json.out.contains("\"health\":\"warning\""))
    }

    @Test func backupWaitsForOrNamesTheLockHolder() throws {
        let fixture = try BackupFixture("lock")
        defer { fixture.directory.remove() }
        let held = try DeployLock.acquire(
            root: DeployRoot(path: fixture.root), command: "auto", waitSeconds: 0, context: Context.live())
        let result = fixture.run(["backup"])
        #expect(result.code == 1)
        #expect(result.err.contains("auto"))
        held.release()
        #expect(fixture.run(["backup"]).code == 0)
    }

    static func invocation(_ arguments: [String]) throws -> Invocation? {
        if case .run(let invocation) = try ArgumentParser.parse(arguments) { return invocation }
        return nil
    }
}
