import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The same deploys done twice, side by side: by the binary (in process, `auto --release`) into
/// one root and by the bundle's `deploy.sh` (bash) into another, then the two roots compared
/// file for file: link texts, real folders, every file of shared/, the records.
final class ParityScenario: @unchecked Sendable {
    let scenario: DeployScenario
    var binaryRoot: String { scenario.root }
    var bashRoot: String { scenario.directory.path + "/bash-root" }
    var bundle: String { scenario.directory.path + "/bundle" }
    var fileSystem: LocalFileSystem { scenario.fileSystem }

    init(_ label: String) throws {
        scenario = try DeployScenario(label)
    }

    /// Makes the bundle for the app as it is now, for the bash root.
    func makeBundle(extra: [String] = []) throws {
        let made = scenario.run(["bundle", scenario.app, "--remote-root", bashRoot, "--out", bundle] + extra)
        guard made.status == 0 else { throw ToolError("bundle failed: \(made.stderr)") }
    }

    /// Puts a copy of the app into both roots as `releases/<id>`, as an upload would.
    func upload(_ id: String) throws {
        for root in [binaryRoot, bashRoot] {
            try fileSystem.createDirectory(at: root + "/releases", permissions: 0o755)
            try fileSystem.copyTree(from: scenario.app, to: root + "/releases/" + id)
        }
    }

    @discardableResult
    func deployBinary(_ id: String, extra: [String] = []) -> (status: Int32, stdout: String, stderr: String) {
        scenario.run(["auto", "--root", binaryRoot, "--release", binaryRoot + "/releases/" + id] + extra)
    }

    @discardableResult
    func deployBash(_ arguments: [String], environment: [String: String] = [:]) throws -> ToolRunner.Outcome {
        try ToolRunner(executable: "/bin/bash").run([bundle + "/deploy.sh"] + arguments, in: scenario.directory.path, environment: environment)
    }

    /// Deploys `id` both ways and expects both to succeed.
    func deployBoth(_ id: String, keep: Int = 5) throws {
        let binary = deployBinary(id, extra: ["--keep", String(keep)])
        #expect(binary.status == 0, "binary: \(binary.stderr)")
        let bash = try deployBash(["--keep", String(keep), id])
        #expect(bash.exitCode == 0, "deploy.sh: \(bash)")
    }

    /// What the app writes while it runs, into the live release of both roots.
    func liveWrites(_ label: String) throws {
        for root in [binaryRoot, bashRoot] {
            try scenario.write("current/public/uploads/\(label).jpg", "uploaded \(label)", under: root)
            try scenario.write("current/storage/logs/\(label).log", "log \(label)", under: root)
            try scenario.write("current/storage/app/public/avatars/\(label).png", "avatar \(label)", under: root)
            // Through shared/: writing to current/.env by rename would replace the link.
            try scenario.write("shared/.env", "APP_KEY=secret-\(label)\n", under: root)
        }
    }

    /// Everything under `root` as path -> what it is, with release ids replaced by their rank
    /// (the two sides' ids differ where the id is the time) and the tools' own files left out.
    func tree(_ root: String) throws -> [String: String] {
        let ids = ((try? fileSystem.listDirectory(at: root + "/releases")) ?? []).filter(ReleaseID.isValid).sorted(by: ReleaseID.isOlder)
        func normalized(_ text: String) -> String {
            var text = text
            for (rank, id) in ids.enumerated().reversed() { text = text.replacingOccurrences(of: id, with: "R\(rank + 1)") }
            return text
        }
        var result: [String: String] = [:]
        func walk(_ relative: String) throws {
            let full = relative.isEmpty ? root : root + "/" + relative
            for name in try fileSystem.listDirectory(at: full) {
                let child = relative.isEmpty ? name : relative + "/" + name
                if child == ".persist-deploy" || child == "persist-deploy-bundle" { continue }
                if relative == "shared" && DeployRoot.toolFilesInShared.contains(name) { continue }
                let path = root + "/" + child
                switch try fileSystem.type(at: path) {
                case .symlink: result[normalized(child)] = "link -> " + normalized(try fileSystem.readSymlink(at: path))
                case .directory:
                    result[normalized(child)] = "dir"
                    try walk(child)
                default:
                    let mode = try fileSystem.status(at: path, followSymlink: false).map { String($0.permissions & 0o777, radix: 8) } ?? "?"
                    result[normalized(child)] = "file \(mode): " + (scenario.read(path) ?? "<unreadable>")
                }
            }
        }
        try walk("")
        return result
    }

    /// The two roots agree: same tree, same manifests, same last history line's path records,
    /// same record of the classification.
    /// After a crash and a rerun the history says what the rerun found (e.g. `linked` where the
    /// crashed run had seeded): `afterCrash` leaves the path records out.
    func expectSameResult(_ label: String, afterCrash: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let binaryTree = try tree(binaryRoot)
        let bashTree = try tree(bashRoot)
        let differences = Set(binaryTree.keys).union(bashTree.keys).sorted().filter { binaryTree[$0] != bashTree[$0] }
            .map { "\($0): binary \(binaryTree[$0] ?? "-") | bash \(bashTree[$0] ?? "-")" }
        let listed = differences.joined(separator: "\n")
        #expect(differences.isEmpty, "\(label):\n\(listed)", sourceLocation: sourceLocation)

        let binary = DeployRoot(path: binaryRoot)
        let bash = DeployRoot(path: bashRoot)
        let binaryHistory = DeploymentHistory.load(binary, fileSystem: fileSystem)
        let bashHistory = DeploymentHistory.load(bash, fileSystem: fileSystem)
        // A rerun after a crash past the history step records the deploy once more.
        func outcomes(_ history: [HistoryRecord]) -> [String] {
            let lines = history.map { "\($0.outcome)" }
            return afterCrash ? lines.enumerated().filter { $0.offset == 0 || lines[$0.offset - 1] != $0.element }.map(\.element) : lines
        }
        #expect(outcomes(binaryHistory) == outcomes(bashHistory), "\(label): history outcomes", sourceLocation: sourceLocation)
        if !afterCrash {
            #expect(binaryHistory.last?.paths == bashHistory.last?.paths, "\(label): last history paths", sourceLocation: sourceLocation)
        }

        let binaryState = try DeployState.read(binary, fileSystem: fileSystem)
        let bashState = try DeployState.read(bash, fileSystem: fileSystem)
        // The bundle's classification was made once, so a reason that counts files may differ.
        func decisions(_ record: PersistenceRecord?) -> [String] {
            (record?.paths ?? []).map { "\($0.path) \($0.kind) \($0.class) \($0.linkTarget ?? "-")" }
        }
        #expect(decisions(binaryState.record) == decisions(bashState.record), "\(label): record", sourceLocation: sourceLocation)
        #expect(binaryState.record?.framework == bashState.record?.framework, sourceLocation: sourceLocation)
        #expect(binaryState.finishedIDs.count == bashState.finishedIDs.count, sourceLocation: sourceLocation)
        for (binaryID, bashID) in zip(binaryState.releaseIDs, bashState.releaseIDs) {
            let left = ReleaseManifest.load(binaryID, root: binary, fileSystem: fileSystem)
            let right = ReleaseManifest.load(bashID, root: bash, fileSystem: fileSystem)
            #expect(left?.shipped == right?.shipped,
                    "\(label): manifest of \(binaryID) / \(bashID)", sourceLocation: sourceLocation)
        }
    }
}

@Suite struct BundleParityTests {
    private static let ids = ["2026-01-01_00-00-01", "2026-01-02_00-00-01", "2026-01-03_00-00-01", "2026-01-04_00-00-01"]

    @Test func firstAndLaterDeploysWithLiveWritesMatchTheBinary() throws {
        let parity = try ParityScenario("parity-deploys")
        try parity.scenario.writeLaravelApp()
        try parity.makeBundle()
        try parity.upload(Self.ids[0])
        try parity.deployBoth(Self.ids[0], keep: 2)
        try parity.expectSameResult("first deploy")

        try parity.liveWrites("one")
        // The next release ships a new demo upload and asset, and drops a script.
        try parity.scenario.write("public/uploads/demo-3.jpg", "demo image 3")
        try parity.scenario.write("public/css/extra.css", "p{}\n")
        try parity.scenario.fileSystem.removeTree(at: parity.scenario.app + "/public/js/app.js")
        try parity.upload(Self.ids[1])
        try parity.deployBoth(Self.ids[1], keep: 2)
        try parity.expectSameResult("second deploy")

        try parity.liveWrites("two")
        try parity.upload(Self.ids[2])
        try parity.deployBoth(Self.ids[2], keep: 2)
        try parity.upload(Self.ids[3])
        try parity.deployBoth(Self.ids[3], keep: 2)
        try parity.expectSameResult("fourth deploy, two releases kept")
        let uploads = parity.scenario.inventory(parity.bashRoot + "/shared/public/uploads")
        #expect(uploads["one.jpg"] == "uploaded one" && uploads["two.jpg"] == "uploaded two")
        #expect(parity.scenario.read(parity.bashRoot + "/shared/.env") == "APP_KEY=secret-two\n")
    }

    @Test func adoptionOfAnInPlaceSiteMatchesTheBinary() throws {
        let parity = try ParityScenario("parity-adopt")
        try parity.scenario.writeLaravelApp()
        try parity.makeBundle()
        // A site unpacked straight into `current`, with what its users uploaded since.
        for root in [parity.binaryRoot, parity.bashRoot] {
            try parity.fileSystem.createDirectory(at: root, permissions: 0o755)
            try parity.fileSystem.copyTree(from: parity.scenario.app, to: root + "/current")
            try parity.scenario.write("current/public/uploads/user-photo.jpg", "a user's photo", under: root)
            try parity.scenario.write("current/storage/logs/laravel.log", "old log", under: root)
            try parity.scenario.write("current/.env", "APP_KEY=live\n", under: root)
        }
        try parity.upload(Self.ids[0])
        try parity.deployBoth(Self.ids[0])
        try parity.expectSameResult("adoption")
        let uploads = parity.scenario.inventory(parity.bashRoot + "/shared/public/uploads")
        #expect(uploads["user-photo.jpg"] == "a user's photo")
        #expect(parity.scenario.read(parity.bashRoot + "/shared/.env") == "APP_KEY=live\n")
    }

    /// deploy.sh killed after each of its steps in turn, then run again, ends where the binary's
    /// uninterrupted deploy ends, and loses nothing the app wrote.
    @Test(arguments: ["first", "later"])
    func aCrashAtAnyStepThenARerunMatchesTheBinary(_ which: String) throws {
        let parity = try ParityScenario("parity-crash-\(which)")
        try parity.scenario.writeLaravelApp()
        try parity.makeBundle()
        try parity.upload(Self.ids[0])
        if which == "later" {
            try parity.deployBoth(Self.ids[0])
            try parity.liveWrites("before")
            try parity.scenario.write("public/uploads/demo-3.jpg", "demo image 3")
            try parity.upload(Self.ids[1])
        }
        let id = which == "first" ? Self.ids[0] : Self.ids[1]
        #expect(parity.deployBinary(id).status == 0)
        let pristine = parity.scenario.directory.path + "/pristine"
        try parity.fileSystem.copyTree(from: parity.bashRoot, to: pristine)

        var step = 1
        while true {
            try parity.fileSystem.removeTree(at: parity.bashRoot)
            try parity.fileSystem.copyTree(from: pristine, to: parity.bashRoot)
            let crashed = try parity.deployBash([id], environment: ["PERSIST_DEPLOY_CRASH_AFTER": String(step)])
            if crashed.exitCode == 0 { break }  // fewer steps than `step`: every one was tried
            #expect(crashed.exitCode == -1 || crashed.exitCode == 137 || crashed.exitCode == 9, "step \(step): \(crashed)")
            let rerun = try parity.deployBash([id])
            #expect(rerun.exitCode == 0, "rerun after step \(step): \(rerun)")
            try parity.expectSameResult("\(which) deploy, crash after step \(step)", afterCrash: true)
            step += 1
            if step > 80 { Issue.record("deploy.sh never finished"); break }
        }
        #expect(step > 10, "deploy.sh has \(step - 1) steps")
    }

    /// A persistent folder named to break a careless script: nothing in it runs, both tools
    /// agree, and the second deploy reads back the first one's manifest of that folder.
    @Test func hostilePathNamesExecuteNothing() throws {
        let parity = try ParityScenario("parity-hostile")
        let hostile = "-x $(touch pwned) `touch pwned2` it's \"q\" \\"
        try parity.scenario.writeLaravelApp()
        try parity.scenario.write("persist-deploy.json", #"{"classify": {"public/\#(hostile.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))": "user"}}"#)
        try parity.scenario.write("public/\(hostile)/a \"b\" \\c $(x).txt", "demo")
        try parity.makeBundle()
        try parity.upload(Self.ids[0])
        try parity.deployBoth(Self.ids[0])
        try parity.scenario.write("current/public/\(hostile)/user.txt", "user file", under: parity.bashRoot)
        try parity.scenario.write("current/public/\(hostile)/user.txt", "user file", under: parity.binaryRoot)
        try parity.scenario.write("public/\(hostile)/new $(y).txt", "new demo")
        try parity.upload(Self.ids[1])
        try parity.deployBoth(Self.ids[1])
        try parity.expectSameResult("hostile names")
        let stored = parity.scenario.inventory(parity.bashRoot + "/shared/public/\(hostile)")
        #expect(stored == ["a \"b\" \\c $(x).txt": "demo", "user.txt": "user file", "new $(y).txt": "new demo"])
        for directory in [parity.scenario.directory.path, parity.bashRoot, parity.bundle, parity.bashRoot + "/releases/" + Self.ids[1]] {
            let names = try parity.fileSystem.listDirectory(at: directory)
            #expect(!names.contains("pwned") && !names.contains("pwned2"), "\(directory): \(names)")
        }
    }

    /// A site moves between the two at any deploy: each reads the other's history, record and
    /// manifests (the merge of new demo files needs the previous release's manifest).
    @Test func aSiteMovesBetweenTheScriptAndTheBinary() throws {
        let parity = try ParityScenario("parity-interop")
        try parity.scenario.writeLaravelApp()
        try parity.makeBundle()
        try parity.upload(Self.ids[0])
        #expect(parity.deployBinary(Self.ids[0]).status == 0)
        #expect(try parity.deployBash([Self.ids[0]]).exitCode == 0)
        try parity.liveWrites("one")

        try parity.scenario.write("public/uploads/demo-3.jpg", "demo image 3")
        try parity.upload(Self.ids[1])
        #expect(parity.deployBinary(Self.ids[1]).status == 0)
        let binaryOnBashRoot = parity.scenario.run(["auto", "--root", parity.bashRoot, "--release", parity.bashRoot + "/releases/" + Self.ids[1]])
        #expect(binaryOnBashRoot.status == 0, "\(binaryOnBashRoot.stderr)")
        try parity.liveWrites("two")

        try parity.scenario.write("public/uploads/demo-4.jpg", "demo image 4")
        try parity.upload(Self.ids[2])
        #expect(parity.deployBinary(Self.ids[2]).status == 0)
        let bashAfterBinary = try parity.deployBash([Self.ids[2]])
        #expect(bashAfterBinary.exitCode == 0, "\(bashAfterBinary)")
        try parity.expectSameResult("script, binary, script")
        #expect(DeploymentHistory.load(DeployRoot(path: parity.bashRoot), fileSystem: parity.fileSystem).last?.paths
            .first { $0.path == "public/uploads" }?.added == 1)
    }

    /// Every sample app, two deploys each way.
    @Test(arguments: ["laravel-codecanyon", "laravel-inertia-vue", "next-app", "vue-vite", "react-cra", "plain-php", "wordpress", "tricky"])
    func everyFixtureDeploysTheSameWay(_ fixture: String) throws {
        let parity = try ParityScenario("parity-\(fixture)")
        var packageRoot = #filePath
        for _ in 0..<3 { packageRoot = PathName.parent(packageRoot) }
        try parity.fileSystem.copyTree(from: PathName.join(packageRoot, "Fixtures/" + fixture), to: parity.scenario.app)
        try parity.makeBundle()
        try parity.upload(Self.ids[0])
        try parity.deployBoth(Self.ids[0])
        try parity.expectSameResult("\(fixture), first deploy")
        try parity.upload(Self.ids[1])
        try parity.deployBoth(Self.ids[1])
        try parity.expectSameResult("\(fixture), second deploy")
    }
}
