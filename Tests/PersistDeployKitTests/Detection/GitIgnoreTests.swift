import PersistDeployKit
import Testing

@Suite struct GitIgnoreTests {
    private func rules(_ files: [(base: String, contents: String)]) -> GitIgnore {
        var gitIgnore = GitIgnore()
        for file in files { gitIgnore.add(contents: file.contents, base: file.base) }
        return gitIgnore
    }

    @Test(arguments: [
        ("/public/uploads", ""), ("public/uploads/", ""), ("public/uploads", ""), ("uploads/", "public"), ("uploads", ""),
        ("/public/upl*", ""), ("**/uploads", ""), ("public/**/uploads", ""), ("[Uu]ploads/", "public"),
    ])
    func ignoresTheDirectory(_ pattern: String, _ base: String) {
        let gitIgnore = rules([(base, "# comment\n\n" + pattern + "\n")])
        #expect(gitIgnore.ignoringRule(for: "public/uploads", isDirectory: true)?.text == pattern)
    }

    @Test(arguments: ["/uploads", "css/", "public/uploads/x", "!public/uploads", "public/?ploads/a"])
    func leavesTheDirectoryTracked(_ pattern: String) {
        #expect(rules([("", pattern)]).ignoringRule(for: "public/uploads", isDirectory: true) == nil)
    }

    @Test func directoryOnlyPatternsSkipFiles() {
        let gitIgnore = rules([("", "uploads/")])
        #expect(gitIgnore.ignoringRule(for: "public/uploads", isDirectory: false) == nil)
    }

    @Test func ignoreEverythingInsideTheDirectoryItselfIgnoresItsContentsNotIt() {
        let gitIgnore = rules([("public/qrcodes", "*\n!.gitignore\n")])
        #expect(gitIgnore.ignoringRule(for: "public/qrcodes", isDirectory: true) == nil)
        #expect(gitIgnore.contentsIgnoringRule(for: "public/qrcodes")?.file == "public/qrcodes/.gitignore")
        #expect(gitIgnore.ignoringRule(for: "public/qrcodes/.gitignore", isDirectory: false) == nil)
    }

    @Test func negationUnignoresLaterButNotInsideAnIgnoredDirectory() {
        let gitIgnore = rules([("", "*.log\n!keep.log\n/storage/\n!/storage/app.log\n")])
        #expect(gitIgnore.ignoringRule(for: "a.log", isDirectory: false) != nil)
        #expect(gitIgnore.ignoringRule(for: "keep.log", isDirectory: false) == nil)
        #expect(gitIgnore.ignoringRule(for: "storage/app.log", isDirectory: false)?.text == "/storage/")
    }

    @Test func deeperFilesWin() {
        let gitIgnore = rules([("", "uploads/"), ("public", "!uploads/")])
        #expect(gitIgnore.ignoringRule(for: "public/uploads", isDirectory: true) == nil)
    }

    @Test func literalRulesNameAPath() {
        let gitIgnore = rules([("", "/config.php\n*.sqlite\n")])
        #expect(gitIgnore.rules.map(\.isLiteral) == [true, false])
        #expect(gitIgnore.rules[0].literalPath == "config.php")
    }
}
