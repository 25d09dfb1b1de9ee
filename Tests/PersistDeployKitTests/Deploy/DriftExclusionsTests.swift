import PersistDeployKit
import Testing

/// What a drift scan passes over: an excluded path and everything below it, by bytes, and
/// nothing that merely shares a prefix or a canonically equivalent spelling.
@Suite struct DriftExclusionsTests {
    let exclusions = DriftExclusions(["public/uploads", "./storage/", "caf\u{E9}", "a/b/c", "-rf", "new\nline"])

    @Test(arguments: ["public/uploads", "public/uploads/x.jpg", "public/uploads/a/b", "storage", "storage/logs/l.log",
                      "caf\u{E9}/x", "a/b/c", "a/b/c/d", "-rf/x", "new\nline"])
    func anExcludedPathAndWhatIsBelowItAreCovered(path: String) {
        #expect(exclusions.covers(path))
    }

    @Test(arguments: ["public", "public/uploads2", "public/upload", "public/uploadsx/y", "storagex", "cafe\u{301}/x", "a/b",
                      "a/bc/d", "a", "rf", "new"])
    func neighboursAndOtherSpellingsAreNot(path: String) {
        #expect(!exclusions.covers(path))
    }

    @Test func noExclusionsCoverNothing() {
        #expect(!DriftExclusions([String]()).covers("anything"))
    }
}
