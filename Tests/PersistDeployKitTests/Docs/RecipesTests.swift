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

    /// One call of the tool: its command word, the `--options` after it, and whether it names the
    /// binary through a variable holding its path (`$PERSIST_DEPLOY`, `{{ persist_deploy }}`,
    /// `fetch(:persist_deploy)`) rather than as a bare `persist-deploy` looked up on `PATH`.
    struct Call {
        var command: String
        var options: [String]
        var byPath: Bool
    }

    /// Each call of the tool in `text`. A call is a line naming the tool and `--root`, in shell
    /// (`$PERSIST_DEPLOY auto --root`), Ruby (`fetch(:persist_deploy), "auto"`), PHP
    /// (`{{persist_deploy}} auto`) or YAML-list (`["{{ persist_deploy }}", auto,`) form, joined
    /// with the lines that continue it (after `\\` or `,`, or starting with PHP's `.`).
    static func invocations(in text: String) -> [Call] {
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
        return lines.filter { $0.contains("--root") }.compactMap { line in
            guard let name = line.firstRange(of: /(?i)persist[-_]deploy/) else { return nil }
            let words = line[name.upperBound...]
                .split(whereSeparator: { " ,'\"[]:".contains($0) })
                .map(String.init)
            guard let command = words.first(where: { $0.wholeMatch(of: /[a-z][a-z-]*/) != nil }) else { return nil }
            let options = words.filter { $0.hasPrefix("--") }.map { String($0.prefix { $0 != "=" }) }
            return Call(command: command, options: options, byPath: line[name] != "persist-deploy")
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

    /// Over ssh without a terminal `~/.local/bin` is not on `PATH`: every call names the binary
    /// by its path. And a rollback undoes only the release its own run made live.
    @Test(arguments: recipeFiles)
    func recipesCallTheBinaryByPathAndRollBackOnlyTheirOwnRelease(path: String) throws {
        let calls = Self.invocations(in: try String(contentsOfFile: path, encoding: .utf8))
        for call in calls {
            #expect(call.byPath, "\(path): '\(call.command)' calls persist-deploy from PATH")
            if call.command == "rollback" {
                #expect(call.options.contains("--if-current"), "\(path): a rollback without --if-current")
            }
        }
    }

    @Test func invocationsAreFoundInEveryForm() {
        let text = """
            ssh host "$PERSIST_DEPLOY auto --root '$R' \\
                --from x.tar.gz --wait 300"
            execute fetch(:persist_deploy), "rollback", "--root", deploy_to, "--if-current", id
            argv: ["{{ persist_deploy }}", health-check, --root, "{{ app_root }}", --quiet]
            run('{{persist_deploy}} auto --root {{deploy_path}} --release ' . escapeshellarg($release)
                . ' --no-activate');
            ssh host "persist-deploy status --root /srv/app"
            # persist-deploy decides what is persistent
            """
        let calls = Self.invocations(in: text)
        #expect(calls.map(\.command) == ["auto", "rollback", "health-check", "auto", "status"])
        #expect(calls[3].options == ["--root", "--release", "--no-activate"])
        #expect(calls[0].options == ["--root", "--from", "--wait"])
        #expect(calls.map(\.byPath) == [true, true, true, true, false])
    }
}
