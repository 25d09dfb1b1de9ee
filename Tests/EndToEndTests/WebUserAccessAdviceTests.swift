import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The web user's access as an admin meets it: a folder above the root it may not search stops
/// the deploy before anything changes, and a health check failed on access gives the command that
/// fixes it (not `recover`, which changes no owners or modes). The commands the tool prints are
/// run as printed, and the web user (a real unprivileged account) then really has the access.
@Suite(.enabled(if: SystemUser.unavailableReason == nil, "\(SystemUser.unavailableReason ?? "")"))
struct WebUserAccessAdviceTests {
    static let webUser = "pdweb"

    /// The command a FAIL line ends with (`…; run: CMD`, without the setfacl alternative).
    static func command(in line: String) -> String? {
        guard let start = line.range(of: "; run: ") else { return nil }
        let rest = line[start.upperBound...]
        return String(rest.range(of: " (or, for it alone:").map { rest[..<$0.lowerBound] } ?? rest)
    }

    static func failLines(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("FAIL ") }
    }

    @Test func aParentTheWebUserCannotSearchStopsTheDeployBeforeAnythingChanges() throws {
        try #require(SystemUser.ensure(Self.webUser) != nil)
        let proof = try ProofRoot("web-user-parent")
        try proof.writeApp()
        let parent = proof.directory.path + "/private dir"
        try proof.fileSystem.createDirectory(at: parent, permissions: 0o700)
        chmod(parent, 0o700)
        proof.root = parent + "/site"

        let first = try proof.deploy(["--web-user", Self.webUser, "--json"])
        #expect(first.exitCode == 1, "\(first)")
        let error = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any], "\(first)")
        let message = error["error"] as? String ?? ""
        let hint = error["hint"] as? String ?? ""
        #expect(message.contains("no search permission on \(parent) (owner root, group root, mode 700)"), "\(first)")
        #expect(hint.contains("chmod o+x '\(parent)'") && hint.contains("setfacl -m u:\(Self.webUser):x '\(parent)'"), "\(first)")
        #expect(error["activated"] as? Bool == false)
        #expect(try proof.fileSystem.type(at: proof.root) == nil, "a refused first deploy leaves no root")

        // Following the hint as printed is the fix.
        #expect(try ToolRunner.bash("chmod o+x \"$1\"", [parent]).exitCode == 0)
        #expect(try proof.deploy(["--web-user", Self.webUser]).exitCode == 0)
        let live = try #require(proof.liveRelease)
        let webRead = try SystemUser.run(as: Self.webUser, "cat -- \"$1/current/public/index.php\"", [proof.root])
        #expect(webRead.exitCode == 0, "\(webRead)")

        // Closed again: a later deploy stops too, and current stays.
        chmod(parent, 0o700)
        try proof.write("public/css/app.css", "body{color:red}\n", under: proof.app)
        let releasesBefore = try proof.fileSystem.listDirectory(at: proof.root + "/releases").sorted()
        let later = try proof.deploy()
        #expect(later.exitCode == 1 && later.stderr.contains("no search permission on \(parent)"), "\(later)")
        #expect(proof.liveRelease == live)
        #expect(try proof.fileSystem.listDirectory(at: proof.root + "/releases").sorted() == releasesBefore)

        // The health check says the same, with the fix, and does not send the admin to recover.
        for outcome in [try proof.run(["health-check", "--root", proof.root]),
                        try ToolRunner.bash("bash \"$1/shared/health-check.sh\"", [proof.root])] {
            #expect(outcome.exitCode == 2, "\(outcome)")
            let fails = Self.failLines(outcome.stdout)
            #expect(!fails.isEmpty && fails.allSatisfy { Self.command(in: $0) == "chmod o+x '\(parent)'" }, "\(outcome.stdout)")
            #expect(outcome.stdout.contains(HealthAdvice.accessStep) && !outcome.stdout.contains("Next: persist-deploy recover"), "\(outcome.stdout)")
        }
        #expect(try ToolRunner.bash("chmod o+x \"$1\"", [parent]).exitCode == 0)
        #expect(try proof.run(["health-check", "--root", proof.root]).exitCode == 0)
    }

    @Test func aReleaseCopiedFromAPrivateFolderIsRefusedNamingWhereItCameFrom() throws {
        try #require(SystemUser.ensure(Self.webUser) != nil)
        let proof = try ProofRoot("web-user-private-source")
        try proof.writeApp()
        #expect(try proof.deploy(["--web-user", Self.webUser]).exitCode == 0)
        let live = try #require(proof.liveRelease)
        chmod(proof.app, 0o700)
        try proof.write("public/css/app.css", "body{color:red}\n", under: proof.app)
        let later = try proof.deploy()
        #expect(later.exitCode == 1 && later.stderr.contains("mode 700") && later.stderr.contains("copied from"), "\(later)")
        #expect(proof.liveRelease == live)
    }

    @Test func aSharedFolderNotWritableForTheWebUserGetsItsFixNotRecover() throws {
        try #require(SystemUser.ensure(Self.webUser) != nil)
        let proof = try ProofRoot("web-user-advice")
        try proof.writeApp()
        #expect(try proof.deploy(["--web-user", Self.webUser]).exitCode == 0)
        let logs = proof.root + "/shared/storage/logs"
        let env = proof.root + "/shared/.env"
        #expect(try ToolRunner.bash("chgrp root \"$1\" \"$2\" && chmod 755 \"$1\" && chmod 600 \"$2\"", [logs, env]).exitCode == 0)

        let native = try proof.run(["health-check", "--root", proof.root])
        let script = try ToolRunner.bash("bash \"$1/shared/health-check.sh\"", [proof.root])
        for outcome in [native, script] {
            #expect(outcome.exitCode == 2, "\(outcome)")
            #expect(outcome.stdout.contains(HealthAdvice.accessStep) && !outcome.stdout.contains("Next: persist-deploy recover"), "\(outcome.stdout)")
        }
        #expect(Self.failLines(native.stdout) == Self.failLines(script.stdout))
        let commands = Self.failLines(native.stdout).compactMap(Self.command(in:))
        #expect(commands == [
            "chgrp \(Self.webUser) '\(env)' && chmod g+r '\(env)'",
            "chgrp \(Self.webUser) '\(logs)' && chmod g+rwxs '\(logs)'",
        ], "\(native.stdout)")

        // recover cannot fix it, and says the same next step.
        let recover = try proof.run(["recover", "--root", proof.root])
        #expect(recover.exitCode == 1 && recover.stdout.contains(HealthAdvice.accessStep), "\(recover)")
        for command in commands {
            let ran = try ToolRunner.bash(command)
            #expect(ran.exitCode == 0, "\(command): \(ran)")
        }
        #expect(try proof.run(["health-check", "--root", proof.root]).exitCode == 0)
        let write = try SystemUser.run(as: Self.webUser, "echo web >>\"$1/laravel.log\" && cat -- \"$2\" >/dev/null", [logs, env])
        #expect(write.exitCode == 0, "the printed commands gave the web user its access: \(write)")
    }
}

/// The secret-mode warning's command works from anywhere (cron runs it from a home folder).
@Suite struct SecretModeAdviceTests {
    @Test func theSecretModeCommandNamesTheWholePathAndFixesIt() throws {
        let proof = try ProofRoot("secret-mode-advice")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let env = proof.root + "/shared/.env"
        chmod(env, 0o644)
        let expected = "WARN secret-mode .env: mode 644 lets every user read it; run: chmod o-rwx '\(env)'"
        let native = try proof.run(["health-check", "--root", proof.root])
        let script = try ToolRunner.bash("bash \"$1/shared/health-check.sh\"", [proof.root])
        for outcome in [native, script] {
            #expect(outcome.exitCode == 1 && outcome.stdout.contains(expected), "\(outcome)")
        }
        let command = try #require(expected.components(separatedBy: "; run: ").last)
        #expect(try ToolRunner.bash(command, in: "/").exitCode == 0)
        #expect(try proof.run(["health-check", "--root", proof.root]).exitCode == 0)
    }
}
