import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A long history is moved whole to a dated file next to it, and the new file starts with the
/// standing of the releases on disk: no line lost or doubled, at any crash point.
@Suite struct HistoryRotationTests {
    static let root = CleanupByRecordTests.root
    static let folders = ["A", "B", "C", "D"]

    /// A history past the rotation size: old releases long removed, then A to D (D live, C
    /// rolled back from, B marked bad by a failed --verify).
    static func longStory() -> ReleaseLedgerTests.Story {
        var story = ReleaseLedgerTests.Story()
        for index in 0..<2_500 { story.deploy("removed-\(index)") }
        story.deploy("A")
        story.failedVerify("B")
        story.deploy("C")
        story.rollback(to: "A")
        story.deploy("D")
        return story
    }

    /// Every whole record in the history's files that is not a carried line, oldest first.
    static func allRecords(_ fs: any FileSystem) -> [String] {
        DeploymentHistory.recent(root, fileSystem: fs, limit: .max).map { "\($0.release) \($0.outcome.rawValue)" }
    }

    static func standings(_ fs: any FileSystem) -> [ReleaseLedger.Standing?] {
        let ledger = ReleaseLedger.read(root, fileSystem: fs, releases: folders)
        return folders.map { ledger.standing(of: $0) }
    }

    static func rotate(_ fs: any FileSystem, appending line: String) throws {
        let state = try DeployState.read(root, fileSystem: fs)
        let rotation = DeployPlanner(fileSystem: fs, root: root, now: Date(timeIntervalSince1970: 1_800_000_000), host: "h", user: "u")
            .historyRotation(state: state, framework: .laravel)
        try PlanExecutor(fileSystem: fs, console: nil).apply(
            (rotation + [.appendHistory(root: root.path, shared: root.shared, line: line)])[...], root: root.path)
    }

    @Test func aShortHistoryIsNotRotated() throws {
        var story = ReleaseLedgerTests.Story()
        story.deploy("A")
        let (state, fs) = try CleanupByRecordTests.state(folders: ["A"], history: story, live: "A")
        #expect(CleanupByRecordTests.planner(fs).historyRotation(state: state, framework: .laravel).isEmpty)
    }

    @Test func aLongHistoryMovesWholeAndTheNewFileCarriesTheStanding() throws {
        let story = Self.longStory()
        let (state, fs) = try CleanupByRecordTests.state(folders: Self.folders, history: story, live: "D")
        #expect(state.historyBytes >= DeployPlanner.historyRotationBytes)
        let before = (records: Self.allRecords(fs), standings: Self.standings(fs), target: state.rollbackTarget)
        let new = DeploymentHistoryTests.line("E")
        try Self.rotate(fs, appending: new)

        // 2027-01-15 is the planner's day: the old file, byte for byte, under that date.
        #expect(try fs.readText(at: Self.root.sharedPath(".deployment-history.2027-01-15")) == story.text)
        let current = try fs.readText(at: Self.root.historyFile).split(separator: "\n").map(String.init)
        #expect(current.count == Self.folders.count + 1 && current.last == new)
        #expect(current.dropLast().allSatisfy { $0.hasPrefix("{\"checkpoint\":") })
        #expect(Self.allRecords(fs) == before.records + ["E activated"])
        // The standing read from the carried lines is the standing read from the whole history.
        #expect(Self.standings(fs).map { $0?.outcome } == before.standings.map { $0?.outcome })
        #expect(Self.standings(fs).map { $0?.rolledBackFrom } == before.standings.map { $0?.rolledBackFrom })
        let after = try DeployState.read(Self.root, fileSystem: fs)
        #expect(after.ledger.rollbackTarget(from: "D", among: Self.folders) == before.target)
        #expect(after.ledger.standing(of: "E")?.deployed ?? 0 > after.ledger.standing(of: "D")?.deployed ?? .max)
    }

    @Test func aSecondRotationOnTheSameDayTakesTheNextNumber() throws {
        let (_, fs) = try CleanupByRecordTests.state(folders: Self.folders, history: Self.longStory(), live: "D")
        try Self.rotate(fs, appending: DeploymentHistoryTests.line("E"))
        try fs.writeText(Self.longStory().text, to: Self.root.historyFile)
        try Self.rotate(fs, appending: DeploymentHistoryTests.line("F"))
        #expect(HistoryFiles(fileSystem: fs, root: Self.root).archives() == [".deployment-history.2027-01-15-2", ".deployment-history.2027-01-15"])
    }

    @Test func aCrashAtAnyCallLosesNoLineAndDoublesNone() throws {
        let story = Self.longStory()
        let new = DeploymentHistoryTests.line("E")
        let expected = try {
            let (_, fs) = try CleanupByRecordTests.state(folders: Self.folders, history: story, live: "D")
            return (records: Self.allRecords(fs), standings: Self.standings(fs))
        }()
        var calls = 0
        do {
            let (_, memory) = try CleanupByRecordTests.state(folders: Self.folders, history: story, live: "D")
            let disk = FaultyFileSystem(wrapping: memory)
            try Self.rotate(disk, appending: new)
            calls = disk.mutatingCallCount
        }
        #expect(calls >= 4)
        for limit in 0..<calls {
            let (_, memory) = try CleanupByRecordTests.state(folders: Self.folders, history: story, live: "D")
            let disk = FaultyFileSystem(wrapping: memory)
            disk.failAfter(operations: limit)
            #expect(throws: ToolError.self) { try Self.rotate(disk, appending: new) }
            #expect(Self.allRecords(memory) == expected.records, "after \(limit) calls")
            #expect(Self.standings(memory).map { $0?.outcome } == expected.standings.map { $0?.outcome }, "after \(limit) calls")
            disk.heal()
            try Self.rotate(disk, appending: new)
            #expect(Self.allRecords(memory) == expected.records + ["E activated"], "after \(limit) calls and a rerun")
            #expect(Self.standings(memory).map { $0?.rolledBackFrom } == expected.standings.map { $0?.rolledBackFrom })
        }
    }
}
