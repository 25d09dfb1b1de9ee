import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Root runs `shared/health-check.sh` from cron. A web user that may create an installer's config
/// file in shared/ must not be able to replace that script (or the records beside it) with its
/// own: shared/ then carries the sticky bit, as /tmp does.
@Suite(.enabled(if: SystemUser.unavailableReason == nil, "\(SystemUser.unavailableReason ?? "")"))
struct ToolFilesProtectionTests {
    static let webUser = "pdweb"

    /// A WordPress-shaped app: its installer writes `wp-config.php` into shared/ through the link.
    func wordPressRoot(_ label: String) throws -> ProofRoot {
        let proof = try ProofRoot(label)
        try proof.write("index.php", "<?php require __DIR__ . '/wp-blog-header.php';\n", under: proof.app)
        try proof.write("wp-config-sample.php", "<?php // sample\n", under: proof.app)
        try proof.write("wp-includes/version.php", "<?php $wp_version = '6.8';\n", under: proof.app)
        try proof.write("wp-content/themes/t/style.css", "body{}\n", under: proof.app)
        try proof.write("wp-content/uploads/demo.jpg", "demo", under: proof.app)
        return proof
    }

    /// What the web user could do to the tool's files in shared/: each line one success.
    func webUserTampering(_ proof: ProofRoot) throws -> [String] {
        // Each success is undone at once, so the root stays usable.
        let script = """
            cd -- "$1" || exit 99
            for name in health-check.sh emergency-recovery.sh .persistence-config .deployment-history; do
              if mv -f -- "$name" "$name.moved" 2>/dev/null; then echo "renamed $name"; mv -f -- "$name.moved" "$name"; fi
            done
            cp -- health-check.sh planted.sh 2>/dev/null && mv -f -- planted.sh health-check.sh 2>/dev/null && echo "replaced health-check.sh"
            rm -f -- planted.sh
            """
        return try SystemUser.run(as: Self.webUser, script, [proof.root + "/shared"]).stdout.split(separator: "\n").map(String.init)
    }

    @Test func theWebUserCanWriteTheInstallersConfigButNotReplaceTheToolsScripts() throws {
        try #require(SystemUser.ensure(Self.webUser) != nil)
        let proof = try wordPressRoot("tool-files-web-user")
        let deploy = try proof.deploy(["--web-user", Self.webUser, "--json"])
        #expect(deploy.exitCode == 0, "\(deploy)")
        let shared = proof.root + "/shared"
        let mode = try #require(try proof.fileSystem.status(at: shared, followSymlink: false)).permissions
        #expect(mode & 0o1000 != 0 && mode & 0o020 != 0, "shared/ is group-writable with the sticky bit: \(String(mode, radix: 8))")
        #expect(try webUserTampering(proof) == [])

        // The installer (as the web user) still writes its config file through the release's link.
        let install = try SystemUser.run(as: Self.webUser, "echo \"<?php define('DB_NAME', 'wp');\" >\"$1\"", [proof.root + "/current/wp-config.php"])
        #expect(install.exitCode == 0, "\(install)")
        #expect(try proof.fileSystem.readText(at: shared + "/wp-config.php").contains("DB_NAME"))
        let later = try proof.deploy()
        #expect(later.exitCode == 0, "\(later)")
        #expect(try proof.fileSystem.readText(at: shared + "/wp-config.php").contains("DB_NAME"))
        #expect(try webUserTampering(proof) == [])
        let script = try ToolRunner.bash(#"bash "$1/shared/health-check.sh""#, [proof.root])
        #expect(script.stdout.hasPrefix("Health of") && !script.stdout.contains("uid="), "the tool's own script ran: \(script)")
    }

    /// A root an older version left with shared/ 2775 and no sticky bit, or one an admin opened to
    /// everyone: the next deploy closes the hole without narrowing anyone's access.
    @Test func theNextDeployProtectsASharedFolderOthersMayAlreadyWrite() throws {
        try #require(SystemUser.ensure(Self.webUser) != nil)
        let proof = try wordPressRoot("tool-files-older-root")
        #expect(try proof.deploy().exitCode == 0)
        let shared = proof.root + "/shared"
        try proof.fileSystem.setPermissions(at: shared, to: 0o777)
        #expect(try webUserTampering(proof).contains("replaced health-check.sh"), "the hole this test is about")
        try proof.fileSystem.removeTree(at: shared + "/health-check.sh")

        let plan = try proof.run(["plan", "--root", proof.root, "--from", proof.app])
        #expect(plan.stdout.contains("chmod +t shared if other users may write to it"), "\(plan)")
        let later = try proof.deploy()
        #expect(later.exitCode == 0, "\(later)")
        #expect(try proof.fileSystem.status(at: shared, followSymlink: false)?.permissions == 0o1777)
        #expect(try webUserTampering(proof) == [])
    }
}
