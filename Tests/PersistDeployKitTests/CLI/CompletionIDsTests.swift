import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// `rollback --to`, `rollback --if-current` and `restore` complete to the ids of the root named
/// on the command line: each shell's script is loaded in that shell, with the built binary on
/// `PATH`, against a real root with two releases and a backup (in a folder with a space).
@Suite struct CompletionIDsTests {
    struct Site {
        let temporary: TemporaryDirectory
        let root: String
        let releases: Set<String>
        let backups: Set<String>
        /// `PATH` with the built binary first.
        let path: String
    }

    static func site() throws -> Site {
        let temporary = try TemporaryDirectory("completion-ids")
        let root = temporary.path + "/site root"
        var seconds = 1_790_000_000.0
        func run(_ arguments: [String]) throws -> String {
            seconds += 1
            let now = Date(timeIntervalSince1970: seconds)
            var context = Context.live()
            context.now = { now }
            var output = ""
            let status = CommandLineTool.run(
                // --wait: a process another test forks in parallel briefly holds a copy of the
                // lock's descriptor until it execs.
                arguments: arguments + ["--json", "--wait", "10"], context: context, stdout: { output += $0 }, stderr: { _ in })
            guard status == 0 else { throw ToolError("\(arguments) failed: \(output)") }
            return output
        }
        var releases: Set<String> = []
        for _ in 0..<2 {
            let report = try JSONDecoder().decode(DeployReport.self, from: Data(try run(["auto", "--root", root, "--from", Fixtures.path("plain-php")]).utf8))
            releases.insert(report.release)
        }
        let backup = try JSONDecoder().decode(BackupInfo.self, from: Data(try run(["backup", "--root", root]).utf8))
        let binary = PathName.parent(try ToolRunner().executable)
        return Site(
            temporary: temporary, root: root, releases: releases, backups: [backup.id],
            path: binary + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"))
    }

    static func installed(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `shell arguments` with `site.path` as `PATH`.
    static func run(_ shell: String, _ arguments: [String], site: Site) throws -> ProcessResult {
        try runProcess("/usr/bin/env", ["PATH=\(site.path)", shell] + arguments, in: site.temporary.path)
    }

    static func writeScript(_ shell: CompletionShell, site: Site) throws -> String {
        let path = site.temporary.path + "/persist-deploy.\(shell.rawValue)"
        try Completions.script(for: shell).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(.enabled(if: installed("bash") != nil, "bash is not installed"))
    func bashOffersReleaseAndBackupIDs() throws {
        let site = try Self.site()
        defer { site.temporary.remove() }
        let probe = """
            source "$1" || exit 3
            offer() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _persist_deploy; echo "${COMPREPLY[*]}"; }
            offer persist-deploy rollback --root "$2" --to ''
            offer persist-deploy rollback --root "$2" --if-current ''
            offer persist-deploy restore --root "$2" ''
            offer persist-deploy rollback --root = "$2" --to 20
            """
        let result = try Self.run("bash", ["--norc", "-c", probe, "probe", try Self.writeScript(.bash, site: site), site.root], site: site)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map { Set($0.split(separator: " ").map(String.init)) }
        try #require(lines.count >= 4, "\(result.stdout)\(result.stderr)")
        #expect(lines[0] == site.releases)
        #expect(lines[1] == site.releases)
        #expect(lines[2] == site.backups)
        #expect(lines[3] == site.releases, "--root = DIR, as bash splits --root=DIR")
    }

    @Test(.enabled(if: installed("zsh") != nil, "zsh is not installed; apt-get install zsh"))
    func zshOffersReleaseAndBackupIDs() throws {
        let site = try Self.site()
        defer { site.temporary.remove() }
        // The id helper alone, with compadd standing in for the completion system.
        let probe = """
            compdef() { :; }
            source "$1" || exit 3
            compadd() { [[ $1 == -a ]] && print -l -- ${(P)2}; }
            words=(persist-deploy rollback --root "$2" --to '')
            _persist_deploy_ids releases
            print -- ---
            words=(persist-deploy restore "--root=$2" '')
            _persist_deploy_ids backups
            """
        let result = try Self.run("zsh", ["-f", "-c", probe, "probe", try Self.writeScript(.zsh, site: site), site.root], site: site)
        #expect(result.status == 0, "\(result.stderr)")
        let parts = result.stdout.components(separatedBy: "---\n")
        try #require(parts.count == 2, "\(result.stdout)\(result.stderr)")
        #expect(Set(parts[0].split(separator: "\n").map(String.init)) == site.releases)
        #expect(Set(parts[1].split(separator: "\n").map(String.init)) == site.backups)
    }

    @Test(.enabled(if: installed("fish") != nil, "fish is not installed; apt-get install fish"))
    func fishOffersReleaseAndBackupIDs() throws {
        let site = try Self.site()
        defer { site.temporary.remove() }
        let script = try Self.writeScript(.fish, site: site)
        let probe = """
            source $argv[1]
            complete -C"persist-deploy rollback --root '$argv[2]' --to "
            echo ---
            complete -C"persist-deploy restore --root='$argv[2]' "
            """
        let result = try Self.run("fish", ["--no-config", "-c", probe, script, site.root], site: site)
        #expect(result.status == 0, "\(result.stderr)")
        let parts = result.stdout.components(separatedBy: "---\n")
        try #require(parts.count == 2, "\(result.stdout)\(result.stderr)")
        // fish prints "candidate<TAB>description"; the ids have no description.
        let ids = { (text: String) in Set(text.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }) }
        #expect(ids(parts[0]) == site.releases)
        #expect(ids(parts[1]) == site.backups)
    }
}
