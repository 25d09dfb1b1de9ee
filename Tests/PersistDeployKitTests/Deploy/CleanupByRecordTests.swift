import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Cleanup and `prune` choose by the history, whatever the folders are named.
@Suite struct CleanupByRecordTests {
    static let root = DeployRoot(path: "/srv/app")

    /// A root holding `folders` under releases/ (arriving in that order, after the history's lines),
    /// `history` as its history and `current` pointing at `live`.
    static func state(folders: [String], history: ReleaseLedgerTests.Story, live: String?) throws -> (DeployState, InMemoryFileSystem) {
        let fs = try InMemoryFileSystem(directories: [root.shared])
        for (index, id) in folders.enumerated() {
            try fs.createDirectory(at: root.release(id), permissions: 0o755)
            try fs.setModificationTime(at: root.release(id), to: 1_800_000_000 + Double(index))
        }
        try fs.writeText(history.text, to: root.historyFile)
        if let live { try fs.createSymlink(at: root.current, target: "releases/" + live) }
        return (try DeployState.read(root, fileSystem: fs), fs)
    }

    static func planner(_ fs: InMemoryFileSystem) -> DeployPlanner {
        DeployPlanner(fileSystem: fs, root: root, now: Date(timeIntervalSince1970: 1_800_000_000), host: "h", user: "u")
    }

    @Test func sixtyReleasesNamedByCIKeepTheNewestFive() throws {
        // Git shas sort in no useful order: only the history says which are old.
        let names = (0..<60).map { index in String(String(index * 7919 + 104_729, radix: 16).reversed()) + "9fceb02d" }
        var story = ReleaseLedgerTests.Story()
        for name in names { story.deploy(name) }
        let (state, fs) = try Self.state(folders: names.shuffled(), history: story, live: names.last)
        #expect(state.releaseIDs == names, "history order, not name order")
        let removal = Self.planner(fs).releasesToRemove(state: state, newID: "new-sha", previousLive: names.last, keep: 5)
        // The new release counts: four of the sixty stay besides it.
        #expect(removal == Array(names.prefix(56)))
    }

    @Test func deployerAndCapistranoNamesAreReleasesToo() throws {
        for names in [["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"], (1...10).map { "2026112214\(String(format: "%02d", $0))00" }] {
            var story = ReleaseLedgerTests.Story()
            for name in names { story.deploy(name) }
            let (state, fs) = try Self.state(folders: names, history: story, live: names.last)
            #expect(state.releaseIDs == names)
            let removal = Prune.releasesToRemove(state: state, planner: Self.planner(fs), keep: 3)
            #expect(removal == Array(names.prefix(7)), "\(names)")
        }
    }

    @Test func pruneNeverRemovesTheLiveOrThePreviousRelease() throws {
        var story = ReleaseLedgerTests.Story()
        for id in ["A", "B", "C", "D"] { story.deploy(id) }
        story.rollback(to: "C")
        story.rollback(to: "B")
        // Live is B, the previous is A; C and D were rolled back from and are the newest.
        let (state, fs) = try Self.state(folders: ["A", "B", "C", "D"], history: story, live: "B")
        #expect(state.rollbackTarget == "A")
        let removal = Prune.releasesToRemove(state: state, planner: Self.planner(fs), keep: 1)
        #expect(removal == ["C", "D"])
        #expect(Prune.releasesToRemove(state: state, planner: Self.planner(fs), keep: 3) == ["C"])
    }

    @Test func unfinishedAndUnrecordedFoldersAreHandledByRecord() throws {
        var story = ReleaseLedgerTests.Story()
        story.deploy("A")
        story.prepare("stale-prepared")
        story.failedVerify("stale-bad")
        story.deploy("B")
        story.prepare("waiting")
        // "uploaded" is a folder the history never named: never removed.
        let folders = ["A", "stale-prepared", "stale-bad", "B", "waiting", "uploaded"]
        let (state, fs) = try Self.state(folders: folders, history: story, live: "B")
        let removal = Prune.releasesToRemove(state: state, planner: Self.planner(fs), keep: 5)
        #expect(removal == ["stale-prepared", "stale-bad"])
        let listing = ReleaseListing(state: state, root: Self.root, fileSystem: fs)
        let marks = Dictionary(uniqueKeysWithValues: listing.releases.map { ($0.id, $0.marks) })
        #expect(marks["B"] == ["live"] && marks["A"] == ["previous"])
        #expect(marks["stale-bad"] == ["bad", "rolled-back-from"] && marks["waiting"] == ["unfinished"] && marks["uploaded"] == [])
        #expect(listing.releases.first { $0.id == "uploaded" }?.status == "unrecorded")
    }

    @Test func aFolderWithTheToolsIdOlderThanTheLiveOneIsADeployThatDiedBeforeItsLine() throws {
        var story = ReleaseLedgerTests.Story()
        story.deploy("2026-11-20_10-00-00")
        story.deploy("2026-11-22_10-00-00")
        let folders = ["2026-11-20_10-00-00", "2026-11-21_10-00-00", "2026-11-22_10-00-00", "2026-11-23_10-00-00"]
        let (state, fs) = try Self.state(folders: folders, history: story, live: "2026-11-22_10-00-00")
        // The older unrecorded one goes; the newer one may be an upload waiting to be deployed.
        #expect(Self.planner(fs).releasesToRemove(state: state, newID: "2026-11-24_10-00-00", previousLive: "2026-11-22_10-00-00", keep: 5)
            == ["2026-11-21_10-00-00"])
    }

    @Test func theNewestWaitingFolderIsTheOneToDeployAndABadOneIsNot() throws {
        var story = ReleaseLedgerTests.Story()
        story.deploy("A")
        story.failedVerify("broken")
        let (state, fs) = try Self.state(folders: ["A", "broken", "zz-uploaded-first", "aa-uploaded-last"], history: story, live: "A")
        var request = DeployRequest()
        request.source = .newestNotLive
        // Uploads are ordered by when they arrived (ctime: a copy keeps modification times), not by name.
        #expect(try Self.planner(fs).target(for: request, state: state).id == "aa-uploaded-last")
        let (onlyBad, badFS) = try Self.state(folders: ["A", "broken"], history: story, live: "A")
        #expect(throws: ToolError.self) { try Self.planner(badFS).target(for: request, state: onlyBad) }
    }
}
