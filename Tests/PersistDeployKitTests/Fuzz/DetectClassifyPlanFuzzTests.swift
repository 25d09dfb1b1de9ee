import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Random app trees and random `persist-deploy.json` files (seeded, bounded in count and time)
/// through detect, classify and plan, in memory: nothing traps, every failure is a `ToolError`
/// with a message, and no planned operation writes outside the deploy root.
@Suite struct DetectClassifyPlanFuzzTests {
    static let cases = 500
    static let timeBudget: Duration = .seconds(30)

    static let names = [
        "uploads", "css", "js", "images", "qrcodes", "invoices", "cache", "storage", "media", "build", "vendor", "fonts",
        "with space", "q'uote", "$(touch x)", "`x`", "*", "-rf", "new\nline", "é", String(repeating: "n", count: 255), ".hidden", "..x",
    ]
    static let classes = ["asset", "user", "runtime", "config", "precious", "", "USER"]
    static let paths = [
        "public/uploads", "public/css", "storage", ".env", "database/app.sqlite", "../x", "/etc", "", ".", "public/../..",
        "public/uploads/a", "public//uploads/", "wp-content/uploads", "public/\u{0}x", "~/x", "public/*", String(repeating: "a/", count: 300),
    ]

    struct Case {
        var generator: SeededGenerator
        mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &generator)! }
        mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &generator) < percent }
        mutating func jsonValue(depth: Int = 0) -> String {
            switch Int.random(in: 0..<(depth > 3 ? 4 : 7), using: &generator) {
            case 0: return "\"\(pick(Self.escaped(DetectClassifyPlanFuzzTests.paths + DetectClassifyPlanFuzzTests.classes)))\""
            case 1: return pick(["0", "-1", "1e308", "1e999", "true", "null", "3.5"])
            case 2: return "\"public\""
            case 3: return "[]"
            case 4: return "[" + (0..<Int.random(in: 0..<3, using: &generator)).map { _ in jsonValue(depth: depth + 1) }.joined(separator: ",") + "]"
            default:
                let keys = (0..<Int.random(in: 0..<4, using: &generator)).map { _ in
                    "\"\(pick(Self.escaped(["webRoot", "classify", "remove", "webroot", "x"] + DetectClassifyPlanFuzzTests.paths)))\": \(jsonValue(depth: depth + 1))"
                }
                return "{" + keys.joined(separator: ", ") + "}"
            }
        }
        static func escaped(_ items: [String]) -> [String] {
            items.map { $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\u{0}", with: "\\u0000") }
        }

        /// The config: a plausible one, a random JSON value, or a mangled text.
        mutating func config() -> String {
            switch Int.random(in: 0..<4, using: &generator) {
            case 0:
                let entries = (0..<Int.random(in: 1..<4, using: &generator)).map { _ in
                    "\"\(pick(Self.escaped(DetectClassifyPlanFuzzTests.paths)))\": \"\(pick(DetectClassifyPlanFuzzTests.classes))\""
                }
                return "{\"webRoot\": \"public\", \"classify\": {\(entries.joined(separator: ", "))}}"
            case 1: return jsonValue()
            case 2:
                var text = Array(jsonValue().utf8)
                for _ in 0..<Int.random(in: 1..<4, using: &generator) where !text.isEmpty {
                    text[Int.random(in: 0..<text.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                return String(decoding: text, as: UTF8.self)
            default: return ""
            }
        }
    }

    /// A random app under /app and, sometimes, a deploy root already holding things.
    static func makeTree(_ fuzz: inout Case) throws -> InMemoryFileSystem {
        let fileSystem = InMemoryFileSystem()
        func write(_ path: String, _ text: String) throws {
            try fileSystem.createDirectory(at: PathName.parent(path), permissions: 0o755)
            try fileSystem.writeFile(at: path, contents: Array(text.utf8), permissions: 0o644)
        }
        try fileSystem.createDirectory(at: "/app", permissions: 0o755)
        switch Int.random(in: 0..<7, using: &fuzz.generator) {
        case 0:
            try write("/app/artisan", "")
            try write("/app/composer.json", fuzz.chance(80) ? #"{"require": {"laravel/framework": "^11.0"}}"# : fuzz.config())
        case 1: try write("/app/package.json", #"{"dependencies": {"\#(fuzz.pick(["next", "vue", "react", "react-scripts", "vite"]))": "1"}}"#)
        case 2: try write("/app/package.json", fuzz.config())
        case 3: try write("/app/\(fuzz.pick(["public/", "", "www/"]))index.php", "<?php")
        case 4: try write("/app/wp-config.php", "<?php")
        default: break
        }
        let webRoot = fuzz.pick(["/app/public", "/app", "/app/dist", "/app/build", "/app/www"])
        for _ in 0..<Int.random(in: 0..<8, using: &fuzz.generator) {
            let folder = PathName.join(webRoot, fuzz.pick(names))
            switch Int.random(in: 0..<5, using: &fuzz.generator) {
            case 0: try? fileSystem.createDirectory(at: folder, permissions: 0o755)
            case 1:
                try? fileSystem.createDirectory(at: webRoot, permissions: 0o755)
                try? fileSystem.createSymlink(at: folder, target: fuzz.pick(["/etc", "..", "loop", folder, "../storage", "x/y"]))
            case 2: if (try? fileSystem.type(at: PathName.parent(folder))) == .directory || PathName.parent(folder) == webRoot { try? write(folder, "a file where a folder may be") }
            default: try? write(PathName.join(folder, fuzz.pick(names)), "data")
            }
        }
        if fuzz.chance(50) { try? write("/app/.gitignore", (0..<3).map { _ in fuzz.pick(["/public/uploads", "*.log", "!keep", "public/*", "**/cache", "[", "\\", "/storage/*"]) }.joined(separator: "\n")) }
        if fuzz.chance(40) { try? write("/app/.env.example", "KEY=") }
        if fuzz.chance(45) { try? write("/app/persist-deploy.json", fuzz.config()) }
        if fuzz.chance(30) {
            try write("/root/shared/public/uploads/old.jpg", "users' file")
            if fuzz.chance(50) { try? fileSystem.createSymlink(at: "/root/current", target: fuzz.pick(["releases/2026-01-01_00-00-00", "/etc", "nowhere"])) }
            if fuzz.chance(50) { try write("/root/shared/.persistence-config", fuzz.config()) }
            if fuzz.chance(30) { try write("/root/shared/.deployment-history", "{not json\n" + fuzz.config()) }
        }
        return fileSystem
    }

    /// Paths an operation writes, removes or changes.
    static func writtenPaths(_ operation: DeployOperation) -> [String] {
        switch operation {
        case .removeLeftover(let path), .createDirectory(let path), .removeReleaseCopy(let path), .removeRelease(let path, _, _): [path]
        case .copyRelease(_, let to), .extractRelease(_, let to), .addMissingFiles(_, let to, _), .copyFile(_, let to, _): [to]
        case .publishRelease(let from, let to), .moveIntoShared(let from, let to), .mergeMoveIntoShared(let from, let to, _),
             .mergeReleaseCopyIntoShared(let from, let to, _): [from, to]
        case .rotateHistory(let shared, _, _): [shared]
        case .adoptInPlaceSite(let current, let release): [current, release]
        case .adoptLiveData(let root, let shared, let release, let path): [root + "/releases/" + release + "/" + path, shared + "/" + path]
        case .createEmptyFile(let path, _), .link(let path, _), .setPermissions(let path, _), .writeFile(let path, _, _): [path]
        case .restrictSecret(let path), .protectToolFiles(let path): [path]
        case .grantWebGroup(let grant): [grant.path]
        case .runHook(let hook): [hook.releasePath]
        case .verifyLinks, .checkRelease, .recheckLiveRelease: []
        case .switchCurrent(let root, _), .appendHistory(let root, _, _): [root]
        case .replaceEmptyFolderWithLink(let path, _), .replaceLinkWithFolder(let path): [path]
        case .moveDataToServedFolder(let shared, let served, _, _): [shared, served]
        case .syncServedFolder(_, let to, _, _): [to]
        case .recordReleaseTree(_, let manifest, _): [manifest]
        case .leaveBehind(let release, _, _, let to): [release, to]
        }
    }

    @Test func randomAppsAndConfigsGiveAPlanOrAClearError() throws {
        let clock = ContinuousClock()
        let start = clock.now
        var problems: [String] = []
        var outcomes: [String: Int] = [:]
        var ran = 0
        for seed in 0..<UInt64(Self.cases) where clock.now - start < Self.timeBudget {
            ran += 1
            var fuzz = Case(generator: SeededGenerator(seed: seed))
            let fileSystem = try Self.makeTree(&fuzz)
            let root = DeployRoot(path: "/root")
            func clear(_ error: ToolError, _ stage: String) {
                outcomes["\(stage) error", default: 0] += 1
                if error.message.isEmpty || error.message.contains("bug in persist-deploy") || (error.hint ?? "").contains("bug in persist-deploy") {
                    problems.append("seed \(seed), \(stage): \(error)")
                }
            }
            do {
                _ = try FrameworkDetector(fileSystem: fileSystem).detect(appDirectory: "/app")
            } catch { clear(error, "detect") }
            let classification: Classification
            do {
                classification = try Classifier(fileSystem: fileSystem).classify(appDirectory: "/app")
            } catch {
                clear(error, "classify")
                continue
            }
            for path in classification.paths where path.path.hasPrefix("/") || PathName.components(path.path).contains("..") {
                problems.append("seed \(seed): classify returned a path outside the app: \(path.path)")
            }
            do {
                let state = try DeployState.read(root, fileSystem: fileSystem)
                var request = DeployRequest()
                request.source = .directory(path: "/app")
                request.mode = fuzz.pick([.auto, .first, .subsequent])
                let planner = DeployPlanner(fileSystem: fileSystem, root: root, now: Date(timeIntervalSince1970: 1_790_000_000), host: "h", user: "u")
                let target = try planner.target(for: request, state: state)
                let plan = try planner.plan(request, target: target, classification: classification, state: state, prelude: target.staging)
                outcomes["plan", default: 0] += 1
                for operation in plan.operations {
                    for path in Self.writtenPaths(operation) where !PathName.isWithin(path, root.path) {
                        problems.append("seed \(seed): '\(operation.describe(relativeTo: root.path))' writes outside the root: \(path)")
                    }
                }
            } catch { clear(error, "plan") }
        }
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
        let summary = outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        ProofResults.record(
            suite: "fuzz", scenario: "random app trees and persist-deploy.json files (seeded) through detect, classify and plan, in memory: no trap, every error a ToolError, no write outside the root (\(summary))",
            runs: ran, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }
}
