import Foundation
import PersistDeployKit
import PersistDeployTestSupport

/// A deploy root and an app in a temporary folder, driven through the built binary the way CI
/// and cron run it: the shared set-up of the crash, concurrency, fault and hostile-input suites.
final class ProofRoot: @unchecked Sendable {
    let directory: TemporaryDirectory
    let tool: ToolRunner
    let fileSystem = LocalFileSystem()
    var root: String
    var app: String { directory.path + "/app" }
    /// The persistent paths of the app `writeApp` makes.
    static let persistentPaths = ["public/uploads", "storage", ".env"]

    init(_ label: String) throws {
        directory = try TemporaryDirectory(label)
        // Others must be able to enter it (the permission tests run as nobody).
        chmod(directory.path, 0o755)
        tool = try ToolRunner()
        root = directory.path + "/root"
    }

    deinit { directory.remove() }

    /// A small Laravel app with demo uploads, storage and `.env.example`.
    func writeApp(at base: String? = nil) throws {
        let base = base ?? app
        try write("artisan", "#!/usr/bin/env php\n", under: base)
        try write("composer.json", #"{"require": {"laravel/framework": "^11.0"}}"#, under: base)
        try write(".env.example", "APP_KEY=\n", under: base)
        try write("public/index.php", "<?php echo 'hello';\n", under: base)
        try write("public/css/app.css", "body{}\n", under: base)
        try write("public/uploads/demo-1.jpg", "demo image 1", under: base)
        try write("storage/app/public/.gitignore", "*\n!.gitignore\n", under: base)
        try write("storage/logs/.gitignore", "*\n!.gitignore\n", under: base)
        try write("bootstrap/app.php", "<?php\n", under: base)
    }

    func write(_ relative: String, _ text: String, under base: String) throws {
        let path = base + "/" + relative
        try fileSystem.createDirectory(at: PathName.parent(path), permissions: 0o755)
        try fileSystem.writeText(text, to: path)
    }

    /// Users' data written the way the running app writes it: through `current/`.
    func writeUserData(_ tag: String) throws {
        try write("public/uploads/\(tag)-avatar.png", "avatar \(tag)", under: root + "/current")
        try write("public/uploads/nested/\(tag)-doc.pdf", "doc \(tag)", under: root + "/current")
        try write("storage/logs/\(tag).log", "log \(tag)", under: root + "/current")
        try "APP_KEY=secret-\(tag)\n".write(toFile: root + "/current/.env", atomically: false, encoding: .utf8)
    }

    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 120) throws -> ToolRunner.Outcome {
        try tool.run(arguments, in: directory.path, environment: environment, timeout: timeout)
    }

    func deploy(_ extra: [String] = [], environment: [String: String] = [:]) throws -> ToolRunner.Outcome {
        try run(["auto", "--root", root, "--from", app] + extra, environment: environment)
    }

    var liveRelease: String? {
        (try? fileSystem.readSymlink(at: root + "/current")).map { PathName.basename($0) }
    }

    /// The app's data in shared/: everything there but the tool's own files.
    func sharedData() throws -> [String: String] {
        try DataInventory.take(root + "/shared").filter { !Self.isToolFile($0.key) }
    }

    static func isToolFile(_ path: String) -> Bool {
        DeployRoot.isToolFileInShared(path)
    }

    /// Data rule 5 after any command or crash: `current` is absent (nothing was live yet, only
    /// when `allowNone`) or a relative link to a release folder whose persistent paths all
    /// resolve. Returns the problems found.
    func currentProblems(allowNone: Bool, allowInPlace: Bool = false) -> [String] {
        let current = root + "/current"
        guard let type = try? fileSystem.type(at: current) else {
            return allowNone ? [] : ["current is missing"]
        }
        if allowInPlace && type == .directory { return [] }
        guard type == .symlink, let text = try? fileSystem.readSymlink(at: current) else {
            return ["current is a \(type), not a link"]
        }
        guard text.hasPrefix("releases/"), !text.dropFirst(9).contains("/"),
              (try? fileSystem.isDirectory(root + "/" + text)) == true
        else { return ["current -> \(text) is not a release folder"] }
        return Self.persistentPaths.compactMap { path in
            (try? fileSystem.status(at: current + "/" + path, followSymlink: true)) == nil
                ? "current/\(path) does not resolve (current -> \(text))" : nil
        }
    }

    /// Every line of the history is one JSON object: no torn or interleaved appends.
    func historyProblems() -> [String] {
        guard let text = try? fileSystem.readText(at: root + "/shared/.deployment-history") else { return [] }
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any] ? nil : "torn history line: \(line)"
        }
    }

    /// `health-check` ends healthy or with warnings only.
    func healthProblems() throws -> [String] {
        let outcome = try run(["health-check", "--root", root])
        return outcome.exitCode <= 1 ? [] : ["health-check exit \(outcome.exitCode): \(outcome.stdout)\(outcome.stderr)"]
    }

    /// Keeps the root as it is now, so each crash run starts from the same state (at the same
    /// path, as records and scripts name it) without repeating its set-up.
    func saveTemplate() throws {
        try fileSystem.removeTree(at: directory.path + "/template")
        guard try fileSystem.exists(root) else { return }
        try fileSystem.copyTree(from: root, to: directory.path + "/template")
    }

    func restoreTemplate() throws {
        try fileSystem.removeTree(at: root)
        if try fileSystem.exists(directory.path + "/template") {
            try fileSystem.copyTree(from: directory.path + "/template", to: root)
        }
    }
}
