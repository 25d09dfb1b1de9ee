import Foundation
import PersistDeployKit
import Testing

/// Runs the generated `health-check.sh` and `emergency-recovery.sh` for real, next to the
/// native checker and recovery, on healthy and broken layouts.
@Suite struct HealthScriptTests {
    /// One way a layout gets broken, the check it must fail and the words that say why.
    enum Breakage: String, CaseIterable, CustomTestStringConvertible {
        case missingLink, danglingLink, wrongPlace, realDirectory, currentMissing, envWorldReadable, appLinkMissing

        var testDescription: String { rawValue }

        func apply(to fixture: LayoutFixture) throws {
            let fs = fixture.fileSystem
            let uploads = PathName.join(fixture.liveRelease, "public/uploads")
            switch self {
            case .missingLink:
                try fs.removeTree(at: PathName.join(fixture.liveRelease, "storage"))
            case .danglingLink:
                try fs.removeTree(at: uploads)
                try fs.createSymlink(at: uploads, target: "../../../shared/public/nowhere")
            case .wrongPlace:
                try fs.removeTree(at: uploads)
                try fs.createSymlink(at: uploads, target: "../../../shared/storage")
            case .realDirectory:
                // Someone unzipped a backup over the link: a real folder holding a copy of what
                // shared/ holds (the same bytes) and a new file.
                try fs.removeTree(at: uploads)
                try fs.createDirectory(at: PathName.join(uploads, "2026"), permissions: 0o755)
                try fs.writeText("photo\n", to: PathName.join(uploads, "photo.jpg"))
                try fs.writeText("new\n", to: PathName.join(uploads, "2026/new.jpg"))
            case .currentMissing:
                try fs.removeTree(at: fixture.root.current)
            case .envWorldReadable:
                try fs.setPermissions(at: fixture.root.sharedPath(".env"), to: 0o644)
            case .appLinkMissing:
                try fs.removeTree(at: PathName.join(fixture.liveRelease, "public/storage"))
            }
        }

        /// The failing (or warning) check: name, path, status and a word of its message.
        var expected: (name: String, path: String, status: HealthCheckResult.Status, words: String) {
            switch self {
            case .missingLink: ("link", "storage", .fail, "is missing")
            case .danglingLink: ("link", "public/uploads", .fail, "dangling link")
            case .wrongPlace: ("link", "public/uploads", .fail, "not at shared/public/uploads")
            case .realDirectory: ("link", "public/uploads", .fail, "real directory")
            case .currentMissing: ("current", "current", .fail, "is missing")
            case .envWorldReadable: ("secret-mode", ".env", .warn, "mode 644")
            case .appLinkMissing: ("app-link", "public/storage", .fail, "is missing")
            }
        }
    }

    @Test func healthyLayoutPassesEverywhere() throws {
        let fixture = try LayoutFixture()
        defer { fixture.remove() }
        let script = try runScript(fixture, "health-check.sh")
        #expect(script.status == 0, "\(script.stdout)\(script.stderr)")
        #expect(script.stdout.hasSuffix("Results: 14 passed, 0 warnings, 0 failed\n"), "\(script.stdout)")
        let native = HealthChecker(fileSystem: fixture.fileSystem).check(root: fixture.root, record: fixture.record)
        #expect(native.status == .healthy)
        #expect(summary(of: native) == summaryLines(of: script.stdout))
    }

    @Test func jsonReportFollowsTheContract() throws {
        let fixture = try LayoutFixture()
        defer { fixture.remove() }
        try Breakage.danglingLink.apply(to: fixture)
        let script = try runScript(fixture, "health-check.sh", ["--json"])
        #expect(script.status == 2)
        #expect(script.stderr.contains("Results: 13 passed, 0 warnings, 1 failed"))
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(script.stdout.utf8))
        #expect(report.status == .failed)
        #expect(report.failed == 1 && report.passed == 13)
        let native = HealthChecker(fileSystem: fixture.fileSystem).check(root: fixture.root, record: fixture.record)
        #expect(report.checks.map { [$0.name, $0.path, $0.status.rawValue] } == native.checks.map { [$0.name, $0.path, $0.status.rawValue] })
        // The messages agree too, apart from the disk figures that move between the two runs.
        #expect(report.checks.filter { $0.name != "disk" } == native.checks.filter { $0.name != "disk" })
    }

    @Test(arguments: Breakage.allCases, [false, true])
    func brokenLayoutIsReportedThenRecovered(breakage: Breakage, recoverWithScript: Bool) throws {
        let fixture = try LayoutFixture(label: breakage.rawValue)
        defer { fixture.remove() }
        let filesBefore = try fixture.userFiles()
        try breakage.apply(to: fixture)

        let script = try runScript(fixture, "health-check.sh")
        let native = HealthChecker(fileSystem: fixture.fileSystem).check(root: fixture.root, record: fixture.record)
        let expected = breakage.expected
        #expect(script.status == (expected.status == .fail ? 2 : 1), "\(script.stdout)")
        #expect(native.exitCode.rawValue == script.status)
        #expect(summary(of: native) == summaryLines(of: script.stdout), "\(script.stdout)")
        let label = expected.status == .fail ? "FAIL" : "WARN"
        let line = script.stdout.split(separator: "\n").first { $0.hasPrefix("\(label) \(expected.name) \(expected.path):") }
        #expect(line?.contains(expected.words) == true, "\(script.stdout)")

        if recoverWithScript {
            let dryRun = try runScript(fixture, "emergency-recovery.sh", ["--dry-run"])
            #expect(dryRun.stdout.contains("would "), "\(dryRun.stdout)\(dryRun.stderr)")
            #expect(try runScript(fixture, "health-check.sh").status == script.status, "a dry run changed something")
            let recovery = try runScript(fixture, "emergency-recovery.sh")
            #expect(recovery.status == 0, "\(recovery.stdout)\(recovery.stderr)")
        } else {
            let recovery = Recovery(fileSystem: fixture.fileSystem, now: Date(timeIntervalSince1970: 1_795_000_000))
            let plan = recovery.plan(root: fixture.root, record: fixture.record)
            #expect(!plan.actions.isEmpty)
            #expect(recovery.apply(plan, root: fixture.root, say: { _ in }).isEmpty)
        }

        let after = try runScript(fixture, "health-check.sh")
        #expect(after.status == 0, "\(after.stdout)")
        #expect(HealthChecker(fileSystem: fixture.fileSystem).check(root: fixture.root, record: fixture.record).status == .healthy)
        let filesAfter = try fixture.userFiles()
        #expect(Set(filesBefore).isSubset(of: Set(filesAfter)), "lost: \(Set(filesBefore).subtracting(filesAfter))")
        if breakage == .realDirectory {
            // The copy with the same bytes was dropped, the new file joined shared/.
            #expect(try fixture.fileSystem.readText(at: fixture.root.sharedPath("public/uploads/photo.jpg")) == "photo\n")
            #expect(!filesAfter.contains { $0.hasPrefix("public/uploads/photo.jpg.") }, "\(filesAfter)")
            #expect(filesAfter.contains("public/uploads/2026/new.jpg"))
        }
        if breakage == .currentMissing {
            #expect(try fixture.fileSystem.readSymlink(at: fixture.root.current) == "releases/" + LayoutFixture.live)
        }

        // Idempotent: a second run finds nothing to do.
        let again = try runScript(fixture, "emergency-recovery.sh")
        #expect(again.stdout.hasPrefix("Nothing to repair."), "\(again.stdout)")
        #expect(Recovery(fileSystem: fixture.fileSystem, now: Date()).plan(root: fixture.root, record: fixture.record).actions.isEmpty)
    }

    @Test func sharedOutsideTheRootIsFoundThroughTheWrittenFallback() throws {
        let fixture = try LayoutFixture(label: "elsewhere", sharedElsewhere: true)
        defer { fixture.remove() }
        #expect(try runScript(fixture, "health-check.sh").status == 0)
        try Breakage.wrongPlace.apply(to: fixture)
        try fixture.fileSystem.removeTree(at: fixture.root.current)
        #expect(try runScript(fixture, "health-check.sh").status == 2)
        let recovery = try runScript(fixture, "emergency-recovery.sh")
        #expect(recovery.status == 0, "\(recovery.stdout)\(recovery.stderr)")
        #expect(try fixture.fileSystem.readSymlink(at: PathName.join(fixture.liveRelease, "public/uploads"))
            == "../../../../data/shared/public/uploads")
        #expect(HealthChecker(fileSystem: fixture.fileSystem).check(root: fixture.root, record: fixture.record).status == .healthy)
    }

    @Test func hostileFolderNameExecutesNothing() throws {
        let name = "-x $(touch pwned) `touch pwned2` it's \"q\" \\ *"
        let fixture = try LayoutFixture(label: "hostile", extraUserFolder: name)
        defer { fixture.remove() }
        let folder = PathName.join(fixture.liveRelease, "public", name)
        #expect(try runScript(fixture, "health-check.sh").status == 0)
        let json = try runScript(fixture, "health-check.sh", ["--json"])
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(json.stdout.utf8))
        #expect(report.checks.contains { $0.path == "public/" + name && $0.status == .pass })

        try fixture.fileSystem.removeTree(at: folder)
        try fixture.fileSystem.createDirectory(at: folder, permissions: 0o755)
        try fixture.fileSystem.writeText("x\n", to: PathName.join(folder, "it's $(here).txt"))
        #expect(try runScript(fixture, "health-check.sh").status == 2)
        let recovery = try runScript(fixture, "emergency-recovery.sh")
        #expect(recovery.status == 0, "\(recovery.stdout)\(recovery.stderr)")
        #expect(try fixture.fileSystem.type(at: folder) == .symlink)
        #expect(try fixture.fileSystem.exists(fixture.root.sharedPath("public/\(name)/it's $(here).txt")))
        for directory in [fixture.temporary.path, fixture.root.path, fixture.root.shared, fixture.liveRelease] {
            #expect(try !fixture.fileSystem.exists(PathName.join(directory, "pwned")))
            #expect(try !fixture.fileSystem.exists(PathName.join(directory, "pwned2")))
        }
    }

    @Test func generatedScriptsPassBashAndShellcheck() throws {
        let fixture = try LayoutFixture(label: "lint", extraUserFolder: "it's $(x) `y` \"\t\nz\\")
        defer { fixture.remove() }
        let shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first { FileManager.default.isExecutableFile(atPath: $0) }
        for name in ["health-check.sh", "emergency-recovery.sh"] {
            let path = fixture.root.sharedPath(name)
            let syntax = try runProcess("/bin/bash", ["-n", path], in: fixture.temporary.path)
            #expect(syntax.status == 0, "\(name): \(syntax.stderr)")
            #expect(try fixture.fileSystem.status(at: path, followSymlink: false)?.permissions == 0o755)
            guard let shellcheck else {
                print("SKIPPED shellcheck for \(name): shellcheck is not installed (apt-get install -y shellcheck)")
                continue
            }
            let lint = try runProcess(shellcheck, ["--shell=bash", path], in: fixture.temporary.path)
            #expect(lint.status == 0, "\(name):\n\(lint.stdout)")
        }
    }

    /// `[name path status]` of each check, in order.
    private func summary(of report: HealthReport) -> [String] {
        report.checks.map { "\($0.status.rawValue) \($0.name) \($0.path)" }
    }

    /// The same from the script's lines (`PASS name path: message`).
    private func summaryLines(of output: String) -> [String] {
        output.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ", maxSplits: 2)
            guard words.count == 3, ["PASS", "WARN", "FAIL"].contains(words[0]), let colon = words[2].range(of: ": ") else { return nil }
            return "\(words[0].lowercased()) \(words[1]) \(words[2][..<colon.lowerBound])"
        }
    }
}
