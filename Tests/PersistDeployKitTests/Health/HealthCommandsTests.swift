import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// `health-check`, `recover` and `generate` through the command-line entry point.
@Suite struct HealthCommandsTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run(_ arguments: [String], in directory: String) -> Run {
        let out = Output()
        let err = Output()
        let context = Context(
            fileSystem: LocalFileSystem(), environment: [:], workingDirectory: directory,
            now: { Date(timeIntervalSince1970: 1_795_000_000) })
        let status = CommandLineTool.run(arguments: arguments, context: context, stdout: out.append, stderr: err.append)
        return Run(status: status, stdout: out.text, stderr: err.text)
    }

    final class Output: @unchecked Sendable {
        var text = ""
        func append(_ line: String) { text += line }
    }

    @Test func healthCheckPrintsLinesAndKeepsTheReport() throws {
        let fixture = try LayoutFixture(label: "cmd-health")
        defer { fixture.remove() }
        let result = run(["health-check", "--root", fixture.root.path], in: fixture.temporary.path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasSuffix("Results: 14 passed, 0 warnings, 0 failed\n"))
        let kept = try fixture.fileSystem.readText(at: fixture.root.lastHealthCheck)
        #expect(try JSONDecoder().decode(HealthReport.self, from: Data(kept.utf8)).status == .healthy)
    }

    @Test func healthCheckJSONIsAloneOnStdout() throws {
        let fixture = try LayoutFixture(label: "cmd-json")
        defer { fixture.remove() }
        try fixture.fileSystem.removeTree(at: PathName.join(fixture.liveRelease, "storage"))
        let result = run(["health-check", "--json", "--root", fixture.root.path], in: fixture.temporary.path)
        #expect(result.status == 2)
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(result.stdout.utf8))
        // public/storage links through storage/, so it fails with it.
        #expect(report.checks.filter { $0.status == .fail }.map(\.path) == ["storage", "public/storage"])
        #expect(result.stderr.contains("FAIL link storage: is missing"))
    }

    @Test func recoverDryRunChangesNothingThenRecoverRepairs() throws {
        let fixture = try LayoutFixture(label: "cmd-recover")
        defer { fixture.remove() }
        try fixture.fileSystem.removeTree(at: fixture.root.current)
        let dryRun = run(["recover", "--dry-run", "--root", fixture.root.path], in: fixture.temporary.path)
        #expect(dryRun.status == 0)
        #expect(dryRun.stdout.contains("would point current at releases/\(LayoutFixture.live)"))
        #expect(try !fixture.fileSystem.exists(fixture.root.current))
        let recover = run(["recover", "--root", fixture.root.path], in: fixture.temporary.path)
        #expect(recover.status == 0, "\(recover.stdout)\(recover.stderr)")
        #expect(recover.stdout.contains("Results: 14 passed, 0 warnings, 0 failed"))
        #expect(try fixture.fileSystem.readSymlink(at: fixture.root.current) == "releases/\(LayoutFixture.live)")
    }

    @Test func generateNeedsARecordAndSaysSo() throws {
        let temporary = try TemporaryDirectory("cmd-generate")
        defer { temporary.remove() }
        let notARoot = run(["generate", "--root", temporary.path], in: temporary.path)
        #expect(notARoot.status == 1 && notARoot.stderr.contains("is not a deploy root"), "\(notARoot.stderr)")
        #expect(try LocalFileSystem().listDirectory(at: temporary.path).isEmpty, "nothing written where no root is")
        try LocalFileSystem().createDirectory(at: temporary.path + "/releases", permissions: 0o755)
        let result = run(["generate", "--root", temporary.path], in: temporary.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("Deploy first"))
    }

    @Test func generateWritesTheFiveFiles() throws {
        let fixture = try LayoutFixture(label: "cmd-generate-ok")
        defer { fixture.remove() }
        for name in ["health-check.sh", "DEPLOYMENT-SUMMARY.md"] {
            try fixture.fileSystem.removeTree(at: fixture.root.sharedPath(name))
        }
        let served = PathName.join(fixture.temporary.path, "public_html")
        let result = run(["generate", "--root", fixture.root.path, "--public-html", served], in: fixture.temporary.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 5)
        #expect(try fixture.fileSystem.readText(at: fixture.root.sharedPath("SHARED-HOSTING-SETUP.md")).contains(served))
        #expect(try fixture.fileSystem.status(at: fixture.root.sharedPath("health-check.sh"), followSymlink: false)?.permissions == 0o755)
        #expect(try fixture.fileSystem.readText(at: fixture.root.sharedPath("DEPLOYMENT-SUMMARY.md")).contains(LayoutFixture.live))
    }
}
