import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The standing of releases by the history, and where `rollback` goes: to the release that was
/// live before, skipping releases rolled back from or marked bad, never forward.
@Suite struct ReleaseLedgerTests {
    /// A history in the order the tool writes it; `rollback(to, from)` as `rollback` records it.
    struct Story {
        var lines: [String] = []
        var live: String?
        mutating func deploy(_ id: String) {
            lines.append(DeploymentHistoryTests.line(id, .activated))
            live = id
        }
        mutating func prepare(_ id: String) { lines.append(DeploymentHistoryTests.line(id, .prepared)) }
        mutating func rollback(to id: String) {
            lines.append(DeploymentHistoryTests.line(id, .rolledBack, from: live))
            live = id
        }
        /// A deploy whose `--verify` failed: switched, marked bad, switched back.
        mutating func failedVerify(_ id: String) {
            let previous = live
            deploy(id)
            lines.append(DeploymentHistoryTests.line(id, .bad))
            if let previous { rollback(to: previous) }
        }
        var text: String { lines.map { $0 + "\n" }.joined() }

        func ledger(_ releases: [String]) throws -> ReleaseLedger {
            let fs = try DeploymentHistoryTests.fileSystem(history: text)
            return ReleaseLedger.read(DeploymentHistoryTests.root, fileSystem: fs, releases: releases)
        }

        /// Where `rollback` goes now.
        func target(_ releases: [String]) throws -> String? {
            try ledger(releases).rollbackTarget(from: live, among: releases)
        }
    }

    @Test func afterARollbackAndANewDeployRollbackSkipsTheOneRolledBackFrom() throws {
        var story = Story()
        story.deploy("A")
        story.deploy("B")
        story.rollback(to: "A")
        story.deploy("C")
        #expect(try story.target(["A", "B", "C"]) == "A")
        let ledger = try story.ledger(["A", "B", "C"])
        #expect(ledger.standing(of: "B")?.rolledBackFrom == true)
        #expect(ledger.standing(of: "A")?.rolledBackFrom == false)
    }

    @Test func rollbacksInARowNeverMoveForward() throws {
        var story = Story()
        for id in ["A", "B", "C"] { story.deploy(id) }
        var visited: [String] = []
        while let target = try story.target(["A", "B", "C"]) {
            visited.append(target)
            story.rollback(to: target)
            #expect(visited.count <= 2, "rolled back \(visited)")
            if visited.count > 2 { break }
        }
        #expect(visited == ["B", "A"])
        // From the oldest there is nothing before: never forward to B or C.
        #expect(try story.target(["A", "B", "C"]) == nil)
    }

    @Test func threeRollbacksAfterABRollbackCStopAtA() throws {
        var story = Story()
        story.deploy("A")
        story.deploy("B")
        story.rollback(to: "A")
        story.deploy("C")
        var visited: [String] = []
        for _ in 0..<3 {
            guard let target = try story.target(["A", "B", "C"]) else { break }
            visited.append(target)
            story.rollback(to: target)
        }
        #expect(visited == ["A"])
    }

    @Test func aBadReleaseIsNeverATargetAndAFailedVerifyMarksWhatItLeft() throws {
        var story = Story()
        story.deploy("A")
        story.deploy("B")
        story.failedVerify("C")
        #expect(story.live == "B")
        let ledger = try story.ledger(["A", "B", "C"])
        #expect(ledger.standing(of: "C")?.outcome == .bad)
        #expect(ledger.standing(of: "C")?.isFinished == false)
        #expect(ledger.standing(of: "B")?.rolledBackFrom == false)
        #expect(try story.target(["A", "B", "C"]) == "A")
    }

    @Test func aNamedRollbackClearsTheMarkOfWhereItGoes() throws {
        var story = Story()
        story.deploy("A")
        story.deploy("B")
        story.rollback(to: "A")
        story.rollback(to: "B")  // `rollback --to B`: B is trusted again, A is left
        let ledger = try story.ledger(["A", "B"])
        #expect(ledger.standing(of: "B")?.rolledBackFrom == false)
        #expect(ledger.standing(of: "A")?.rolledBackFrom == true)
        #expect(try story.target(["A", "B"]) == nil)
    }

    @Test func aRedeployStartsTheReleaseAfresh() throws {
        var story = Story()
        story.deploy("A")
        story.deploy("B")
        story.rollback(to: "A")
        story.deploy("B")  // `auto --release B` again
        let ledger = try story.ledger(["A", "B"])
        #expect(ledger.standing(of: "B")?.rolledBackFrom == false)
        #expect(try story.target(["A", "B"]) == "A")
    }

    @Test func preparedReleasesAreNeitherFinishedNorTargets() throws {
        var story = Story()
        story.prepare("1")
        story.prepare("2")
        #expect(try story.target(["1", "2"]) == nil)
        #expect(try story.ledger(["1", "2"]).standing(of: "1")?.outcome == .prepared)
    }

    @Test func onlyTheTailIsReadWhenTheReleasesAreRecent() throws {
        var story = Story()
        for index in 0..<50_000 { story.deploy("old-\(index)") }
        story.deploy("A")
        story.deploy("B")
        let fs = try DeploymentHistoryTests.fileSystem(history: story.text)
        let ledger = ReleaseLedger.read(DeploymentHistoryTests.root, fileSystem: fs, releases: ["A", "B"])
        #expect(ledger.rollbackTarget(from: "B", among: ["A", "B"]) == "A")
        #expect(fs.calls.filter { $0.operation == .readBytes }.count == 1)
    }

    @Test func aFolderTheHistoryNeverNamedIsReadOnlyBackToTheCarriedLines() throws {
        // After a rotation the file opens with the carried standing: a folder the history never
        // named (an upload waiting to be deployed) costs a read of this file, not of the archives.
        var story = Story()
        story.deploy("A")
        story.deploy("B")
        let before = try story.ledger(["A", "B"])
        let carried = before.carriedLines(for: ["A", "B"], archive: ".deployment-history.2026-11-30", framework: .laravel,
                                          host: "h", user: "u", now: "2026-11-30T00:00:00Z")
        let fs = try DeploymentHistoryTests.fileSystem(history: carried.map { $0 + "\n" }.joined())
        try fs.writeText(story.text, to: DeploymentHistoryTests.root.sharedPath(".deployment-history.2026-11-30"))
        let after = ReleaseLedger.read(DeploymentHistoryTests.root, fileSystem: fs, releases: ["A", "B", "uploaded"])
        #expect(after.standing(of: "A") == before.standing(of: "A"))
        #expect(after.standing(of: "B") == before.standing(of: "B"))
        #expect(after.standing(of: "uploaded") == nil)
        #expect(after.live == "B")
        #expect(!fs.calls.contains { $0.paths.contains { $0.hasSuffix("2026-11-30") } && $0.operation == .readBytes })
    }

    @Test func namesAreComparedAsBytes() throws {
        // NFC and NFD "é" are one String for Swift and two folders for the file system.
        let nfc = "caf\u{E9}"
        let nfd = "cafe\u{301}"
        var story = Story()
        story.deploy(nfc)
        story.deploy(nfd)
        let ledger = try story.ledger([nfc, nfd])
        #expect(ledger.standing(of: nfc)?.deployed != ledger.standing(of: nfd)?.deployed)
        #expect(ledger.rollbackTarget(from: nfd, among: [nfc, nfd]).map { Array($0.utf8) } == Array(nfc.utf8))
    }
}
