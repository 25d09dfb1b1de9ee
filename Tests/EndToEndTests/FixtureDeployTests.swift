import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Every bundled fixture through the whole life of a site: a first deploy, the app writing into
/// each persistent folder through `current/`, three later deploys, the root moved elsewhere,
/// cleanup and rollback. What the app wrote must survive all of it.
@Suite struct FixtureDeployTests {
    static let fixtures = ["laravel-codecanyon", "laravel-inertia-vue", "next-app", "vue-vite", "react-cra", "plain-php", "wordpress", "tricky"]

    static var fixturesDirectory: String {
        PathName.join(PathName.parent(PathName.parent(PathName.parent(#filePath))), "Fixtures")
    }

    @Test(arguments: fixtures)
    func lifeOfASite(fixture: String) throws {
        let scenario = try DeployScenario("fixture")
        try scenario.fileSystem.copyTree(from: PathName.join(Self.fixturesDirectory, fixture), to: scenario.app)
        let first = scenario.deploy(extra: ["--keep", "2"])
        try #require(first.status == 0, "\(fixture): \(first.stderr)")

        let classification = try Classifier(fileSystem: scenario.fileSystem).classify(appDirectory: scenario.app)
        let persistentFolders = classification.persistentPaths.filter { $0.kind == .dir }.map(\.path)
        var written: [String: String] = [:]
        for folder in persistentFolders {
            let file = PathName.join(folder, "written-by-the-app \(UUID().uuidString.prefix(8)).txt")
            try "made at run time in \(folder)".write(toFile: scenario.root + "/current/" + file, atomically: false, encoding: .utf8)
            written[file] = "made at run time in \(folder)"
        }

        var releases: [String] = []
        for _ in 0..<3 {
            let later = scenario.deploy(extra: ["--keep", "2"])
            try #require(later.status == 0, "\(fixture): \(later.stderr)")
            releases.append(try #require(scenario.liveRelease))
        }
        #expect(scenario.releaseIDs.count == 2, "\(fixture): --keep 2")
        for (file, content) in written {
            #expect(scenario.read(scenario.root + "/shared/" + file) == content, "\(fixture): \(file) lost")
            #expect(scenario.read(scenario.root + "/current/" + file) == content, "\(fixture): \(file) not served")
        }

        #expect(scenario.run(["rollback", "--root", scenario.root]).status == 0)
        #expect(scenario.liveRelease == releases[1])

        let moved = scenario.directory.path + "/moved"
        try scenario.fileSystem.rename(scenario.root, to: moved, replacing: false)
        for (file, content) in written {
            #expect(scenario.read(moved + "/current/" + file) == content, "\(fixture): \(file) unreachable after the root moved")
        }
        let health = scenario.run(["health-check", "--root", moved])
        #expect(health.status != 2, "\(fixture): \(health.stdout)\(health.stderr)")
    }
}
