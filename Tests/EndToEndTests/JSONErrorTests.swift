import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The contract's promise to scripts: every command that fails with `--json` prints exactly one
/// JSON object on stdout, `{"error": string, "hint": string, "exitCode": n}`, and nothing else
/// there; the words for people go to stderr. Run through the built binary, as CI runs it.
@Suite struct JSONErrorTests {
    /// One failing call of a command: its arguments (`ROOT`, `EMPTY` and `APP` stand for a missing
    /// root, an empty existing folder and the scenario's app) and the exit code it must give.
    struct Failure: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var exitCode: Int32
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let failures: [Failure] = [
        Failure(arguments: ["detect", "ROOT"], exitCode: 1),
        Failure(arguments: ["classify", "ROOT"], exitCode: 1),
        Failure(arguments: ["auto", "--root", "ROOT"], exitCode: 1),
        Failure(arguments: ["first", "--root", "EMPTY"], exitCode: 1),
        Failure(arguments: ["subsequent", "--root", "ROOT", "--from", "ROOT/app"], exitCode: 1),
        Failure(arguments: ["plan", "--root", "EMPTY"], exitCode: 1),
        Failure(arguments: ["deploy", "EMPTY/releases/x", "EMPTY/shared"], exitCode: 1),
        // A root health-check cannot find is unhealthy (1 would read as warnings only).
        Failure(arguments: ["health-check", "--root", "ROOT"], exitCode: 2),
        Failure(arguments: ["recover", "--root", "EMPTY"], exitCode: 1),
        Failure(arguments: ["rollback", "--root", "EMPTY"], exitCode: 1),
        Failure(arguments: ["releases", "--root", "ROOT"], exitCode: 1),
        Failure(arguments: ["status", "--root", "ROOT"], exitCode: 1),
        Failure(arguments: ["backup", "--root", "ROOT"], exitCode: 1),
        Failure(arguments: ["backups", "--root", "ROOT"], exitCode: 1),
        Failure(arguments: ["restore", "--root", "EMPTY", "--yes"], exitCode: 1),
        Failure(arguments: ["generate", "--root", "EMPTY"], exitCode: 1),
        Failure(arguments: ["bundle", "ROOT", "--remote-root", "/srv/app", "--out", "EMPTY/out"], exitCode: 1),
        Failure(arguments: ["completions", "tcsh"], exitCode: 64),
        Failure(arguments: ["help", "nosuch"], exitCode: 64),
        // Usage errors: the parser has not read --json yet, and must still answer in JSON.
        Failure(arguments: ["deplyo"], exitCode: 64),
        Failure(arguments: ["auto", "--bogus"], exitCode: 64),
        Failure(arguments: ["detect", "a", "b"], exitCode: 64),
        Failure(arguments: ["auto", "--keep", "many"], exitCode: 64),
        Failure(arguments: ["auto", "--keep", "2", "--keep", "3"], exitCode: 64),
        Failure(arguments: ["plan", "--verify", "true"], exitCode: 64),
    ]

    /// The object the contract promises, read strictly: one line, one object, three fields.
    struct ErrorObject: Decodable {
        var error: String
        var hint: String
        var exitCode: Int32
    }

    static func errorObject(_ stdout: String) throws -> ErrorObject {
        #expect(stdout.hasSuffix("\n") && stdout.split(separator: "\n").count == 1, "not one line: \(stdout)")
        return try JSONDecoder().decode(ErrorObject.self, from: Data(stdout.utf8))
    }

    @Test(arguments: failures)
    func everyFailureIsOneJSONObjectOnStdout(failure: Failure) throws {
        let temporary = try TemporaryDirectory("json-error")
        defer { temporary.remove() }
        let empty = PathName.join(temporary.path, "empty")
        try LocalFileSystem().createDirectory(at: empty, permissions: 0o755)
        let missing = PathName.join(temporary.path, "no such root")
        let arguments = failure.arguments.map { argument in
            argument.replacingOccurrences(of: "EMPTY", with: empty).replacingOccurrences(of: "ROOT", with: missing)
        } + ["--json"]
        let outcome = try ToolRunner().run(arguments, in: temporary.path, environment: ["NO_COLOR": "1"])
        #expect(outcome.exitCode == failure.exitCode, "\(outcome)")
        let object = try Self.errorObject(outcome.stdout)
        #expect(object.exitCode == outcome.exitCode)
        #expect(!object.error.isEmpty, "\(outcome.stdout)")
        #expect(outcome.stderr.contains("error: " + object.error), "\(outcome)")
    }

    /// `--json` alone, before any command, is still answered in JSON.
    @Test func jsonBeforeTheCommandIsAnsweredInJSON() throws {
        let temporary = try TemporaryDirectory("json-first")
        defer { temporary.remove() }
        let outcome = try ToolRunner().run(["--json", "detect"], in: temporary.path)
        #expect(outcome.exitCode == 64)
        #expect(try Self.errorObject(outcome.stdout).exitCode == 64)
    }

    /// What a `--verify` command prints must not reach stdout, where the object is alone.
    @Test func aFailedVerifyIsOneObjectWhateverTheCommandPrinted() throws {
        let scenario = try DeployScenario("json-verify")
        try scenario.writeLaravelApp()
        let tool = try ToolRunner()
        let first = try tool.run(["auto", "--root", scenario.root, "--from", scenario.app], in: scenario.directory.path)
        #expect(first.exitCode == 0, "\(first)")
        let second = try tool.run(
            ["auto", "--root", scenario.root, "--from", scenario.app, "--verify", "echo noise from the check; exit 3", "--json"],
            in: scenario.directory.path)
        #expect(second.exitCode == 1, "\(second)")
        let object = try Self.errorObject(second.stdout)
        #expect(object.error.contains("--verify"))
        #expect(second.stderr.contains("noise from the check"))
    }

    /// A command that has something to report besides the failure (what `recover` did and could
    /// not do) puts it beside the three fields, in the same one object.
    @Test func aFailureCarriesTheCommandsOwnFields() throws {
        let scenario = try DeployScenario("json-recover")
        try scenario.writeLaravelApp()
        let tool = try ToolRunner()
        #expect(try tool.run(["auto", "--root", scenario.root, "--from", scenario.app], in: scenario.directory.path).exitCode == 0)
        try scenario.fileSystem.rename(scenario.root + "/shared/public/uploads", to: scenario.directory.path + "/uploads-elsewhere", replacing: false)
        let outcome = try tool.run(["recover", "--root", scenario.root, "--json"], in: scenario.directory.path)
        #expect(outcome.exitCode == 1, "\(outcome)")
        #expect(try Self.errorObject(outcome.stdout).exitCode == 1)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let problems = try #require(fields["problems"] as? [String])
        #expect(problems.contains { $0.contains("shared/public/uploads is missing") }, "\(problems)")
        #expect(fields["health"] as? String == "failed")
    }
}
