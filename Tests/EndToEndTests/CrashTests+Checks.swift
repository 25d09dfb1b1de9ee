import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The data rules the crash suite checks after each kill and after each rerun.
extension CrashTests {
    /// Right after the kill: `current` absent (only when nothing was live) or a complete release,
    /// as it was before or as the command leaves it; shared/ data kept; every file the app's
    /// users saw still there (through `current` or in shared/); links relative; history whole.
    /// The second list holds the adoption's known gap.
    func checkAfterKill(
        _ proof: ProofRoot, _ scenario: Scenario, before: Snapshot, finished: Snapshot, brokenBefore: Set<String> = []
    ) throws -> ([String], [String]) {
        let now = try Snapshot(proof)
        var problems: [String] = []
        var gap: [String] = []
        let currentProblems = proof.currentProblems(allowNone: scenario.allowNoCurrent, allowInPlace: scenario.adoption)
        for problem in currentProblems where !brokenBefore.contains(problem) {
            // An adoption moves each path of the site into shared/, then links it: between the
            // two, the path is missing from the adopted release but whole in shared/.
            if scenario.adoption, ProofRoot.persistentPaths.contains(where: {
                problem.hasPrefix("current/\($0) does not resolve") && proof.fileSystem.exists(atPath: proof.root + "/shared/" + $0)
            }) { continue }
            if scenario.knownGap != nil && (problem == "current is missing" || problem.contains("does not resolve")) {
                gap.append(problem)
            } else {
                problems.append(problem)
            }
        }
        if !scenario.changesLiveRelease, !now.live.isEmpty, now.live != before.live, now.live != finished.live {
            let missing = DataInventory.losses(finished.live, now.live).prefix(3)
            problems.append("the live release is neither the one before nor the finished one (vs finished: \(missing))")
        }
        problems += proof.historyProblems()
        problems += scenario.sharedAfterCrash(before.shared, finished.shared, now.shared).map { "shared/\($0)" }
        // Each file the app's users saw is still there, as it was (or as the command leaves it:
        // restore), through `current` or already in shared/.
        var releasesSeen: [String: String]?
        for (path, hash) in before.seen where ![hash, finished.seen[path]].contains(now.seen[path]) && now.seenInShared[path] != hash {
            guard !gap.isEmpty else {
                problems.append("\(path) is neither in current/ nor in shared/ as it was")
                continue
            }
            // With `current` gone (the known gap), the site is in its release folder: not lost.
            if releasesSeen == nil {
                let releases = ((try? proof.fileSystem.listDirectory(at: proof.root + "/releases")) ?? []).map { proof.root + "/releases/" + $0 }
                releasesSeen = try DataInventory.seenThrough(releases, paths: ProofRoot.persistentPaths).reduce(into: [:]) { $0.merge($1) { a, _ in a } }
            }
            if releasesSeen?[path] == hash {
                gap.append("\(path) is only in a release folder")
            } else {
                problems.append("\(path) is neither in current/, shared/ nor a release as it was")
            }
        }
        problems += now.absoluteLinks.map { "absolute link \($0)" }
        return (problems + (try scenario.extra(proof, true)), gap)
    }

    /// After the rerun: the root ends as the uncrashed run left it (shared/ data and the live
    /// release byte for byte), healthy, with relative links and whole history. The second list
    /// holds temporary files of interrupted writes (a known gap).
    func checkConverged(_ proof: ProofRoot, _ scenario: Scenario, before: Snapshot, finished: Snapshot) throws -> ([String], [String]) {
        let now = try Snapshot(proof)
        var problems = proof.currentProblems(allowNone: false) + proof.historyProblems() + (try proof.healthProblems())
        problems += DataInventory.losses(finished.shared, now.shared).map { "shared/\($0) (vs the uncrashed run)" }
        let added = Set(now.shared.keys).subtracting(finished.shared.keys).sorted()
        func isLeftover(_ path: String) -> Bool {
            path.firstMatch(of: #/(^|/)\.persist-deploy-([0-9]+-[0-9]+\.tmp|link)$/#) != nil
        }
        let addedToLive = Set(now.live.keys).subtracting(finished.live.keys).sorted()
        let temporary = added.filter(isLeftover).map { "shared/\($0)" } + addedToLive.filter(isLeftover).map { "live release: \($0)" }
        problems += added.filter { !isLeftover($0) }.map { "shared/\($0): not left by the uncrashed run" }
        problems += DataInventory.losses(finished.live, now.live).map { "live release: \($0) (vs the uncrashed run)" }
        problems += addedToLive.filter { !isLeftover($0) }.map { "live release: \($0): not left by the uncrashed run" }
        problems += DataInventory.losses(finished.seen, now.seen).map { "current/\($0)" }
        problems += now.absoluteLinks.map { "absolute link \($0)" }
        return (problems + (try scenario.extra(proof, false)), temporary.map { "\($0) left behind" })
    }
}
