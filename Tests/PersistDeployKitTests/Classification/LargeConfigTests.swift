import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A `persist-deploy.json` of 10,000 entries is read, checked, matched and planned in time that
/// grows with its size. It once grew with its square (1,000 entries: 18 s; 10,000: over 13
/// minutes under the deploy lock): were that to come back, these tests would take minutes.
/// They assert the results; `scripts/bench-config.sh` measures the time.
@Suite struct LargeConfigTests {
    static let count = 10_000

    /// An app whose persist-deploy.json classifies `count` folders under data/, plus `extra`.
    private func app(extra: String = "") throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory("large-config")
        let app = PathName.join(directory.path, "app")
        let fileSystem = LocalFileSystem()
        try fileSystem.createDirectory(at: PathName.join(app, "public"), permissions: 0o755)
        try fileSystem.writeText("<?php\n", to: PathName.join(app, "public/index.php"))
        var entries = (0..<Self.count).map { "    \"data/d\($0)\": \"\($0 % 2 == 0 ? "user" : "runtime")\"" }
        if !extra.isEmpty { entries.append(extra) }
        try fileSystem.writeText("{ \"webRoot\": \"public\", \"classify\": {\n" + entries.joined(separator: ",\n") + "\n} }\n",
                                 to: PathName.join(app, ProjectConfig.fileName))
        return (directory, app)
    }

    @Test func tenThousandEntriesAreClassifiedAndPlanned() throws {
        let (directory, app) = try app()
        defer { directory.remove() }
        let fileSystem = LocalFileSystem()
        let classification = try Classifier(fileSystem: fileSystem).classify(appDirectory: app)
        let data = classification.persistentPaths.filter { $0.path.hasPrefix("data/") }
        #expect(data.count == Self.count)
        #expect(data.filter { $0.class == .user }.count == Self.count / 2)
        #expect(data.allSatisfy { $0.reason.hasPrefix("persist-deploy.json classifies it as ") })

        let root = DeployRoot(path: PathName.join(directory.path, "root"))
        let state = try DeployState.read(root, fileSystem: fileSystem)
        var request = DeployRequest()
        request.source = .directory(path: app)
        let planner = DeployPlanner(fileSystem: fileSystem, root: root, now: Date(timeIntervalSince1970: 1_790_000_000), host: "h", user: "u")
        let target = try planner.target(for: request, state: state)
        let plan = try planner.plan(request, target: target, classification: classification, state: state, prelude: target.staging)
        let links = plan.operations.filter { if case .link = $0 { true } else { false } }
        #expect(links.count == Self.count)  // every data folder (a PHP app that reads no .env gets none)
        #expect(plan.paths.count == Self.count)
    }

    @Test func aDuplicateAtTheEndOfTenThousandIsFoundAndNamed() throws {
        let (directory, app) = try app(extra: "    \"data/d9999/\": \"user\"")
        defer { directory.remove() }
        let error = #expect(throws: ToolError.self) { try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: app) }
        #expect(error?.message.contains("'data/d9999' is classified twice (also as \"data/d9999\")") == true)
    }

    @Test func anOverlapAtTheEndOfTenThousandIsFoundAndNamed() throws {
        let (directory, app) = try app(extra: "    \"data/d4242/inner\": \"user\"")
        defer { directory.remove() }
        let error = #expect(throws: ToolError.self) { try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: app) }
        #expect(error?.message.contains("'data/d4242/inner' lies inside 'data/d4242' and both are persistent") == true)
    }

    @Test(arguments: DeployRoot.toolFilesInShared.sorted())
    func theToolsOwnFileNamesAreRefusedAsPersistentPaths(_ name: String) throws {
        for path in [name, name + "/inside"] {
            let error = #expect(throws: ToolError.self) {
                try ProjectConfig.parse(Array("{\"classify\": {\(Text.json(path)): \"user\"}}".utf8), file: "/app/persist-deploy.json")
            }
            #expect(error?.message.contains("'\(name)' is the name of persist-deploy's own file in shared/") == true, "\(path)")
            #expect(error?.hint?.contains("nothing was changed") == true)
        }
        // Shipping such a file with the code is fine: it never goes to shared/.
        let config = try ProjectConfig.parse(Array("{\"classify\": {\(Text.json(name)): \"asset\"}}".utf8), file: "/app/persist-deploy.json")
        #expect(config.classify.count == 1)
    }

    @Test func anAppFolderNamedLikeAToolFileIsNotKeptInShared() throws {
        let directory = try TemporaryDirectory("tool-name")
        defer { directory.remove() }
        let fileSystem = LocalFileSystem()
        try fileSystem.createDirectory(at: PathName.join(directory.path, "public"), permissions: 0o755)
        try fileSystem.writeText("<?php\n", to: PathName.join(directory.path, "public/index.php"))
        try fileSystem.writeText("/health-check.sh/\n", to: PathName.join(directory.path, ".gitignore"))
        try fileSystem.createDirectory(at: PathName.join(directory.path, "public/health-check.sh"), permissions: 0o755)
        let classification = try Classifier(fileSystem: fileSystem).classify(appDirectory: directory.path)
        #expect(!classification.persistentPaths.contains { ProjectConfig.toolFileName(in: $0.path) != nil })
    }

    @Test func keysEqualOnlyAfterNormalizationAreTwoPaths() throws {
        // "é" precomposed and decomposed: two names on disk, so two keys, not a duplicate.
        let config = try ProjectConfig.parse(Array("{\"classify\": {\"public/caf\u{E9}\": \"user\", \"public/cafe\u{301}\": \"user\"}}".utf8), file: "/app/persist-deploy.json")
        #expect(config.classify.count == 2)
    }
}
