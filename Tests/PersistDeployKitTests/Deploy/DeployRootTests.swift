import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The contract's rule for finding the deploy root: `--root`, else `PERSIST_DEPLOY_ROOT`, else the
/// working directory, or two levels up when that is `DEPLOY_ROOT/releases/ID`.
@Suite struct DeployRootTests {
    func context(cwd: String, environment: [String: String] = [:]) -> Context {
        Context(fileSystem: InMemoryFileSystem(), environment: environment, workingDirectory: cwd)
    }

    @Test func theOptionWinsOverEverything() {
        let root = DeployRoot.resolve(option: "site", sharedOption: nil, context: context(cwd: "/srv", environment: ["PERSIST_DEPLOY_ROOT": "/other"]))
        #expect(root.path == "/srv/site")
        #expect(root.shared == "/srv/site/shared")
    }

    @Test func theEnvironmentComesNext() {
        let root = DeployRoot.resolve(option: nil, sharedOption: nil, context: context(cwd: "/srv", environment: ["PERSIST_DEPLOY_ROOT": "/other"]))
        #expect(root.path == "/other")
    }

    @Test func insideAReleaseTheRootIsTwoLevelsUp() {
        let root = DeployRoot.resolve(option: nil, sharedOption: nil, context: context(cwd: "/srv/site/releases/2026-11-22_14-30-00"))
        #expect(root.path == "/srv/site")
    }

    @Test func elsewhereTheWorkingDirectoryIsTheRoot() {
        let root = DeployRoot.resolve(option: nil, sharedOption: "/data/shared", context: context(cwd: "/srv/site"))
        #expect(root.path == "/srv/site")
        #expect(root.shared == "/data/shared")
    }
}
