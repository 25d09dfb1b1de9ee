import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Data rule 2 for a file `persist-deploy.json` names that the release lacks: a `runtime` or
/// `user` file is created empty in shared/, whatever its name; only a `config` file is linked
/// and left for the app's installer to write (the contract's one exception).
@Suite struct NeverCreatedEmptyTests {
    @Test func aDeclaredRuntimeFileIsCreatedEmptyAndAConfigFileAwaitsTheApp() throws {
        let proof = try ProofRoot("never-created-empty")
        try proof.write("index.php", "<?php\n", under: proof.app)
        try proof.write("config/config.php", "<?php return [];\n", under: proof.app)
        try proof.write("persist-deploy.json", #"""
            {"classify": {"config/accounts.php": "runtime", "settings/site.yaml": "user", "config/install.php": "config",
                          "database/app.sqlite": "runtime"}}
            """#, under: proof.app)
        let outcome = try proof.deploy()
        #expect(outcome.exitCode == 0, "\(outcome)")
        let shared = proof.root + "/shared"
        for empty in ["config/accounts.php", "settings/site.yaml", "database/app.sqlite"] {
            #expect(try proof.fileSystem.status(at: shared + "/" + empty, followSymlink: false)?.size == 0, "rule 2: \(empty) created empty")
        }
        #expect(!FileManager.default.fileExists(atPath: shared + "/config/install.php"), "a config file is never created empty")
        #expect((try? proof.fileSystem.type(at: proof.root + "/current/config/install.php")) == .symlink)
        // The installer's write through current/ lands in shared/ and survives the next deploy.
        try "<?php return ['installed' => true];\n".write(toFile: proof.root + "/current/config/install.php", atomically: false, encoding: .utf8)
        #expect(try proof.deploy().exitCode == 0)
        #expect(try String(contentsOfFile: shared + "/config/install.php", encoding: .utf8).contains("installed"))
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
