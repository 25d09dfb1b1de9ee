import Testing

@testable import PersistDeployKit

/// The advice when the app renamed a file over its link into shared/: classify the file's
/// folder, never the app root ('.', which persist-deploy.json refuses).
@Suite struct ReplacedLinkAdviceTests {
    @Test func aFileInAFolderPointsAtTheFolder() {
        #expect(DeployPlanner.renamedOverAdvice("conf/local.php").contains("classify 'conf'"))
    }

    @Test func aFileAtTheRootNeverSuggestsClassifyingTheRoot() {
        let advice = DeployPlanner.renamedOverAdvice("config.php")
        #expect(!advice.contains("classify '.'") && advice.contains("folder of its own"), "\(advice)")
    }
}
