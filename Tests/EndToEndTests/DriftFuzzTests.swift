import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Data rule 4 under random writes: random app trees, the running app writing anywhere in the
/// live release (new files, new folders, shipped files changed, uploads), then a deploy of a new
/// version, with or without `--leave-behind`. Not one written byte may vanish: each is where the
/// app can read it through `current/`, or still in the live release after a stop, or in
/// `left-behind/`.
@Suite struct DriftFuzzTests {
    static let names = ["a", "b c", "it's", "$(x)", "-n", "q\"", "日本", "x.jpg", "y.php", "z.sqlite", ".hidden", "line\nbreak"]

    @Test func randomWritesAreNeverLost() throws {
        var random = SeededGenerator(seed: 20_261_130)
        var stops = 0
        var leftBehind = 0
        var kept = 0
        for round in 0..<25 {
            let scenario = try DeployScenario("drift-fuzz-\(round)")
            var shipped: [String] = []
            try scenario.write("public/index.php", "<?php echo 1;\n")
            try scenario.write("public/uploads/.gitkeep", "")
            for _ in 0..<Int.random(in: 3...12, using: &random) {
                let depth = Int.random(in: 1...3, using: &random)
                let path = (0..<depth).map { _ in Self.names.randomElement(using: &random)! }.joined(separator: "/")
                let full = "public/" + path
                guard !shipped.contains(where: { $0.hasPrefix(full + "/") || full.hasPrefix($0 + "/") }) else { continue }
                try scenario.write(full, "shipped \(path)")
                shipped.append(full)
            }
            let first = scenario.deploy()
            try #require(first.status == 0, "round \(round): \(first.stderr)")
            let live = try #require(scenario.liveRelease)

            // The running app writes through current/.
            var written: [String: String] = [:]
            for index in 0..<Int.random(in: 1...6, using: &random) {
                let text = "written \(round)-\(index)"
                switch Int.random(in: 0..<4, using: &random) {
                case 0 where !shipped.isEmpty:
                    let path = shipped.randomElement(using: &random)!
                    try (text).write(toFile: scenario.root + "/current/" + path, atomically: false, encoding: .utf8)
                    written[path] = text
                case 1:
                    let path = "public/uploads/" + Self.names.randomElement(using: &random)! + "-\(index)"
                    try scenario.write(path, text, under: scenario.root + "/current")
                    written[path] = text
                case 2:
                    let folder = shipped.randomElement(using: &random).map(PathName.parent) ?? "public"
                    let path = folder + "/new-\(index)-" + Self.names.randomElement(using: &random)!
                    guard (try? scenario.fileSystem.type(at: scenario.root + "/current/" + path)) == nil else { continue }
                    try scenario.write(path, text, under: scenario.root + "/current")
                    written[path] = text
                default:
                    let path = "generated-\(index)/" + Self.names.randomElement(using: &random)! + "/f"
                    try scenario.write(path, text, under: scenario.root + "/current")
                    written[path] = text
                }
            }

            try scenario.write("public/index.php", "<?php echo 2;\n")
            let leave = Bool.random(using: &random)
            let second = scenario.deploy(extra: leave ? ["--leave-behind"] : [])
            #expect(second.status == 0 || second.status == 1, "round \(round): \(second.stderr)")
            let aside = scenario.root + "/.persist-deploy/left-behind/" + live
            for (path, text) in written.sorted(by: { $0.key < $1.key }) {
                let inCurrent = scenario.read(scenario.root + "/current/" + path)
                let inOld = scenario.read(scenario.root + "/releases/" + live + "/" + path)
                let inAside = scenario.read(aside + "/" + path)
                if second.status == 1 {
                    #expect(scenario.liveRelease == live)
                    #expect(inCurrent == text, "round \(round): \(path) after a stop")
                } else {
                    #expect(inCurrent == text || inAside == text || inOld == text,
                            "round \(round): \(path) is gone (leave-behind \(leave)): \(second.stderr)")
                }
            }
            if second.status == 1 { stops += 1 } else if leave { leftBehind += 1 } else { kept += 1 }
        }
        ProofResults.record(
            suite: "fuzz", scenario: "random writes anywhere in random releases, then a deploy (\(stops) stopped, \(leftBehind) left behind, \(kept) kept in shared/)",
            runs: 25, outcome: "pass")
    }
}
