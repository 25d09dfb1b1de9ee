import Foundation
import PersistDeployKit
import Testing

/// The recipes under `docs/recipes` call only commands and options the tool has, so a renamed
/// flag breaks this test instead of a user's pipeline. (Their YAML/PHP/Ruby syntax is checked by
/// `scripts/check-recipes.sh`, which needs interpreters the test machine may lack.)
@Suite struct RecipesTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let recipeFiles: [String] = {
        let folder = repository.appendingPathComponent("docs/recipes").path
        let names = (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String]) ?? []
        return names.filter { !$0.hasSuffix(".md") && !$0.hasSuffix(".ini") }
            .map { "\(folder)/\($0)" }
            .filter { path in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            }
            .sorted()
    }()

    /// Each call of the tool in `text`: the command word and the `--options` that follow it.
    /// A call is a line naming `persist-deploy` and `--root`, in shell (`persist-deploy auto
    /// --root`), Ruby (`:'persist-deploy', "auto"`) or YAML-list (`[persist-deploy, auto,`) form,
    /// joined with the lines that continue it (after `\\` or `,`, or starting with PHP's `.`).
    static func invocations(in text: String) -> [(command: String, options: [String])] {
        var lines: [String] = []
        for line in text.split(separator: "\n").map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let last = lines.last?.trimmingCharacters(in: .whitespaces),
                last.hasSuffix("\\") || last.hasSuffix(",") || trimmed.hasPrefix(". ")
            {
                lines[lines.count - 1] = String(last.dropLast(last.hasSuffix("\\") ? 1 : 0)) + " " + trimmed
            } else {
                lines.append(line)
            }
        }
        return lines.filter { $0.contains("persist-deploy") && $0.contains("--root") }.compactMap { line in
            guard let start = line.range(of: "persist-deploy") else { return nil }
            let words = line[start.upperBound...]
                .split(whereSeparator: { " ,'\"[]:".contains($0) })
                .map(String.init)
            guard let command = words.first else { return nil }
            let options = words.filter { $0.hasPrefix("--") }.map { String($0.prefix { $0 != "=" }) }
            return (command, options)
        }
    }

    @Test func thereAreRecipes() {
        #expect(Self.recipeFiles.count >= 5, "\(Self.recipeFiles)")
    }

    @Test(arguments: recipeFiles)
    func recipeCallsOnlyKnownCommandsAndOptions(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let calls = Self.invocations(in: text)
        #expect(!calls.isEmpty, "no persist-deploy call with --root found in \(path)")
        for call in calls {
            let command = CommandTable.command(named: call.command)
            #expect(command != nil, "\(path): unknown command '\(call.command)'")
            let known = Set(command?.allOptions.map(\.name) ?? [])
            for option in call.options {
                #expect(known.contains(option), "\(path): '\(call.command)' has no option \(option)")
            }
        }
    }

    @Test func invocationsAreFoundInEveryForm() {
        let text = """
            ssh host "persist-deploy auto --root '$R' \\
                --from x.tar.gz --wait 300"
            execute :'persist-deploy', "rollback", "--root", deploy_to, "--wait", "300"
            argv: [persist-deploy, health-check, --root, "{{ deploy_root }}"]
            run('persist-deploy auto --root {{deploy_path}} --release ' . escapeshellarg($release)
                . ' --no-activate');
            # persist-deploy decides what is persistent
            """
        let calls = Self.invocations(in: text)
        #expect(calls.map(\.command) == ["auto", "rollback", "health-check", "auto"])
        #expect(calls.last?.options == ["--root", "--release", "--no-activate"])
        #expect(calls.first?.options == ["--root", "--from", "--wait"])
    }
}
