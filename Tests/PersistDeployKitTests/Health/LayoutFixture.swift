import Foundation
import PersistDeployKit
import PersistDeployTestSupport

/// A real deploy root in a temporary directory, built the way a deploy leaves it, with the
/// safety net generated into shared/.
struct LayoutFixture {
    static let live = "2026-11-22_14-30-00"
    static let older = "2026-11-21_09-00-00"

    let temporary: TemporaryDirectory
    let root: DeployRoot
    let record: PersistenceRecord
    let fileSystem = LocalFileSystem()

    /// A Laravel app: storage/, .env, public/uploads (user), public/storage -> storage/app/public,
    /// public/css and public/js (assets), plus `extraUserFolder` under public/ when given.
    /// With `sharedElsewhere`, shared/ lives outside the root (`--shared DIR`).
    /// `disposable` paths are classified so, and shipped with a file in each.
    init(label: String = "layout", extraUserFolder: String? = nil, sharedElsewhere: Bool = false, disposable: [String] = []) throws {
        temporary = try TemporaryDirectory(label)
        let site = PathName.join(temporary.path, "site")
        root = DeployRoot(path: site, shared: sharedElsewhere ? PathName.join(temporary.path, "data/shared") : nil)
        var record = Self.laravelRecord(root: root, extraUserFolder: extraUserFolder)
        for path in disposable {
            record.paths.append(ClassifiedPath(path: path, kind: .dir, class: .disposable, reason: "a cache"))
        }
        self.record = record
        try build()
    }

    static func laravelRecord(root: DeployRoot, extraUserFolder: String? = nil) -> PersistenceRecord {
        var paths = [
            ClassifiedPath(path: ".env", kind: .file, class: .config, reason: "Laravel's per-server settings"),
            ClassifiedPath(path: "public/css", kind: .dir, class: .asset, reason: "css ships with the code"),
            ClassifiedPath(path: "public/js", kind: .dir, class: .asset, reason: "js ships with the code"),
            ClassifiedPath(path: "public/storage", kind: .dir, class: .user, reason: "Laravel's public disk link",
                           linkTarget: "storage/app/public"),
            ClassifiedPath(path: "public/uploads", kind: .dir, class: .user, reason: "uploads are made by users"),
            ClassifiedPath(path: "storage", kind: .dir, class: .runtime, reason: "Laravel writes logs, cache and sessions here"),
        ]
        if let extraUserFolder {
            paths.append(ClassifiedPath(path: "public/" + extraUserFolder, kind: .dir, class: .user, reason: "named in persist-deploy.json"))
        }
        let detection = DetectionResult(framework: .laravel, webRoot: "public", evidence: ["artisan is present"])
        return PersistenceRecord(
            classification: Classification(detection: detection, paths: paths.sorted { $0.path < $1.path }),
            root: root, updated: "2026-11-22T14:30:00Z")
    }

    private func build() throws {
        let fs = fileSystem
        for id in [Self.older, Self.live] {
            let release = root.release(id)
            try fs.createDirectory(at: PathName.join(release, "public/css"), permissions: 0o755)
            try fs.createDirectory(at: PathName.join(release, "public/js"), permissions: 0o755)
            try fs.writeText("body{}\n", to: PathName.join(release, "public/css/app.css"))
            try fs.writeText("<?php require __DIR__.'/../vendor/autoload.php';\n", to: PathName.join(release, "public/index.php"))
            try fs.createSymlink(at: PathName.join(release, "public/storage"), target: "../storage/app/public")
            try fs.createDirectory(at: PathName.join(release, "public/img"), permissions: 0o755)
            try fs.writeText("png\n", to: PathName.join(release, "public/img/logo.png"))
            for path in record.paths where path.class == .disposable {
                try fs.createDirectory(at: PathName.join(release, path.path), permissions: 0o755)
                try fs.writeText("", to: PathName.join(release, path.path + "/.gitignore"))
            }
        }
        try fs.createDirectory(at: root.sharedPath("storage/app/public"), permissions: 0o755)
        try fs.writeText("avatar\n", to: root.sharedPath("storage/app/public/avatar.png"))
        try fs.writeText("log line\n", to: root.sharedPath("storage/laravel.log"))
        try fs.writeText("APP_KEY=secret\n", to: root.sharedPath(".env"), permissions: 0o600)
        for persistent in record.persistentPaths where persistent.kind == .dir {
            try fs.createDirectory(at: root.sharedPath(persistent.path), permissions: 0o755)
        }
        try fs.writeText("photo\n", to: root.sharedPath("public/uploads/photo.jpg"))
        let expectations = LayoutExpectations(record: record, root: root)
        for id in [Self.older, Self.live] {
            for persistent in expectations.persistent {
                let link = PathName.join(root.release(id), persistent.path)
                try fs.createDirectory(at: PathName.parent(link), permissions: 0o755)
                try fs.createSymlink(at: link, target: persistent.linkText)
            }
        }
        // What each release held when it went live, as a deploy records it.
        for id in [Self.older, Self.live] {
            try recordTree(of: id)
        }
        try fs.createSymlink(at: root.current, target: "releases/" + Self.live)
        try record.save(to: root, fileSystem: fs)
        let history = [
            HistoryRecord(release: Self.older, time: "2026-11-21T09:00:00Z", outcome: .activated, framework: .laravel,
                          paths: [PathRecord(path: "storage", class: .runtime, action: .seeded)], host: "web1", user: "deploy"),
            HistoryRecord(release: Self.live, time: "2026-11-22T14:30:00Z", outcome: .activated, framework: .laravel,
                          paths: [PathRecord(path: "storage", class: .runtime, action: .linked)], host: "web1", user: "deploy"),
        ]
        for entry in history { try DeploymentHistory.append(entry, to: root, fileSystem: fs) }
        try SafetyNet.write(root: root, record: record, history: history, publicHTML: nil, fileSystem: fs)
    }

    /// Records release `id`'s manifest as it is now (as a deploy does just before the switch).
    func recordTree(of id: String) throws {
        let tree = try DriftScanner(fileSystem: fileSystem).record(root.release(id), disposable: record.paths.filter { $0.class == .disposable }.map(\.path))
        try fileSystem.createDirectory(at: root.manifests, permissions: 0o755)
        try fileSystem.writeFile(at: root.treeManifest(of: id), contents: tree.bytes, permissions: 0o644)
    }

    /// The live release's folder.
    var liveRelease: String { root.release(Self.live) }

    /// Every file under shared/ that belongs to the app (tool files left out).
    func userFiles() throws -> [String] {
        try fileSystem.files(under: root.shared).filter { !DeployRoot.toolFilesInShared.contains($0) }
    }

    func remove() { temporary.remove() }
}

/// The outcome of running a program.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `executable` with `arguments` in `directory` and waits.
func runProcess(_ executable: String, _ arguments: [String], in directory: String) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting so a full pipe cannot block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs a generated script of `fixture` with bash.
func runScript(_ fixture: LayoutFixture, _ name: String, _ arguments: [String] = []) throws -> ProcessResult {
    try runProcess("/bin/bash", [fixture.root.sharedPath(name)] + arguments, in: fixture.temporary.path)
}
