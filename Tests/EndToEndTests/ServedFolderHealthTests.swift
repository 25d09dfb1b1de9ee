import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The health check and recovery of the served folder: the generated scripts and the binary
/// give the same results on real deploys in each mode, and repair what can be repaired.
@Suite struct ServedFolderHealthTests {
    enum Mode: String, CaseIterable, CustomTestStringConvertible {
        case link, syncLinks, syncRefused
        var testDescription: String { rawValue }
        var options: [String] {
            switch self {
            case .link: []
            case .syncLinks: ["--sync", "--served-links", "yes"]
            case .syncRefused: ["--sync", "--served-links", "no"]
            }
        }
    }

    /// A Laravel site deployed twice in `mode`, its served folder next to the root.
    private func deployed(_ mode: Mode, _ label: String) throws -> (DeployScenario, String) {
        let scenario = try DeployScenario("served-health-\(label)")
        try scenario.writeLaravelApp()
        let served = scenario.directory.path + "/public_html"
        let first = scenario.deploy(extra: ["--public-html", served] + mode.options)
        try #require(first.status == 0, "\(first.stderr)")
        try scenario.write("public/uploads/user.jpg", "user photo", under: scenario.root + "/current")
        let second = scenario.deploy()
        try #require(second.status == 0, "\(second.stderr)")
        return (scenario, served)
    }

    private func script(_ scenario: DeployScenario, _ name: String, _ arguments: [String] = []) throws -> ToolRunner.Outcome {
        try ToolRunner(executable: "/bin/bash").run([scenario.root + "/shared/" + name] + arguments, in: scenario.directory.path)
    }

    /// `status name path` of each check, from the script's JSON and from the binary's.
    private func bothChecks(_ scenario: DeployScenario) throws -> (script: [String], native: [String], exit: Int32, nativeExit: Int32) {
        let outcome = try script(scenario, "health-check.sh", ["--json"])
        let scripted = try JSONDecoder().decode(HealthReport.self, from: Data(outcome.stdout.utf8))
        let native = scenario.run(["health-check", "--root", scenario.root, "--json"])
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(native.stdout.utf8))
        func lines(_ report: HealthReport) -> [String] {
            report.checks.filter { $0.name != "disk" }.map { "\($0.status.rawValue) \($0.name) \($0.path): \($0.message)" }
        }
        return (lines(scripted), lines(report), outcome.exitCode, native.status)
    }

    @Test(arguments: Mode.allCases)
    func aFreshDeployIsHealthyByBothChecks(mode: Mode) throws {
        let (scenario, served) = try deployed(mode, "fresh-\(mode.rawValue)")
        let checks = try bothChecks(scenario)
        #expect(checks.exit == 0, "\(checks.script)")
        #expect(checks.script == checks.native)
        let servedLines = checks.script.filter { $0.contains(" served") }
        switch mode {
        case .link:
            #expect(servedLines == ["pass served \(served): links to current/public"])
        case .syncLinks:
            #expect(servedLines.contains("pass served-link uploads: links to shared/public/uploads"), "\(servedLines)")
            #expect(servedLines.contains("pass served-index index.php: loads the live release"))
        case .syncRefused:
            #expect(servedLines.contains("pass served-data uploads: holds the files of public/uploads"), "\(servedLines)")
            #expect(servedLines.contains("pass served-data storage: holds the files of storage/app/public"), "\(servedLines)")
        }
    }

    /// One way the served folder gets broken, in one mode: the check that says so, and whether
    /// recovery repairs it.
    struct Breakage: CustomTestStringConvertible, Sendable {
        var name: String
        var mode: Mode
        var expected: String
        var breakIt: @Sendable (_ served: String, _ root: String, _ fs: LocalFileSystem) throws -> Void
        var testDescription: String { name }
    }

    static let breakages: [Breakage] = [
        Breakage(name: "served link removed", mode: .link, expected: "fail served") { served, _, fs in
            try fs.removeTree(at: served)
        },
        Breakage(name: "served link pointing elsewhere", mode: .link, expected: "fail served") { served, root, fs in
            try fs.removeTree(at: served)
            try fs.createSymlink(at: served, target: root + "/shared")
        },
        Breakage(name: "uploads link removed", mode: .syncLinks, expected: "fail served-link uploads: is missing") { served, _, fs in
            try fs.removeTree(at: served + "/uploads")
        },
        Breakage(name: "index.php removed", mode: .syncRefused, expected: "fail served-index index.php") { served, _, fs in
            try fs.removeTree(at: served + "/index.php")
        },
        Breakage(name: "served folder removed", mode: .syncLinks, expected: "fail served") { served, _, fs in
            try fs.removeTree(at: served)
        },
        Breakage(name: "synced from an older release", mode: .syncRefused, expected: "warn served") { served, root, fs in
            try fs.writeText("2001-01-01_00-00-00\n", to: root + "/.persist-deploy/public-html/last")
            try fs.removeTree(at: served + "/css/app.css")
        },
    ]

    @Test(arguments: breakages, [false, true])
    func aBrokenServedFolderIsReportedThenRecovered(breakage: Breakage, withScript: Bool) throws {
        let (scenario, served) = try deployed(breakage.mode, "broken")
        let fs = scenario.fileSystem
        try breakage.breakIt(served, scenario.root, fs)
        let checks = try bothChecks(scenario)
        #expect(checks.script == checks.native)
        #expect(checks.exit == checks.nativeExit)
        #expect(checks.script.contains { $0.hasPrefix(breakage.expected) }, "\(checks.script)")
        if withScript {
            let recovery = try script(scenario, "emergency-recovery.sh")
            #expect(recovery.exitCode == 0, "\(recovery)")
        } else {
            let recovery = scenario.run(["recover", "--root", scenario.root])
            #expect(recovery.status == 0, "\(recovery.stdout)\(recovery.stderr)")
        }
        let after = try bothChecks(scenario)
        #expect(after.exit == 0, "\(after.script)")
        #expect(after.script == after.native)
        #expect(scenario.read(served + "/uploads/user.jpg") == "user photo")
        #expect(scenario.read(served + "/css/app.css") == "body{}\n")
        let again = try script(scenario, "emergency-recovery.sh")
        #expect(again.stdout.hasPrefix("Nothing to repair."), "\(again.stdout)")
    }

    @Test func missingServedDataIsAFailureAndRecoveryNamesTheLoss() throws {
        let (scenario, served) = try deployed(.syncRefused, "data-gone")
        try scenario.fileSystem.rename(served + "/uploads", to: scenario.directory.path + "/moved-away", replacing: false)
        let checks = try bothChecks(scenario)
        #expect(checks.script == checks.native)
        #expect(checks.script.contains("fail served-data uploads: is missing; it held the files of public/uploads"), "\(checks.script)")
        // Lost data is never replaced with an empty folder: both say so, in the same words.
        let recovery = try script(scenario, "emergency-recovery.sh")
        #expect(recovery.exitCode == 1, "\(recovery)")
        let native = scenario.run(["recover", "--root", scenario.root])
        #expect(native.status == 1)
        let words = "it held the files of public/uploads (the served folder keeps them), and recovery does not replace lost data"
        #expect(recovery.stderr.contains(words) && native.stderr.contains(words), "\(recovery)\n\(native.stderr)")
        let restoreCommand = "persist-deploy restore --root \(Shell.quote(scenario.root)) --path 'public/uploads'"
        #expect(recovery.stderr.contains(restoreCommand) && native.stderr.contains(restoreCommand))
        #expect(try !scenario.fileSystem.exists(served + "/uploads"), "nothing was created in its place")
    }

    @Test func aHostIndexHTMLIsAWarning() throws {
        let (scenario, served) = try deployed(.syncLinks, "index-html")
        try scenario.write("index.html", "placeholder", under: served)
        let checks = try bothChecks(scenario)
        #expect(checks.exit == 1)
        #expect(checks.script == checks.native)
        #expect(checks.script.contains { $0.hasPrefix("warn served-index index.html") })
    }
}
