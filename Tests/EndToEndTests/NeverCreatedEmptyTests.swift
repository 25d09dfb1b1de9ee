import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A persistent file the release does not ship is the app's to write. An empty one made for it
/// reads as "installed" to the app (Automad's config/accounts.php turns off creating the first
/// user; HumHub require()s protected/config/dynamic.php as an array; an `installed.lock` marker
/// skips the setup), so only files that are valid empty (a SQLite database, a log) are created;
/// the rest are linked and awaited, whatever their class.
@Suite struct NeverCreatedEmptyTests {
    @Test func onlyDatabasesAndLogsAreCreatedEmptyTheRestAwaitTheApp() throws {
        let proof = try ProofRoot("never-created-empty")
        try proof.write("index.php", "<?php\n", under: proof.app)
        try proof.write("config/config.php", "<?php return [];\n", under: proof.app)
        try proof.write("persist-deploy.json", #"""
            {"classify": {"config/accounts.php": "runtime", "install/installed.lock": "runtime",
                          "settings/site.yaml": "user", "database/app.sqlite": "runtime", "logs/app.log": "runtime"}}
            """#, under: proof.app)
        let outcome = try proof.deploy()
        #expect(outcome.exitCode == 0, "\(outcome)")
        let shared = proof.root + "/shared"
        for awaited in ["config/accounts.php", "install/installed.lock", "settings/site.yaml"] {
            #expect(!FileManager.default.fileExists(atPath: shared + "/" + awaited), "\(awaited) must not be created empty")
            #expect((try? proof.fileSystem.type(at: proof.root + "/current/" + awaited)) == .symlink, "\(awaited) is linked")
        }
        for empty in ["database/app.sqlite", "logs/app.log"] {
            #expect(try proof.fileSystem.status(at: shared + "/" + empty, followSymlink: false)?.size == 0, "\(empty)")
        }
        // The installer's write through current/ lands in shared/ and survives the next deploy.
        try "<?php return ['admin' => 'hash'];\n".write(toFile: proof.root + "/current/config/accounts.php", atomically: false, encoding: .utf8)
        #expect(try proof.deploy().exitCode == 0)
        #expect(try String(contentsOfFile: proof.root + "/current/config/accounts.php", encoding: .utf8).contains("admin"))
        #expect(try String(contentsOfFile: shared + "/config/accounts.php", encoding: .utf8).contains("admin"))
    }

    /// phpMyFAQ: `.env.local` in the web root is linked but the app never wrote it. A missing
    /// file cannot be served, so neither health check warns (a warning every run is a cron alert
    /// nobody can clear).
    @Test func anEnvFileNotWrittenYetInTheWebRootIsNoHygieneWarning() throws {
        let proof = try ProofRoot("env-local-awaited")
        try proof.write("index.php", "<?php\n", under: proof.app)
        try proof.write("config.php", "<?php\n", under: proof.app)
        try proof.write(".gitignore", ".env.local\n", under: proof.app)
        #expect(try proof.deploy().exitCode == 0)
        #expect((try? proof.fileSystem.type(at: proof.root + "/current/.env.local")) == .symlink)
        let health = try proof.run(["health-check", "--root", proof.root])
        #expect(!health.stdout.contains("may serve it"), "\(health.stdout)")
        #expect(health.exitCode == 0, "\(health)")
        let script = try ToolRunner.bash(#"bash "$1""#, [proof.root + "/shared/health-check.sh"])
        #expect(!script.stdout.contains("may serve it"), "\(script.stdout)")
        #expect(script.exitCode == 0, "\(script)")

        // Once the app writes secrets into it, both warn.
        try "SECRET=1\n".write(toFile: proof.root + "/current/.env.local", atomically: false, encoding: .utf8)
        #expect(try proof.run(["health-check", "--root", proof.root]).stdout.contains("may serve it"))
        #expect(try ToolRunner.bash(#"bash "$1""#, [proof.root + "/shared/health-check.sh"]).stdout.contains("may serve it"))
    }
}
