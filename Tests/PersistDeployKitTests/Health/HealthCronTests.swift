import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The health check as cron and monitoring run it: `--quiet` prints nothing when healthy and
/// every problem otherwise, a failure ends with the next step, the script keeps the report that
/// `status` shows, and `sh health-check.sh` still runs the bash script. The native check and
/// `health-check.sh` must print the same lines.
@Suite struct HealthCronTests {
    /// The native check through the command line, in process.
    func native(_ arguments: [String], fixture: LayoutFixture, now: Date = Date(timeIntervalSince1970: 1_795_000_000)) -> ProcessResult {
        final class Output: @unchecked Sendable {
            var text = ""
        }
        let out = Output()
        let err = Output()
        let context = Context(fileSystem: LocalFileSystem(), environment: [:], workingDirectory: fixture.temporary.path, now: { now })
        let status = CommandLineTool.run(
            arguments: arguments + ["--root", fixture.root.path], context: context,
            stdout: { out.text += $0 }, stderr: { err.text += $0 })
        return ProcessResult(status: status, stdout: out.text, stderr: err.text)
    }

    @Test func quietPrintsNothingWhenHealthy() throws {
        let fixture = try LayoutFixture(label: "quiet-healthy")
        defer { fixture.remove() }
        let script = try runScript(fixture, "health-check.sh", ["--quiet"])
        #expect(script.status == 0 && script.stdout.isEmpty && script.stderr.isEmpty, "\(script.stdout)\(script.stderr)")
        let tool = native(["health-check", "--quiet"], fixture: fixture)
        #expect(tool.status == 0 && tool.stdout.isEmpty && tool.stderr.isEmpty, "\(tool.stdout)\(tool.stderr)")
    }

    /// Whatever fails is printed, with the root it is about and what to do; the script and the
    /// tool print the very same lines (the passing disk check, whose figures move, is not among them).
    @Test(arguments: [HealthScriptTests.Breakage.missingLink, .currentMissing, .envWorldReadable, .realDirectory])
    func quietPrintsTheProblemsAndTheNextStep(breakage: HealthScriptTests.Breakage) throws {
        let fixture = try LayoutFixture(label: "quiet-\(breakage.rawValue)")
        defer { fixture.remove() }
        try breakage.apply(to: fixture)
        let script = try runScript(fixture, "health-check.sh", ["--quiet"])
        let tool = native(["health-check", "--quiet"], fixture: fixture)
        let failed = breakage.expected.status == .fail
        #expect(script.status == (failed ? 2 : 1))
        #expect(tool.status == script.status)
        #expect(tool.stdout == script.stdout, "\n--- native\n\(tool.stdout)--- script\n\(script.stdout)")
        let lines = script.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Health of \(fixture.root.path) (laravel, web root public)")
        #expect(!lines.contains { $0.hasPrefix("PASS ") }, "\(script.stdout)")
        #expect(lines.contains { $0.hasPrefix("\(failed ? "FAIL" : "WARN") \(breakage.expected.name) \(breakage.expected.path):") })
        #expect(lines.contains { $0.hasPrefix("Results: ") })
        #expect(lines.contains { $0.hasPrefix("Next: persist-deploy recover --root ") } == failed, "\(script.stdout)")
        #expect(script.stdout.contains("bash '\(fixture.root.sharedPath("emergency-recovery.sh"))'") == failed)
    }

    /// Without --quiet the next step ends the full report too.
    @Test func aFailedCheckEndsWithTheNextStep() throws {
        let fixture = try LayoutFixture(label: "next-step")
        defer { fixture.remove() }
        try HealthScriptTests.Breakage.danglingLink.apply(to: fixture)
        let script = try runScript(fixture, "health-check.sh")
        let tool = native(["health-check"], fixture: fixture)
        for output in [script.stdout, tool.stdout] {
            let last = output.split(separator: "\n").last.map(String.init) ?? ""
            #expect(last.hasPrefix("Next: persist-deploy recover --root '\(fixture.root.path)'"), "\(output)")
        }
    }

    /// Data gone from shared/ (a disk not mounted, a folder deleted): the check says to restore
    /// it from a backup, and recovery refuses to paper over it with an empty folder.
    @Test(arguments: [false, true])
    func missingDataPointsToTheBackupsAndIsNotRecreatedEmpty(withScript: Bool) throws {
        let fixture = try LayoutFixture(label: "missing-data")
        defer { fixture.remove() }
        let uploads = fixture.root.sharedPath("public/uploads")
        let elsewhere = PathName.join(fixture.temporary.path, "uploads on another disk")
        try fixture.fileSystem.rename(uploads, to: elsewhere, replacing: false)

        let script = try runScript(fixture, "health-check.sh", ["--quiet"])
        let tool = native(["health-check", "--quiet"], fixture: fixture)
        #expect(tool.stdout == script.stdout, "\n--- native\n\(tool.stdout)--- script\n\(script.stdout)")
        #expect(script.stdout.contains(
            "Data missing from shared/public/uploads: put it back from a backup with persist-deploy restore --root "
                + "'\(fixture.root.path)' --path 'public/uploads' (backups are in '\(fixture.root.backups)')."), "\(script.stdout)")

        let recovery = withScript
            ? try runScript(fixture, "emergency-recovery.sh")
            : native(["recover"], fixture: fixture)
        #expect(recovery.status == 1, "\(recovery.stdout)\(recovery.stderr)")
        #expect(try !fixture.fileSystem.exists(uploads), "recovery made an empty folder in place of the data")
        let expected = Recovery.missingData(
            try #require(LayoutExpectations(record: fixture.record, root: fixture.root).persistent.first { $0.path == "public/uploads" }),
            root: fixture.root)
        #expect(recovery.stderr.contains("cannot fix: " + expected), "\(recovery.stderr)")

        // Put back, the site is whole again.
        try fixture.fileSystem.rename(elsewhere, to: uploads, replacing: false)
        #expect(try runScript(fixture, "health-check.sh").status == 0)
    }

    /// A link that works but is absolute breaks when the root moves: both checks warn, and
    /// either recovery rewrites it relative.
    @Test(arguments: [false, true])
    func absoluteLinksAreFlaggedAndMadeRelative(withScript: Bool) throws {
        let fixture = try LayoutFixture(label: "absolute")
        defer { fixture.remove() }
        let link = PathName.join(fixture.liveRelease, "public/uploads")
        let appLink = PathName.join(fixture.liveRelease, "public/storage")
        try fixture.fileSystem.removeTree(at: link)
        try fixture.fileSystem.createSymlink(at: link, target: fixture.root.sharedPath("public/uploads"))
        try fixture.fileSystem.removeTree(at: appLink)
        try fixture.fileSystem.createSymlink(at: appLink, target: PathName.join(fixture.liveRelease, "storage/app/public"))

        let script = try runScript(fixture, "health-check.sh", ["--quiet"])
        let tool = native(["health-check", "--quiet"], fixture: fixture)
        #expect(script.status == 1, "\(script.stdout)")
        #expect(tool.stdout == script.stdout, "\n--- native\n\(tool.stdout)--- script\n\(script.stdout)")
        #expect(script.stdout.contains("WARN link public/uploads: is an absolute link to \(fixture.root.sharedPath("public/uploads"))"))
        #expect(script.stdout.contains("WARN app-link public/storage: is an absolute link to "))

        let recovery = withScript ? try runScript(fixture, "emergency-recovery.sh") : native(["recover"], fixture: fixture)
        #expect(recovery.status == 0, "\(recovery.stdout)\(recovery.stderr)")
        #expect(try fixture.fileSystem.readSymlink(at: link) == "../../../shared/public/uploads")
        #expect(try fixture.fileSystem.readSymlink(at: appLink) == "../storage/app/public")
        #expect(try runScript(fixture, "health-check.sh").status == 0)
    }

    /// The threshold is a share of the disk: a small disk mostly free passes, a big one nearly
    /// full warns, whatever the megabytes.
    @Test func theDiskThresholdIsAShare() throws {
        let fixture = try LayoutFixture(label: "disk")
        defer { fixture.remove() }
        func disk(totalKB: UInt64, freeKB: UInt64) -> HealthCheckResult? {
            let probe = HostProbe(diskSpace: { _ in (totalKB, freeKB) }, isWritable: { _ in true })
            return HealthChecker(fileSystem: fixture.fileSystem, probe: probe).check(root: fixture.root, record: fixture.record)
                .checks.first { $0.name == "disk" }
        }
        #expect(disk(totalKB: 200 * 1024, freeKB: 120 * 1024)?.status == .pass, "120 MB of 200 MB free")
        let full = disk(totalKB: 2_000_000_000, freeKB: 60_000_000)
        #expect(full?.status == .warn, "60 GB of 2 TB free is 3 %")
        #expect(full?.message.contains("(3%, under 5%)") == true, "\(full?.message ?? "")")
    }

    /// The script keeps its report where the tool keeps its own, and `status` shows when the
    /// last check ran, whichever ran it.
    @Test func statusShowsTheLastCheckFromTheScriptOrTheTool() throws {
        let fixture = try LayoutFixture(label: "last-check")
        defer { fixture.remove() }
        // The script writes only into a deploy root, which has the tool's folder.
        try fixture.fileSystem.removeTree(at: fixture.root.state)
        _ = try runScript(fixture, "health-check.sh", ["--quiet"])
        #expect(try !fixture.fileSystem.exists(fixture.root.state))
        try fixture.fileSystem.createDirectory(at: fixture.root.state, permissions: 0o755)

        try HealthScriptTests.Breakage.missingLink.apply(to: fixture)
        #expect(try runScript(fixture, "health-check.sh", ["--quiet"]).status == 2)
        let kept = try JSONDecoder().decode(HealthReport.self, from: Data(try fixture.fileSystem.readFile(at: fixture.root.lastHealthCheck)))
        #expect(kept.status == .failed)
        let checked = try #require(kept.checked)
        let when = try #require(Timestamp.date(iso8601: checked))
        #expect(abs(when.timeIntervalSinceNow) < 600, "\(checked)")
        let status = native(["status"], fixture: fixture, now: when.addingTimeInterval(180))
        #expect(status.stdout.contains("Last health check: failed at \(checked) (3 min ago)"), "\(status.stdout)")

        let now = Date(timeIntervalSince1970: 1_795_000_000)
        _ = native(["health-check"], fixture: fixture, now: now)
        let json = native(["status", "--json"], fixture: fixture, now: now)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(fields["health"] as? String == "failed")
        #expect(fields["healthChecked"] as? String == Timestamp.iso8601(now))
    }

    /// `sh health-check.sh` (dash on Debian) runs it again under bash; with no bash on PATH it
    /// says how to run it instead of failing on the first array.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/sh"), "no /bin/sh"))
    func runWithShItStartsAgainUnderBash() throws {
        let fixture = try LayoutFixture(label: "sh")
        defer { fixture.remove() }
        try HealthScriptTests.Breakage.missingLink.apply(to: fixture)
        let underBash = try runScript(fixture, "health-check.sh", ["--quiet"])
        for name in ["health-check.sh", "emergency-recovery.sh"] {
            let noBash = try runProcess("/usr/bin/env", ["PATH=/nonexistent", "/bin/sh", fixture.root.sharedPath(name)], in: fixture.temporary.path)
            #expect(noBash.status == 64, "\(name): \(noBash.stdout)\(noBash.stderr)")
            #expect(noBash.stderr.contains("needs bash"), "\(name): \(noBash.stderr)")
        }
        let underSh = try runProcess("/bin/sh", [fixture.root.sharedPath("health-check.sh"), "--quiet"], in: fixture.temporary.path)
        #expect(underSh.status == 2, "\(underSh.stdout)\(underSh.stderr)")
        #expect(underSh.stdout == underBash.stdout)
        let recovered = try runProcess("/bin/sh", [fixture.root.sharedPath("emergency-recovery.sh")], in: fixture.temporary.path)
        #expect(recovered.status == 0, "\(recovered.stdout)\(recovered.stderr)")
    }

    /// The crontab line of the guides, run the way cron runs it: `sh -c`, a bare environment,
    /// the home folder as working directory. Silent when healthy, the problems when not.
    @Test func theGuidesCrontabLineWorksAsCronRunsIt() throws {
        let fixture = try LayoutFixture(label: "cron it's")
        defer { fixture.remove() }
        for guide in ["DEPLOYMENT-SUMMARY.md", "MANUAL-SETUP-GUIDE.md"] {
            let text = try fixture.fileSystem.readText(at: fixture.root.sharedPath(guide))
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("*/5 * * * * ") }, "no crontab line in \(guide)")
            #expect(line.hasSuffix("/bin/bash \(Shell.quote(fixture.root.sharedPath("health-check.sh"))) --quiet"))
        }
        let text = try fixture.fileSystem.readText(at: fixture.root.sharedPath("DEPLOYMENT-SUMMARY.md"))
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("*/5 * * * * ") })
        let command = String(line.dropFirst("*/5 * * * * ".count))
        let cron = ["env", "-i", "PATH=/usr/bin:/bin", "HOME=/", "SHELL=/bin/sh", "/bin/sh", "-c", command]
        let healthy = try runProcess("/usr/bin/env", Array(cron.dropFirst()), in: "/")
        #expect(healthy.status == 0 && healthy.stdout.isEmpty && healthy.stderr.isEmpty, "\(healthy.stdout)\(healthy.stderr)")
        try HealthScriptTests.Breakage.danglingLink.apply(to: fixture)
        let broken = try runProcess("/usr/bin/env", Array(cron.dropFirst()), in: "/")
        #expect(broken.status == 2)
        #expect(broken.stdout.contains("FAIL link public/uploads"), "\(broken.stdout)")
    }
}
