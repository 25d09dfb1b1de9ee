import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// `docs/recipes/ansible/deploy.yml`, run for real with ansible-playbook against two hosts on
/// this machine (`ansible_connection=local`), each with its own `deploy_root` from the
/// inventory. The binary sits only in the fake home's `~/.local/bin`, off `PATH`, as over a
/// non-interactive SSH session; a stale tarball sits beside the playbook, a fresh one in the
/// working folder. `bash .ci/run` installs ansible-core from PyPI into a cached venv.
@Suite(.serialized) struct AnsibleRecipeTests {
    /// ansible-playbook: `PERSIST_DEPLOY_ANSIBLE_PLAYBOOK`, else on `PATH`, else the venv `.ci/run` makes.
    static let playbook: String? = {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? "/root"
        let onPath = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/ansible-playbook" }
        let candidates = [environment["PERSIST_DEPLOY_ANSIBLE_PLAYBOOK"]].compactMap { $0 } + onPath
            + ["\(home)/.cache/persist-deploy-ci/ansible/bin/ansible-playbook"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static let recipe = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/recipes/ansible/deploy.yml").path

    /// The two hosts' roots (one with a space), the fake home and the working folder.
    struct Lab {
        let scenario: DeployScenario
        var base: String { scenario.directory.path }
        var rootA: String { base + "/srv/a" }
        var rootB: String { base + "/srv/site b" }
        var home: String { base + "/home" }
        var work: String { base + "/work" }
        var playbookCopy: String { base + "/playbooks/deploy.yml" }

        init() throws {
            scenario = try DeployScenario("ansible")
            try scenario.writeLaravelApp()
            // Vite's dev-server marker shipped in the web root: each health check warns (exit 1),
            // which the recipe must show and not act on. (A world-readable secret no longer
            // works for this: every deploy removes others' access to it.)
            try scenario.write("public/hot", "http://localhost:5173\n")
            let fs = scenario.fileSystem
            for folder in [home + "/.local/bin", work + "/build", base + "/playbooks/build", base + "/ansible-tmp"] {
                try fs.createDirectory(at: folder, permissions: 0o755)
            }
            try fs.copyTree(from: try ToolRunner().executable, to: home + "/.local/bin/persist-deploy")
            try fs.copyTree(from: AnsibleRecipeTests.recipe, to: playbookCopy)
            // What a playbook-relative lookup would wrongly pick up.
            try scenario.write("public/css/app.css", "stale\n")
            try pack(into: base + "/playbooks/build/release.tar.gz")
        }

        /// The app as a tarball at `path`.
        func pack(into path: String) throws {
            let tar = try ToolRunner(executable: "/bin/tar").run(["-czf", path, "-C", scenario.app, "."], in: base)
            guard tar.exitCode == 0 else { throw ToolError("tar failed: \(tar.stderr)") }
        }

        /// Builds version `text` of the app into work/build/release.tar.gz.
        func build(_ text: String) throws {
            try scenario.write("public/css/app.css", text + "\n")
            try pack(into: work + "/build/release.tar.gz")
        }

        /// Runs the recipe with `release_tarball=build/release.tar.gz`, `verifyOnB` as host B's
        /// `verify_command` when given.
        func play(verifyOnB: String? = nil) throws -> ToolRunner.Outcome {
            let hostB = "web-b deploy_root=\"\(rootB)\"" + (verifyOnB.map { " verify_command=\"\($0)\"" } ?? "")
            let inventory = """
                [web]
                web-a deploy_root=\(rootA)
                \(hostB)

                [web:vars]
                ansible_connection=local
                ansible_python_interpreter="{{ ansible_playbook_python }}"

                """
            try scenario.fileSystem.writeText(inventory, to: base + "/inventory.ini")
            let environment = [
                "HOME": home, "PWD": work, "LC_ALL": "C.UTF-8", "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "0",
                "ANSIBLE_LOCAL_TEMP": base + "/ansible-tmp", "ANSIBLE_REMOTE_TEMP": base + "/ansible-tmp",
            ]
            let playbook = try #require(AnsibleRecipeTests.playbook)
            return try ToolRunner(executable: playbook).run(
                ["-i", base + "/inventory.ini", playbookCopy, "-e", "release_tarball=build/release.tar.gz"],
                in: work, environment: environment, timeout: 600)
        }

        func css(_ root: String) -> String? { scenario.read(root + "/current/public/css/app.css") }
        func live(_ root: String) -> String? { (try? scenario.fileSystem.readSymlink(at: root + "/current")).map(PathName.basename) }
        func history(_ root: String, _ outcome: String) -> Int {
            (scenario.read(root + "/shared/.deployment-history") ?? "").split(separator: "\n").filter { $0.contains("\"outcome\":\"\(outcome)\"") }.count
        }
    }

    @Test(.enabled(if: playbook != nil, "ansible-playbook not found (PERSIST_DEPLOY_ANSIBLE_PLAYBOOK, PATH or ~/.cache/persist-deploy-ci/ansible): `bash .ci/run` installs ansible-core into that venv"))
    func theRecipeDeploysRollsBackOnlyWhatItMadeLiveAndNothingElse() throws {
        let lab = try Lab()

        // 1. A good deploy on both hosts, each into its own root, from the working folder's
        //    tarball; the health check's warning is shown and the deploy stands.
        try lab.build("v1")
        let first = try lab.play()
        #expect(first.exitCode == 0, "\(first)")
        #expect(lab.css(lab.rootA) == "v1\n" && lab.css(lab.rootB) == "v1\n", "the stale tarball beside the playbook was deployed")
        #expect(first.stdout.contains("WARN hygiene public/hot"), "the health warning is shown: \(first.stdout)")
        #expect(lab.history(lab.rootA, "rolled-back") + lab.history(lab.rootB, "rolled-back") == 0)
        try lab.scenario.write("public/uploads/customer.jpg", "a customer's photo", under: lab.rootB + "/shared")
        let v1OnB = try #require(lab.live(lab.rootB))

        // 2. --verify fails on B only: A goes to v2; the tool puts B back by itself, and the
        //    recipe does not roll back a second time.
        try lab.build("v2")
        let second = try lab.play(verifyOnB: "echo checking; exit 3")
        #expect(second.exitCode != 0, "\(second)")
        #expect(lab.css(lab.rootA) == "v2\n", "\(second.stdout)")
        #expect(lab.history(lab.rootA, "rolled-back") == 0)
        #expect(lab.live(lab.rootB) == v1OnB && lab.css(lab.rootB) == "v1\n")
        #expect(lab.history(lab.rootB, "bad") == 1)
        #expect(lab.history(lab.rootB, "rolled-back") == 1, "rolled back twice:\n\(second.stdout)")
        #expect(lab.scenario.read(lab.rootB + "/current/public/uploads/customer.jpg") == "a customer's photo")

        // 3. A deploy the tool refuses on A (the app wrote into an asset folder): exit 1, nothing
        //    went live, and nothing is rolled back; B is not touched at all.
        try lab.scenario.write("public/css/made-by-the-app.css", "generated\n", under: lab.rootA + "/current")
        let v2OnA = try #require(lab.live(lab.rootA))
        let releasesOnB = try lab.scenario.fileSystem.listDirectory(at: lab.rootB + "/releases")
        try lab.build("v3")
        let third = try lab.play()
        #expect(third.exitCode != 0, "\(third)")
        #expect(third.stdout.contains("public/css"), "the refusal says why: \(third.stdout)")
        #expect(lab.live(lab.rootA) == v2OnA && lab.css(lab.rootA) == "v2\n", "a refused deploy was followed by a rollback")
        #expect(lab.history(lab.rootA, "rolled-back") == 0)
        #expect(try lab.scenario.fileSystem.listDirectory(at: lab.rootB + "/releases") == releasesOnB)
        #expect(lab.live(lab.rootB) == v1OnB)
    }
}
