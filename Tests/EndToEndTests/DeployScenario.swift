import Foundation
import PersistDeployKit
import PersistDeployTestSupport

/// A deploy root and an app source in a temporary folder, with the tool run in process.
final class DeployScenario: @unchecked Sendable {
    let directory: TemporaryDirectory
    let fileSystem = LocalFileSystem()
    var root: String { directory.path + "/root" }
    var app: String { directory.path + "/app" }
    var clock: Date = Date(timeIntervalSince1970: 1_790_000_000)

    init(_ label: String) throws {
        directory = try TemporaryDirectory(label)
    }

    deinit { directory.remove() }

    /// A Laravel-shaped app: assets, demo uploads, storage, `.env.example`, the absolute
    /// `public/storage` link that `artisan storage:link` makes.
    func writeLaravelApp() throws {
        try write("artisan", "#!/usr/bin/env php\n")
        try write("composer.json", #"{"require": {"laravel/framework": "^11.0"}}"#)
        try write(".env.example", "APP_KEY=\n")
        try write("public/index.php", "<?php require __DIR__.'/../vendor/autoload.php';\n")
        try write("public/css/app.css", "body{}\n")
        try write("public/js/app.js", "console.log(1)\n")
        try write("public/uploads/demo-1.jpg", "demo image 1")
        try write("public/uploads/demo-2.jpg", "demo image 2")
        try write("storage/app/public/.gitignore", "*\n!.gitignore\n")
        try write("storage/logs/.gitignore", "*\n!.gitignore\n")
        try write("bootstrap/app.php", "<?php\n")
        try fileSystem.createSymlink(at: app + "/public/storage", target: "/var/www/app/storage/app/public")
    }

    func write(_ relative: String, _ text: String, under base: String? = nil) throws {
        let path = (base ?? app) + "/" + relative
        try fileSystem.createDirectory(at: PathName.parent(path), permissions: 0o755)
        try fileSystem.writeText(text, to: path)
    }

    func read(_ path: String) -> String? {
        try? fileSystem.readText(at: path)
    }

    /// Runs `persist-deploy` in process; each run is one second later than the last so release
    /// ids differ as they would in real life.
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) -> (status: Int32, stdout: String, stderr: String) {
        clock = clock.addingTimeInterval(1)
        let now = clock
        var context = Context.live()
        context.now = { now }
        context.environment.merge(environment) { $1 }
        context.environment["PERSIST_DEPLOY_ROOT"] = nil
        let output = Captured()
        let status = CommandLineTool.run(
            arguments: arguments, context: context, stdout: { output.append(out: $0) }, stderr: { output.append(err: $0) })
        return (status, output.out, output.err)
    }

    func deploy(_ mode: String = "auto", extra: [String] = []) -> (status: Int32, stdout: String, stderr: String) {
        run([mode, "--root", root, "--from", app] + extra)
    }

    var liveRelease: String? {
        (try? fileSystem.readSymlink(at: root + "/current")).map { PathName.basename($0) }
    }

    var releaseIDs: [String] {
        ((try? fileSystem.listDirectory(at: root + "/releases")) ?? []).filter { !$0.hasPrefix(".") }
    }

    /// Every file under `path` with its content, for comparing data before and after.
    func inventory(_ path: String) -> [String: String] {
        guard let files = try? fileSystem.files(under: path) else { return [:] }
        var result: [String: String] = [:]
        for file in files {
            let full = path + "/" + file
            result[file] = (try? fileSystem.type(at: full)) == .symlink
                ? "link:" + ((try? fileSystem.readSymlink(at: full)) ?? "") : (read(full) ?? "<unreadable>")
        }
        return result
    }
}

/// Collects a command's output.
final class Captured: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var out = ""
    private(set) var err = ""

    func append(out text: String) { lock.withLock { out += text } }
    func append(err text: String) { lock.withLock { err += text } }
}
