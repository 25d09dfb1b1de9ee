import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Deploys under nginx and PHP-FPM (the Debian packages, on loopback, started here with their
/// own configuration), PHP running as a second user: the configuration the guides document
/// serves every deploy with no failed request; the common `$document_root` one shows the stale
/// release and then the 404s the guides warn about.
@Suite(.serialized, .enabled(if: WebStack.unavailableReason == nil, "\(WebStack.unavailableReason ?? "")"))
struct NginxPHPFPMTests {
    static let webUser = "pdweb"

    /// An app whose page says which release answered, after reading `.env` and appending to
    /// `storage/logs` as the web user: a page that cannot do either answers 500.
    func makeRoot(_ label: String) throws -> (proof: ProofRoot, user: String) {
        let user = try #require(SystemUser.ensure(Self.webUser).map { _ in Self.webUser }, "could not create the user \(Self.webUser)")
        let proof = try ProofRoot(label)
        try proof.writeApp()
        try proof.write("public/index.php", """
            <?php
            $release = basename(dirname(__DIR__));
            if (@file_get_contents(__DIR__ . '/../.env') === false) { http_response_code(500); exit("cannot read .env\\n"); }
            if (@file_put_contents(__DIR__ . '/../storage/logs/hits.log', "$release\\n", FILE_APPEND) === false) {
                http_response_code(500); exit("cannot write storage/logs\\n");
            }
            echo "release $release\\n";
            """, under: proof.app)
        return (proof, user)
    }

    func live(_ proof: ProofRoot) -> String {
        PathName.basename((try? proof.fileSystem.readSymlink(at: proof.root + "/current")) ?? "")
    }

    @Test func theDocumentedConfigurationServesEveryDeployWithoutAFailedRequest() throws {
        let (proof, user) = try makeRoot("nginx-realpath")
        let first = try proof.deploy(["--web-user", user, "--keep", "2"])
        #expect(first.exitCode == 0, "\(first)")
        let stack = try WebStack(directory: proof.directory.path + "/web", root: proof.root, user: user, scriptPath: .realpathRoot)
        defer { stack.stop() }
        let load = SteadyLoad(stack)
        // PERSIST_DEPLOY_WEB_DEPLOYS=35 for a longer measurement.
        let deploys = ProcessInfo.processInfo.environment["PERSIST_DEPLOY_WEB_DEPLOYS"].flatMap { Int($0) } ?? 12
        var stale: [String] = []
        for _ in 1...deploys {
            let outcome = try proof.deploy(["--keep", "2"])
            #expect(outcome.exitCode == 0, "\(outcome)")
            // The next request already runs the new release.
            let answer = stack.get()
            if answer.body != "release \(live(proof))\n" { stale.append("\(answer.status) \(answer.body)") }
        }
        load.stop()
        #expect(load.requests > deploys)
        #expect(load.failed == 0, "\(load.failed) of \(load.requests) requests failed: \(load.failures)")
        #expect(stale.isEmpty, "served an old release right after a deploy: \(stale)")
        // PHP (as the web user) wrote its log into shared/ through every release.
        let hits = (try? String(contentsOfFile: proof.root + "/shared/storage/logs/hits.log", encoding: .utf8)) ?? ""
        #expect(Set(hits.split(separator: "\n")).count >= deploys, "releases seen in the log: \(Set(hits.split(separator: "\n")))")
        ProofResults.record(
            suite: "web", scenario: "nginx + PHP-FPM with $realpath_root, PHP as a second user: \(deploys) deploys (--keep 2) under a steady load of GETs",
            runs: deploys, outcome: load.failed == 0 && stale.isEmpty ? "pass, 0 of \(load.requests) requests failed" : "FAIL: \(load.failed) of \(load.requests) failed")
    }

    @Test func documentRootKeepsServingTheOldReleaseThenFails() throws {
        let (proof, user) = try makeRoot("nginx-docroot")
        #expect(try proof.deploy(["--web-user", user, "--keep", "2"]).exitCode == 0)
        let firstRelease = live(proof)
        // One worker, so the request below is sure to warm the cache that answers the next ones.
        let stack = try WebStack(directory: proof.directory.path + "/web", root: proof.root, user: user, scriptPath: .documentRoot, workers: 1)
        defer { stack.stop() }
        #expect(stack.get().body == "release \(firstRelease)\n")

        #expect(try proof.deploy(["--keep", "2"]).exitCode == 0)
        let stale = stack.get()
        #expect(stale.body == "release \(firstRelease)\n", "PHP-FPM's realpath cache should still resolve current to the first release: \(stale)")

        // The worker may still hold the script it just served (busier under a full parallel run);
        // cleanup rightly keeps a release in use, so wait until the worker lets go of it.
        let firstPath = proof.root + "/releases/" + firstRelease
        let deadline = Date().addingTimeInterval(10)
        while !ReleasesInUse.scan([firstPath], fileSystem: LocalFileSystem(), ownPID: getpid()).isEmpty && Date() < deadline {
            usleep(50_000)
        }
        let third = try proof.deploy(["--keep", "2"])
        #expect(third.exitCode == 0)
        #expect(!FileManager.default.fileExists(atPath: firstPath), "cleanup removed the first release: \(third)")
        // With the cached release removed the request fails: 404 "File not found." as a rule, and
        // in one full CI run a 500 with an empty body. Within opcache's revalidate_freq (2 s by
        // default) of its last look at the script, the worker still runs the removed release
        // from its caches, so the request waits that out.
        sleep(3)
        let gone = stack.get()
        let failed = gone.status == 404 || gone.status == 500
        #expect(failed, "with the cached release removed, PHP-FPM finds no script: \(gone)")
        ProofResults.record(
            suite: "web", scenario: "nginx + PHP-FPM with $document_root (what the guides warn about): after a switch the old release answers, after cleanup 404 or 500",
            runs: 3, outcome: stale.body == "release \(firstRelease)\n" && failed ? "pass, stale then \(gone.status) as documented" : "FAIL: \(stale.status), \(gone.status)")
    }

    @Test func aGracefulReloadAfterEachSwitchDropsNoRequest() throws {
        let (proof, user) = try makeRoot("nginx-reload")
        #expect(try proof.deploy(["--web-user", user, "--keep", "2"]).exitCode == 0)
        let stack = try WebStack(
            directory: proof.directory.path + "/web", root: proof.root, user: user, scriptPath: .documentRoot, controlTimeout: "10s")
        defer { stack.stop() }
        let load = SteadyLoad(stack)
        let deploys = 6
        var notFresh: [String] = []
        for _ in 1...deploys {
            let outcome = try proof.deploy(["--keep", "2", "--after-switch", stack.reloadCommand])
            #expect(outcome.exitCode == 0, "\(outcome)")
            // The reload is asynchronous: within a few seconds every worker runs the new release.
            let want = "release \(live(proof))\n"
            let deadline = Date().addingTimeInterval(10)
            var answer = stack.get()
            while answer.body != want && Date() < deadline {
                usleep(50_000)
                answer = stack.get()
            }
            if answer.body != want { notFresh.append(answer.body) }
        }
        load.stop()
        #expect(load.failed == 0, "\(load.failed) of \(load.requests) requests failed: \(load.failures)")
        #expect(notFresh.isEmpty, "\(notFresh)")
        ProofResults.record(
            suite: "web", scenario: "nginx + PHP-FPM with $document_root, --after-switch reloading PHP-FPM, process_control_timeout = 10s: \(deploys) deploys under load",
            runs: deploys, outcome: load.failed == 0 ? "pass, 0 of \(load.requests) requests failed" : "FAIL: \(load.failed) of \(load.requests) failed")
    }
}
