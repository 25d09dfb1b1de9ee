import Testing

@testable import PersistDeployKit

/// The advice when the app renamed a file over its link into shared/: classify the file's
/// folder, never the app root ('.', which persist-deploy.json refuses).
@Suite struct ReplacedLinkAdviceTests {
    @Test func aFileInAFolderPointsAtTheFolder() {
        let advice = DeployPlanner.renamedOverAdvice("conf/local.php")
        #expect(advice.contains("classify its folder 'conf'") && advice.contains("only if the release ships nothing there"), "\(advice)")
    }

    @Test func aFileAtTheRootNeverSuggestsClassifyingTheRoot() {
        let advice = DeployPlanner.renamedOverAdvice("config.php")
        #expect(!advice.contains("classify '.'") && advice.contains("folder of its own"), "\(advice)")
    }
}
