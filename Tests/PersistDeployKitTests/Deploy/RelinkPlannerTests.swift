import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A rollback target deployed before some paths became persistent is re-linked to today's
/// persistent paths before it goes live; its real copies join shared/ without overwriting.
@Suite struct RelinkPlannerTests {
    static let root = DeployRoot(path: "/srv/app")
    static let target = "2026-01-01_00-00-00"
    static var release: String { root.release(target) }

    static let record = PersistenceRecord(
        classification: Classification(
            detection: DetectionResult(framework: .php, webRoot: "public", evidence: []),
            paths: [
                ClassifiedPath(path: ".env", kind: .file, class: .config, reason: "config"),
                ClassifiedPath(path: "public/css", kind: .dir, class: .asset, reason: "asset"),
                ClassifiedPath(path: "public/docs", kind: .dir, class: .user, reason: "made persistent later"),
                ClassifiedPath(path: "public/uploads", kind: .dir, class: .user, reason: "uploads"),
            ]),
        root: root, updated: "2026-11-30T00:00:00Z")

    /// shared/ as today, and the old release: a real `public/uploads` holding a file shared/ has
    /// (same bytes), one it has with other bytes and one it lacks; a real `.env` with other
    /// bytes; no `public/docs` at all.
    static func oldLayout() throws -> InMemoryFileSystem {
        try InMemoryFileSystem(files: [
            root.sharedPath(".env"): "APP_KEY=today\n",
            root.sharedPath("public/uploads/same.jpg"): "same",
            root.sharedPath("public/uploads/clash.jpg"): "users' version",
            root.sharedPath("public/docs/manual.pdf"): "manual",
            release + "/.env": "APP_KEY=then\n",
            release + "/public/index.php": "<?php",
            release + "/public/css/app.css": "body{}",
            release + "/public/uploads/same.jpg": "same",
            release + "/public/uploads/clash.jpg": "what the old release held",
            release + "/public/uploads/sub dir/written-then.pdf": "written while it was live",
        ])
    }

    static func planner(_ fs: any FileSystem) -> DeployPlanner {
        DeployPlanner(fileSystem: fs, root: root, now: Date(timeIntervalSince1970: 1_800_000_000), host: "h", user: "u")
    }

    static func apply(_ plan: DeployPlanner.RelinkPlan, on fs: any FileSystem) throws {
        try PlanExecutor(fileSystem: fs, console: nil).apply(
            (plan.operations + [.verifyLinks(release: release, links: plan.links)])[...], root: root.path)
    }

    /// Every file's bytes under shared/ and the release, by path.
    static func expectRelinked(_ fs: InMemoryFileSystem, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let files = fs.snapshot()
        let shared = root.shared
        #expect(files[shared + "/.env"] == "file:APP_KEY=today\n", sourceLocation: sourceLocation)
        #expect(files[shared + "/.env.rollback-\(target)"] == "file:APP_KEY=then\n", sourceLocation: sourceLocation)
        #expect(files[shared + "/public/uploads/same.jpg"] == "file:same", sourceLocation: sourceLocation)
        #expect(files[shared + "/public/uploads/same.jpg.rollback-\(target)"] == nil, "an identical file is not doubled", sourceLocation: sourceLocation)
        #expect(files[shared + "/public/uploads/clash.jpg"] == "file:users' version", sourceLocation: sourceLocation)
        #expect(files[shared + "/public/uploads/clash.jpg.rollback-\(target)"] == "file:what the old release held", sourceLocation: sourceLocation)
        #expect(files[shared + "/public/uploads/sub dir/written-then.pdf"] == "file:written while it was live", sourceLocation: sourceLocation)
        #expect(files[shared + "/public/docs/manual.pdf"] == "file:manual", sourceLocation: sourceLocation)
        #expect(files[release + "/.env"] == "link:../../shared/.env", sourceLocation: sourceLocation)
        #expect(files[release + "/public/uploads"] == "link:../../../shared/public/uploads", sourceLocation: sourceLocation)
        #expect(files[release + "/public/docs"] == "link:../../../shared/public/docs", sourceLocation: sourceLocation)
        #expect(files[release + "/public/css/app.css"] == "file:body{}", "assets stay in the release", sourceLocation: sourceLocation)
        let mode = try fs.status(at: shared + "/.env", followSymlink: false)?.permissions ?? 0o777
        #expect(mode & 0o007 == 0, "config is closed to others, as a deploy leaves it", sourceLocation: sourceLocation)
    }

    @Test func anOlderReleaseIsLinkedToTodaysPersistentPathsAndItsDataJoinsShared() throws {
        let fs = try Self.oldLayout()
        let plan = try Self.planner(fs).relinkPlan(release: Self.target, record: Self.record)
        #expect(plan.relinked == [".env", "public/docs", "public/uploads"])
        try Self.apply(plan, on: fs)
        try Self.expectRelinked(fs)
        // Planned again, the release needs nothing more.
        #expect(try Self.planner(fs).relinkPlan(release: Self.target, record: Self.record).operations.isEmpty)
        // A config file the web group reads (0640, as --web-user leaves it) keeps that access;
        // only others lose theirs.
        try fs.setPermissions(at: Self.root.sharedPath(".env"), to: 0o644)
        #expect(try Self.planner(fs).relinkPlan(release: Self.target, record: Self.record).operations
            == [.setPermissions(path: Self.root.sharedPath(".env"), permissions: 0o640)])
    }

    @Test func aCrashAtAnyStepThenARerunLosesNothing() throws {
        let count = try Self.planner(Self.oldLayout()).relinkPlan(release: Self.target, record: Self.record).operations.count
        var mutating = 0
        do {
            let counter = FaultyFileSystem(wrapping: try Self.oldLayout())
            try Self.apply(try Self.planner(counter).relinkPlan(release: Self.target, record: Self.record), on: counter)
            mutating = counter.mutatingCallCount
        }
        #expect(count > 5 && mutating > count)
        for limit in 0..<mutating {
            let memory = try Self.oldLayout()
            let disk = FaultyFileSystem(wrapping: memory)
            disk.failAfter(operations: limit)
            #expect(throws: (any Error).self) { try Self.apply(try Self.planner(disk).relinkPlan(release: Self.target, record: Self.record), on: disk) }
            // Every byte is somewhere: in shared/ or still in the release.
            let files = memory.snapshot()
            for text in ["APP_KEY=then\n", "what the old release held", "written while it was live", "users' version", "APP_KEY=today\n"] {
                #expect(files.values.contains("file:" + text), "after \(limit) calls, '\(text)' is gone")
            }
            disk.heal()
            try Self.apply(try Self.planner(disk).relinkPlan(release: Self.target, record: Self.record), on: disk)
            try Self.expectRelinked(memory)
        }
    }

    @Test func withNoCopyAndNothingInSharedItRefusesAndChangesNothing() throws {
        let fs = try Self.oldLayout()
        try fs.removeTree(at: Self.root.sharedPath("public/docs"))
        let before = fs.snapshot()
        let error = #expect(throws: ToolError.self) { try Self.planner(fs).relinkPlan(release: Self.target, record: Self.record) }
        let message = error?.description ?? ""
        #expect(message.contains("public/docs") && message.contains("does not exist") && message.contains("restore"), "\(message)")
        #expect(fs.snapshot() == before)
    }

    @Test func aPersistentPathBelowALinkInTheReleaseIsRefused() throws {
        let fs = try Self.oldLayout()
        try fs.removeTree(at: Self.release + "/public/uploads")
        try fs.createDirectory(at: "/elsewhere", permissions: 0o755)
        try fs.rename(Self.release + "/public", to: "/elsewhere/public", replacing: false)
        try fs.createSymlink(at: Self.release + "/public", target: "/elsewhere/public")
        #expect(throws: ToolError.self) { try Self.planner(fs).relinkPlan(release: Self.target, record: Self.record) }
    }

    @Test func aReleaseMissingFromSharedIsSeededFromItsOwnCopy() throws {
        let fs = try Self.oldLayout()
        try fs.removeTree(at: Self.root.sharedPath("public/uploads"))
        let plan = try Self.planner(fs).relinkPlan(release: Self.target, record: Self.record)
        #expect(plan.operations.contains(.moveIntoShared(from: Self.release + "/public/uploads", to: Self.root.sharedPath("public/uploads"))))
        try Self.apply(plan, on: fs)
        #expect(try fs.readText(at: Self.root.sharedPath("public/uploads/clash.jpg")) == "what the old release held")
    }
}
