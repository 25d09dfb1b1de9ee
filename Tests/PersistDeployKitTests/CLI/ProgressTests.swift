import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The progress line: its wording, its throttling, and that it appears only on a terminal
/// without `--json` or `--quiet`.
@Suite struct ProgressTests {
    /// A clock the test moves by hand; `tick` (when set) advances it on every read.
    final class FakeClock: @unchecked Sendable {
        private let lock = NSLock()
        private var seconds = 1000.0
        var tick = 0.0

        var now: Double {
            lock.withLock {
                seconds += tick
                return seconds
            }
        }

        func advance(_ by: Double) { lock.withLock { seconds += by } }
        var read: @Sendable () -> Double { { self.now } }
    }

    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var out = ""
        private(set) var err = ""
        private(set) var lines: [String] = []
        func append(out text: String) { lock.withLock { out += text } }
        func append(err text: String) { lock.withLock { err += text } }
        func draw(_ line: String) { lock.withLock { lines.append(line) } }
    }

    static let erase = "\r\u{1B}[K"

    @Test func theLineNamesFilesBytesAndRate() {
        #expect(ProgressMeter.line(verb: "copying", label: "releases/ID", files: 12_340, bytes: 84_100_000, seconds: 12_340 / 3_210)
            == "copying releases/ID: 12,340 files, 84.1 MB, 3,210 files/s")
        #expect(ProgressMeter.line(verb: "removing", label: "releases/.removing-ID", files: 1, bytes: 0, seconds: 0.5)
            == "removing releases/.removing-ID: 1 file, 2 files/s")
    }

    @Test func numbersAreGroupedByThousands() {
        #expect(ProgressMeter.grouped(0) == "0")
        #expect(ProgressMeter.grouped(999) == "999")
        #expect(ProgressMeter.grouped(1_000) == "1,000")
        #expect(ProgressMeter.grouped(1_234_567) == "1,234,567")
        #expect(ProgressMeter.grouped(-12_345) == "-12,345")
    }

    @Test func labelsKeepTheLastTwoComponents() {
        #expect(ProgressMeter.shortLabel("/srv/app/releases/2026-11-22_14-30-00") == "releases/2026-11-22_14-30-00")
        #expect(ProgressMeter.shortLabel("/srv/app/shared/") == "app/shared")
        #expect(ProgressMeter.shortLabel("/top") == "/top")
    }

    @Test func nothingIsDrawnForWorkUnderHalfASecond() {
        let clock = FakeClock()
        let output = Output()
        let meter = ProgressMeter(verb: "copying", label: "x", clock: clock.read, draw: output.draw)
        for _ in 0..<49 {
            clock.advance(0.01)
            meter.add(files: 1, bytes: 100)
        }
        #expect(output.lines.isEmpty)
    }

    @Test func atMostTenLinesASecondAfterTheFirstHalfSecond() {
        let clock = FakeClock()
        let output = Output()
        let meter = ProgressMeter(verb: "copying", label: "releases/ID", clock: clock.read, draw: output.draw)
        // 2,048 files over 2 s, one every 1/1024 s (exact in binary, so the test is too).
        for _ in 0..<2_048 {
            clock.advance(1.0 / 1024)
            meter.add(files: 1, bytes: 1_000)
        }
        // A line at 0.5 s, then one each 0.1 s at most.
        #expect(output.lines.first == "copying releases/ID: 512 files, 512.0 KB, 1,024 files/s")
        #expect((14...16).contains(output.lines.count), "\(output.lines)")
    }

    @Test func aRelabelledMeterShowsTheNewLabel() {
        let clock = FakeClock()
        let output = Output()
        let meter = ProgressMeter(verb: "counting", label: "shared/", clock: clock.read, draw: output.draw)
        meter.relabel("shared/storage")
        clock.advance(1)
        meter.add(files: 3)
        #expect(output.lines == ["counting shared/storage: 3 files, 3 files/s"])
    }

    static func console(json: Bool = false, quiet: Bool = false, isTerminal: Bool, clock: FakeClock, output: Output) -> Console {
        Console(json: json, quiet: quiet, isTerminal: isTerminal, clock: clock.read,
                stdout: output.append(out:), stderr: output.append(err:))
    }

    @Test(arguments: [(false, false, false), (true, true, false), (true, false, true)])
    func noMeterWithoutATerminalOrWithJSONOrQuiet(json: Bool, isTerminal: Bool, quiet: Bool) {
        let clock = FakeClock()
        let output = Output()
        let console = Self.console(json: json, quiet: quiet, isTerminal: isTerminal, clock: clock, output: output)
        #expect(console.meter(verb: "copying", label: "x") == nil)
        console.progress("anything")
        console.endProgress()
        #expect(output.err.isEmpty)
        #expect(output.out.isEmpty)
    }

    @Test func otherOutputClearsTheLineFirst() throws {
        let clock = FakeClock()
        let output = Output()
        let console = Self.console(isTerminal: true, clock: clock, output: output)
        let meter = try #require(console.meter(verb: "copying", label: "releases/ID"))
        clock.advance(1)
        meter.add(files: 10, bytes: 10)
        console.warn("careful")
        #expect(output.err == Self.erase + "copying releases/ID: 10 files, 10 B, 10 files/s" + Self.erase + "warning: careful\n")
        // Nothing left to clear: no stray escape.
        console.endProgress()
        #expect(output.err.hasSuffix("careful\n"))
    }

    @Test func smallOperationsInARowShareOneMeter() {
        let clock = FakeClock()
        let output = Output()
        let console = Self.console(isTerminal: true, clock: clock, output: output)
        let first = console.meter(verb: "copying", label: "a")
        first?.add(files: 1)
        clock.advance(0.1)
        let second = console.meter(verb: "copying", label: "b")
        #expect(first === second)
        let removing = console.meter(verb: "removing", label: "c")
        #expect(removing !== first)
        clock.advance(1)
        #expect(console.meter(verb: "removing", label: "d") !== removing)
    }

    /// A copy and a removal on the real disk draw lines on a terminal and nothing otherwise.
    @Test(arguments: [true, false])
    func copiesAndRemovalsReportThroughTheConsole(isTerminal: Bool) throws {
        let directory = try TemporaryDirectory("progress")
        defer { directory.remove() }
        let source = directory.path + "/source"
        var fileSystem = LocalFileSystem()
        for index in 0..<30 {
            try fileSystem.createDirectory(at: source + "/d\(index % 3)", permissions: 0o755)
            try fileSystem.writeText("file \(index)", to: source + "/d\(index % 3)/f\(index)")
        }
        try fileSystem.createDirectory(at: directory.path + "/releases", permissions: 0o755)
        let clock = FakeClock()
        clock.tick = 0.05
        let output = Output()
        fileSystem.progress = Self.console(isTerminal: isTerminal, clock: clock, output: output)
        try fileSystem.copyTree(from: source, to: directory.path + "/releases/copy")
        try fileSystem.removeTree(at: directory.path + "/releases/copy")
        #expect(output.out.isEmpty)
        if isTerminal {
            #expect(output.err.contains(Self.erase + "copying releases/copy: "), "\(output.err)")
            #expect(output.err.contains(Self.erase + "removing releases/copy: "), "\(output.err)")
            #expect(output.err.contains(" files, "), "\(output.err)")
        } else {
            #expect(output.err.isEmpty)
        }
    }

    /// Through the whole tool: with --json (or without a terminal) no progress byte reaches
    /// either stream, and stdout holds only the JSON object.
    @Test(arguments: [(true, ["--json"]), (false, [])])
    func aDeployWritesNoProgressBytes(isTerminal: Bool, extra: [String]) throws {
        let directory = try TemporaryDirectory("progress-deploy")
        defer { directory.remove() }
        let fileSystem = LocalFileSystem()
        let app = directory.path + "/app"
        try fileSystem.createDirectory(at: app + "/public/uploads", permissions: 0o755)
        try fileSystem.writeText("<?php\n", to: app + "/public/index.php")
        for index in 0..<200 {
            try fileSystem.writeText("demo \(index)", to: app + "/public/uploads/\(index).jpg")
        }
        let context = Context(fileSystem: fileSystem, environment: [:], workingDirectory: directory.path)
        let output = Output()
        let status = CommandLineTool.run(
            arguments: ["auto", "--root", directory.path + "/root", "--from", app, "--verbose", "--no-color"] + extra, context: context,
            isTerminal: isTerminal, stdout: output.append(out:), stderr: output.append(err:))
        #expect(status == 0, "\(output.err)")
        #expect(!output.out.contains("\r") && !output.err.contains("\r"))
        #expect(!output.out.contains("\u{1B}") && !output.err.contains("\u{1B}"))
        if extra.contains("--json") {
            #expect(output.out.hasPrefix("{") && output.out.hasSuffix("}\n"))
        }
    }
}
