import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

@Suite struct DetectCommandsTests {
    struct Output {
        var code: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the tool in process, as if started in `workingDirectory`.
    private func run(_ arguments: [String], in workingDirectory: String = "/") -> Output {
        let out = Captured()
        let err = Captured()
        let context = Context(fileSystem: LocalFileSystem(), environment: [:], workingDirectory: workingDirectory)
        let code = CommandLineTool.run(arguments: arguments, context: context, stdout: out.append, stderr: err.append)
        return Output(code: code, stdout: out.text, stderr: err.text)
    }

    private final class Captured: @unchecked Sendable {
        var text = ""
        func append(_ piece: String) { text += piece }
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func detectPrintsFrameworkWebRootAndEvidence() {
        let output = run(["detect", Fixtures.path("laravel-codecanyon")])
        #expect(output.code == 0)
        #expect(output.stdout.hasPrefix("Framework: laravel\nWeb root:  public/\nEvidence:\n  - an artisan file at the app root\n"))
        #expect(output.stderr.isEmpty)
    }

    @Test func detectDefaultsToTheWorkingDirectory() {
        let output = run(["detect"], in: Fixtures.path("next-app"))
        #expect(output.code == 0)
        #expect(output.stdout.hasPrefix("Framework: next\n"))
    }

    @Test func detectRelativePathResolvesAgainstTheWorkingDirectory() {
        let output = run(["detect", "vue-vite"], in: Fixtures.path(""))
        #expect(output.stdout.hasPrefix("Framework: vue\nWeb root:  dist/\n"))
    }

    @Test func detectJSONCarriesTheContractFieldsAndNothingElseIsOnStdout() throws {
        let output = run(["detect", "--json", Fixtures.path("react-cra")])
        #expect(output.code == 0)
        #expect(output.stdout.hasSuffix("}\n") && output.stdout.filter { $0 == "\n" }.count == 1)
        let object = try json(output.stdout)
        #expect(object["framework"] as? String == "react")
        #expect(object["webRoot"] as? String == "build")
        #expect((object["evidence"] as? [String])?.contains("package.json lists react (^18.2.0) without next") == true)
    }

    @Test func classifyPrintsATableAndWarnings() {
        let output = run(["classify", Fixtures.path("tricky")])
        #expect(output.code == 0)
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("PATH ") && $0.contains("CLASS") && $0.hasSuffix("REASON") })
        #expect(lines.contains { $0.hasPrefix("public/stuff ") && $0.contains(" asset ") })
        #expect(output.stderr.contains("warning: 'public/stuff' matched no rule"))
        #expect(output.stderr.contains("warning: 'public/placeholder-only' matched no rule"))
    }

    @Test func classifyJSONCarriesTheContractFields() throws {
        let output = run(["classify", Fixtures.path("laravel-codecanyon"), "--json"])
        #expect(output.code == 0)
        let object = try json(output.stdout)
        #expect(object["framework"] as? String == "laravel")
        #expect(object["webRoot"] as? String == "public")
        let paths = try #require(object["paths"] as? [[String: Any]])
        let qrcodes = try #require(paths.first { $0["path"] as? String == "public/qrcodes" })
        #expect(qrcodes["kind"] as? String == "dir")
        #expect(qrcodes["class"] as? String == "runtime")
        #expect((qrcodes["reason"] as? String)?.isEmpty == false)
        let storageLink = try #require(paths.first { $0["path"] as? String == "public/storage" })
        #expect(storageLink["linkTarget"] as? String == "storage/app/public")
        #expect(paths.compactMap { $0["path"] as? String } == paths.compactMap { $0["path"] as? String }.sorted())
        #expect(!output.stderr.contains("{"))
    }

    @Test func classifyJSONKeepsWarningsOffStdout() throws {
        let output = run(["classify", "--json", Fixtures.path("tricky")])
        let object = try json(output.stdout)
        #expect((object["warnings"] as? [String])?.count == 2)
        #expect(output.stderr.contains("warning: 'public/stuff'"))
    }

    @Test(arguments: ["detect", "classify"])
    func missingAppDirectoryIsOneLineNamingThePath(_ command: String) {
        let output = run([command, "/nonexistent/app"])
        #expect(output.code == 1)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr == "error: The app directory '/nonexistent/app' does not exist; give the folder that holds the app's code.\n")
    }

    @Test func unreadableAppDirectoryIsOneLine() throws {
        let directory = try TemporaryDirectory("unreadable")
        defer {
            try? LocalFileSystem().setPermissions(at: directory.path, to: 0o700)
            directory.remove()
        }
        try LocalFileSystem().setPermissions(at: directory.path, to: 0o000)
        // Root reads any directory; the check only means something for other users.
        guard getuid() != 0 else { return }
        let output = run(["detect", directory.path])
        #expect(output.code == 1)
        #expect(output.stderr == "error: Cannot read the app directory '\(directory.path)': Permission denied; check its permissions, or run as its owner.\n")
    }

    @Test func typoInTheCommandSuggestsTheRightOne() {
        let output = run(["clasify", "."])
        #expect(output.code == 64)
        #expect(output.stderr.contains("Unknown command 'clasify'. Did you mean 'classify'?"))
        #expect(output.stdout.isEmpty)
    }

    @Test func typoInAnOptionSuggestsTheRightOne() {
        let output = run(["detect", "--jsn"])
        #expect(output.code == 64)
        #expect(output.stderr.contains("Did you mean '--json'?"))
    }

    @Test func badConfigExitsOneNamingTheFile() throws {
        let (directory, app) = try Fixtures.copy("next-app")
        defer { directory.remove() }
        try LocalFileSystem().writeText(#"{"clasify": {}}"#, to: PathName.join(app, "persist-deploy.json"))
        let output = run(["classify", app])
        #expect(output.code == 1)
        #expect(output.stderr.hasPrefix("error: \(app)/persist-deploy.json: unknown key 'clasify' (line 1); expected webRoot, classify, remove, webUser, webGroup or hooks. Did you mean 'classify'?\n"))
    }
}
