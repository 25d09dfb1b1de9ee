import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// What interrupted commands leave: the next deploy removes what it can prove is its own, and
/// `health-check` and `health-check.sh` report the same list.
@Suite struct LeftoverTests {
    /// A process id no process has now.
    static func deadPID() -> Int32 {
        var pid: Int32 = 4_000_000
        while access("/proc/\(pid)", F_OK) == 0 { pid -= 1 }
        return pid
    }

    @Test func theNextDeployRemovesThemAndBothHealthChecksReportThem() throws {
        let proof = try ProofRoot("leftovers")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        #expect(try proof.deploy().exitCode == 0)
        let live = try #require(proof.liveRelease)
        let dead = Self.deadPID()
        let alive = getpid()
        let fs = proof.fileSystem
        let root = proof.root
        try fs.createSymlink(at: "\(root)/.current.tmp-\(dead)", target: "releases/\(live)")
        try fs.createSymlink(at: "\(root)/.current.tmp-\(alive)", target: "releases/\(live)")
        try proof.write(".persist-deploy-\(dead)-7.tmp", "half a record", under: root + "/shared")
        try proof.write(".uploads.seeding/photo.jpg", "a copy of a photo", under: root + "/shared/public")
        try proof.write(".notes.seeding", "the app's own file", under: root + "/shared/public")
        try fs.createSymlink(at: "\(root)/releases/\(live)/public/.uploads.link-tmp", target: "../../../shared/public/uploads")
        try fs.createSymlink(at: "\(root)/releases/\(live)/.persist-deploy-link.\(dead)", target: "../../shared/.env")
        try proof.write("half.txt", "x", under: root + "/releases/.staging-2026-01-01_00-00-00")
        try proof.write(".persist-deploy-\(dead)-1.tmp", "{", under: root + "/.persist-deploy")
        try fs.createSymlink(at: "\(root)/releases/2026-01-01_00-00-01", target: "releases/2026-01-01_00-00-01")
        let expected = [
            ".current.tmp-\(dead)", ".persist-deploy/.persist-deploy-\(dead)-1.tmp", "releases/.staging-2026-01-01_00-00-00",
            "releases/2026-01-01_00-00-01", "releases/\(live)/.persist-deploy-link.\(dead)", "releases/\(live)/public/.uploads.link-tmp",
            "shared/.persist-deploy-\(dead)-7.tmp", "shared/public/.uploads.seeding",
        ]

        let native = try proof.run(["health-check", "--root", root, "--json"])
        let script = try ToolRunner.bash(#"bash "$1/shared/health-check.sh" --json"#, [root])
        let nativeReport = try JSONDecoder().decode(HealthReport.self, from: Data(native.stdout.utf8))
        let scriptReport = try JSONDecoder().decode(HealthReport.self, from: Data(script.stdout.utf8))
        let nativeLeftovers = nativeReport.checks.filter { $0.name == "leftover" }
        #expect(nativeLeftovers.map(\.path) == expected, "\(native)")
        #expect(scriptReport.checks.filter { $0.name == "leftover" } == nativeLeftovers, "\(script)")
        #expect(nativeLeftovers.allSatisfy { $0.status == .warn && $0.message.hasSuffix("the next deploy removes it") })
        #expect(native.exitCode == 1 && script.exitCode == 1)

        let deploy = try proof.deploy()
        #expect(deploy.exitCode == 0, "\(deploy)")
        for path in expected { #expect(!fs.exists(atPath: root + "/" + path), "\(path) is left") }
        #expect(fs.exists(atPath: "\(root)/.current.tmp-\(alive)"), "a live process's name is not a leftover")
        #expect(fs.exists(atPath: "\(root)/shared/public/.notes.seeding"), "a name the tool does not make is the app's")
        let after = try proof.run(["health-check", "--root", root, "--json"])
        #expect(!after.stdout.contains("\"leftover\""), "\(after)")
    }
}
