import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Appending and reading `shared/.deployment-history`: one append writes one line and rewrites
/// nothing, a torn line never glues onto the next, readers read from the end and stop.
@Suite struct DeploymentHistoryTests {
    static let root = DeployRoot(path: "/srv/app")

    /// A history line, written (by default) before any folder of an in-memory tree was made.
    static func line(_ release: String, _ outcome: HistoryRecord.Outcome = .activated, from: String? = nil) -> String {
        Text.json(HistoryLineTests.record(release, outcome, from: from, time: "2020-01-01T00:00:00Z"))
    }

    static func fileSystem(history: String? = nil) throws -> FaultyFileSystem {
        let memory = try InMemoryFileSystem(directories: [root.shared])
        if let history { try memory.writeText(history, to: root.historyFile) }
        return FaultyFileSystem(wrapping: memory)
    }

    @Test func anAppendWritesOneLineAndRewritesNothing() throws {
        let fs = try Self.fileSystem()
        for index in 1...3 { try DeploymentHistory.append(Self.line("r\(index)"), to: Self.root, fileSystem: fs) }
        // Each append is one appendFile call; the file is never read or written whole.
        #expect(fs.calls.filter { $0.operation == .appendFile }.count == 3)
        #expect(!fs.calls.contains { $0.operation == .writeFile || $0.operation == .rename || $0.operation == .readFile })
        #expect(try fs.readText(at: Self.root.historyFile) == [1, 2, 3].map { Self.line("r\($0)") + "\n" }.joined())
        #expect(try fs.status(at: Self.root.historyFile, followSymlink: false)?.permissions == 0o644)
    }

    @Test func aTornLastLineIsSkippedAndNeverGluedOntoTheNext() throws {
        let torn = String(Self.line("r2").prefix(40))
        let fs = try Self.fileSystem(history: Self.line("r1") + "\n" + torn)
        #expect(DeploymentHistory.last(Self.root, fileSystem: fs)?.release == "r1")
        try DeploymentHistory.append(Self.line("r3"), to: Self.root, fileSystem: fs)
        let lines = try fs.readText(at: Self.root.historyFile).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines == [Substring(Self.line("r1")), Substring(torn), Substring(Self.line("r3")), ""])
        #expect(DeploymentHistory.recent(Self.root, fileSystem: fs, limit: 10).map(\.release) == ["r1", "r3"])
    }

    @Test func recentReadsAcrossChunksAndRotatedFilesNewestLast() throws {
        // Long enough that lines straddle the 64 KiB chunks the reader reads from the end.
        let fs = try Self.fileSystem()
        let older = (0..<400).map { Self.line("old-\($0)") + "\n" }.joined()
        try fs.writeText(older, to: Self.root.sharedPath(".deployment-history.2026-11-01"))
        try fs.writeText(Self.line("older-day") + "\n", to: Self.root.sharedPath(".deployment-history.2026-10-31"))
        var carried = HistoryLineTests.record("new-0", .activated)
        carried.checkpoint = .init(archive: ".deployment-history.2026-11-01", deployed: 1, lastLive: 1, rolledBackFrom: false)
        let newer = Text.json(carried) + "\n" + (0..<500).map { Self.line("new-\($0)") + "\n" }.joined()
        try fs.writeText(newer, to: Self.root.historyFile)
        let all = DeploymentHistory.recent(Self.root, fileSystem: fs, limit: .max).map(\.release)
        #expect(all == ["older-day"] + (0..<400).map { "old-\($0)" } + (0..<500).map { "new-\($0)" })
        #expect(DeploymentHistory.recent(Self.root, fileSystem: fs, limit: 3).map(\.release) == ["new-497", "new-498", "new-499"])
        #expect(DeploymentHistory.recent(Self.root, fileSystem: fs, limit: 502).map(\.release).prefix(2) == ["old-398", "old-399"])
    }

    @Test func theLastRecordCostsOneReadWhateverTheLength() throws {
        let fs = try Self.fileSystem(history: (0..<50_000).map { Self.line("r\($0)") + "\n" }.joined())
        #expect(DeploymentHistory.last(Self.root, fileSystem: fs)?.release == "r49999")
        #expect(fs.calls.filter { $0.operation == .readBytes }.count == 1)
        #expect(!fs.calls.contains { $0.operation == .readFile || $0.operation == .listDirectory })
    }

    @Test func noHistoryReadsAsEmpty() throws {
        let fs = try Self.fileSystem()
        #expect(DeploymentHistory.last(Self.root, fileSystem: fs) == nil)
        #expect(DeploymentHistory.recent(Self.root, fileSystem: fs, limit: 5).isEmpty)
        let garbage = try Self.fileSystem(history: "{not json\n\u{0}\u{1}\n\n")
        #expect(DeploymentHistory.recent(Self.root, fileSystem: garbage, limit: 5).isEmpty)
    }

    @Test func archivesSortByDateThenNumberAndANewNameNeverSortsFirst() throws {
        let fs = try Self.fileSystem()
        for name in [".deployment-history.2026-11-30", ".deployment-history.2026-11-30-2", ".deployment-history.2026-11-30-10",
                     ".deployment-history.2026-01-02", ".deployment-history.rotating", ".deployment-history.2026-11-30-02",
                     ".deployment-history.bak"] {
            try fs.writeText("", to: Self.root.sharedPath(name))
        }
        let files = HistoryFiles(fileSystem: fs, root: Self.root)
        #expect(files.archives() == [".deployment-history.2026-11-30-10", ".deployment-history.2026-11-30-2",
                                     ".deployment-history.2026-11-30", ".deployment-history.2026-01-02"])
        #expect(files.nextArchiveName(day: "2026-12-01") == ".deployment-history.2026-12-01")
        #expect(files.nextArchiveName(day: "2026-11-30") == ".deployment-history.2026-11-30-11")
        // A clock set back: the new file still sorts after the newest.
        #expect(files.nextArchiveName(day: "2025-01-01") == ".deployment-history.2026-11-30-11")
    }
}
