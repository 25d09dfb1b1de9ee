import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Issue 14 as a host sees it, with real users: the tool runs as root, PHP as a second user
/// (`--web-user`), the deploy root belongs to a third (the deploy user). Access is checked by
/// running commands as those users (setpriv), not by reading mode bits.
@Suite(.enabled(if: SystemUser.unavailableReason == nil, "\(SystemUser.unavailableReason ?? "")"))
struct WebUserEndToEndTests {
    static let webUser = "pdweb"
    static let deployUser = "pddeploy"

    /// Every folder the app writes in shared/, and `.env` it reads, as the web user sees them
    /// through `current/`; returns what it could not do.
    func deniedToWebUser(_ proof: ProofRoot) throws -> [String] {
        let folders = ["public/uploads", "storage", "storage/logs", "storage/framework/cache", "storage/framework/sessions",
                       "storage/framework/views", "storage/app/public"]
        let script = """
            cd -- "$1" || exit 99
            shift
            for folder in "$@"; do
              { : >"$folder/.probe" && printf 'x' >>"$folder/.probe" && rm -f -- "$folder/.probe"; } 2>/dev/null || echo "cannot write $folder"
            done
            cat -- .env >/dev/null 2>&1 || echo "cannot read .env"
            """
        let outcome = try SystemUser.run(as: Self.webUser, script, [proof.root + "/current"] + folders)
        return outcome.stdout.split(separator: "\n").map(String.init)
    }

    @Test func theWebUserCanWriteEveryPersistentFolderAndReadEnvAfterFirstAndLaterDeploys() throws {
        try #require(SystemUser.ensure(Self.webUser) != nil)
        let proof = try ProofRoot("web-user")
        try proof.writeApp()
        let first = try proof.deploy(["--web-user", Self.webUser, "--json"])
        #expect(first.exitCode == 0, "\(first)")
        #expect(first.stdout.contains("\"webUser\":\"\(Self.webUser)\""))
        #expect(try deniedToWebUser(proof) == [])

        // Root writes into shared/ between deploys (artisan by hand, a cron job) with umask 022;
        // the release then ships a folder new to storage/.
        try ToolRunner.bash("umask 022; mkdir -p -- \"$1/storage/logs/cron\" && echo root >\"$1/storage/logs/cron/run.log\"", [proof.root + "/current"])
        try proof.write("storage/exports/.gitkeep", "", under: proof.app)
        let later = try proof.deploy()  // the web user is remembered
        #expect(later.exitCode == 0, "\(later)")
        #expect(try deniedToWebUser(proof) == [])
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/setfacl") {
            // The default ACL makes what root made later writable for the web group too.
            let append = try SystemUser.run(as: Self.webUser, "echo web >>\"$1\"", [proof.root + "/shared/storage/logs/cron/run.log"])
            #expect(append.exitCode == 0, "\(append)")
        }

        let native = try proof.run(["health-check", "--root", proof.root, "--json"])
        #expect(native.exitCode == 0, "\(native)")
        #expect(native.stdout.contains("is a writable directory for \(Self.webUser)"))
        #expect(native.stdout.contains("is a file readable by \(Self.webUser)"))
        let script = try ToolRunner.bash("bash \"$1/shared/health-check.sh\"", [proof.root])
        #expect(script.exitCode == 0, "\(script)")
        #expect(script.stdout.contains("PASS shared storage/logs: is a writable directory for \(Self.webUser)"))

        // A folder the web user cannot write fails both checks, saying for whom.
        try ToolRunner.bash("chgrp root -- \"$1\" && chmod 755 -- \"$1\" && setfacl -b -- \"$1\" 2>/dev/null; true", [proof.root + "/shared/storage/logs"])
        let broken = try proof.run(["health-check", "--root", proof.root])
        #expect(broken.exitCode == 2)
        #expect(broken.stdout.contains("FAIL shared storage/logs: is not writable for \(Self.webUser) (owner root, group root, mode 2755)"), "\(broken)")
        let brokenScript = try ToolRunner.bash("bash \"$1/shared/health-check.sh\"", [proof.root])
        #expect(brokenScript.exitCode == 2)
        #expect(brokenScript.stdout.contains("FAIL shared storage/logs: is not writable for \(Self.webUser) (owner root, group root, mode 2755)"))
    }

    @Test func anAdminsGroupReadableEnvSurvivesDeploys() throws {
        try #require(SystemUser.ensure(Self.webUser) != nil)
        let proof = try ProofRoot("env-mode")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let env = proof.root + "/shared/.env"
        // A new secret the tool made: 0600.
        #expect(try modeAndGroup(env) == "600 root")
        try ToolRunner.bash("echo 'APP_KEY=admin' >\"$1\" && chgrp \"$2\" -- \"$1\" && chmod 640 -- \"$1\"", [env, Self.webUser])
        for _ in 0..<2 {
            let outcome = try proof.deploy()
            #expect(outcome.exitCode == 0, "\(outcome)")
            #expect(try modeAndGroup(env) == "640 \(Self.webUser)")
        }
        #expect(try SystemUser.run(as: Self.webUser, "cat -- \"$1\"", [proof.root + "/current/.env"]).stdout == "APP_KEY=admin\n")
        // Access for every user is the one thing a deploy takes away.
        try ToolRunner.bash("chmod 664 -- \"$1\"", [env])
        #expect(try proof.deploy().exitCode == 0)
        #expect(try modeAndGroup(env) == "660 \(Self.webUser)")
    }

    @Test func runAsRootWhatTheDeployCreatesBelongsToTheDeployRootsOwner() throws {
        let owner = try #require(SystemUser.ensure(Self.deployUser))
        let proof = try ProofRoot("owner")
        try proof.writeApp()
        try ToolRunner.bash("mkdir -p -- \"$1\" && chown \"$2\": -- \"$1\"", [proof.root, Self.deployUser])
        #expect(try proof.deploy().exitCode == 0)
        // The second release comes from an archive, which tar extracts as root.
        let archive = proof.directory.path + "/release.tar.gz"
        #expect(try ToolRunner.bash("tar -czf \"$1\" -C \"$2\" .", [archive, proof.app]).exitCode == 0)
        let second = try proof.run(["auto", "--root", proof.root, "--from", archive, "--json"])
        #expect(second.exitCode == 0, "\(second)")
        #expect(second.stdout.contains("\"owner\":\"\(Self.deployUser):"))
        let release = try #require(proof.liveRelease)
        let created = ["current", "releases", "releases/\(release)", "releases/\(release)/public/index.php",
                       "releases/\(release)/public/uploads", "releases/\(release)/storage", "releases/\(release)/.env",
                       "shared", "shared/public", "shared/storage", "shared/storage/logs", "shared/.env", "shared/.persistence-config",
                       "shared/.deployment-history", "shared/health-check.sh", ".persist-deploy", ".persist-deploy/lock"]
        let foreign = created.filter { path in
            ((try? proof.fileSystem.status(at: proof.root + "/" + path, followSymlink: false))?.owner ?? 0) != owner.uid
        }
        #expect(foreign.isEmpty, "not owned by \(Self.deployUser): \(foreign)")
        let health = try proof.run(["health-check", "--root", proof.root])
        #expect(!health.stdout.contains("link-owner"), "\(health)")

        // The deploy user can take over: nothing root made is in its way.
        let asDeployUser = try ToolRunner(executable: "/usr/bin/setpriv").run(
            ["--reuid", Self.deployUser, "--regid", Self.deployUser, "--init-groups", "--", proof.tool.executable,
             "auto", "--root", proof.root, "--from", proof.app], in: "/", environment: ["HOME": "/"])
        #expect(asDeployUser.exitCode == 0, "\(asDeployUser)")

        // A link root made by hand is flagged, by both checks.
        try ToolRunner.bash("chown -h root: -- \"$1/current\"", [proof.root])
        let flagged = try proof.run(["health-check", "--root", proof.root])
        #expect(flagged.exitCode == 1)
        #expect(flagged.stdout.contains("WARN link-owner current: is a link owned by root to what \(Self.deployUser) owns"), "\(flagged)")
        let script = try ToolRunner.bash("bash \"$1/shared/health-check.sh\"", [proof.root])
        #expect(script.stdout.contains("WARN link-owner current: is a link owned by root to what \(Self.deployUser) owns"), "\(script)")
    }

    @Test func anUnknownWebUserStopsTheDeployBeforeAnythingChanges() throws {
        let proof = try ProofRoot("web-user-unknown")
        try proof.writeApp()
        let outcome = try proof.deploy(["--web-user", "no-such-user-pd"])
        #expect(outcome.exitCode == 1)
        #expect(outcome.stderr.contains("The web user 'no-such-user-pd' (--web-user) does not exist on this host"))
        #expect(!FileManager.default.fileExists(atPath: proof.root + "/releases"), "nothing may change")
    }

    private func modeAndGroup(_ path: String) throws -> String {
        Text.trimmed(try ToolRunner.bash("stat -c '%a %G' -- \"$1\"", [path]).stdout)
    }
}
