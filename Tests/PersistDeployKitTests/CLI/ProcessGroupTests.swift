import Foundation
import PersistDeployKit
import Testing

/// Running a hook command: where, with what, what it printed, and that its whole process group
/// ends when its time is up.
@Suite struct ProcessGroupTests {
    @Test func theCommandRunsInItsFolderWithExactlyTheGivenEnvironment() throws {
        let result = try ProcessGroup.shell(
            "pwd; echo \"$ONLY\" \"${HOME-unset}\"; echo err >&2; exit 4", in: "/usr", environment: ["ONLY": "this"],
            timeoutSeconds: 30, interruption: nil)
        #expect(result.end == .exited(4))
        #expect(String(decoding: result.output, as: UTF8.self) == "/usr\nthis unset\nerr\n")
    }

    @Test func pastItsTimeTheGroupIsStoppedChildrenIncluded() throws {
        let directory = FileManager.default.temporaryDirectory.path
        let pidFile = directory + "/pg-\(UUID().uuidString).pid"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let result = try ProcessGroup.shell(
            "sleep 300 & echo $! >'\(pidFile)'; wait", in: "/", environment: [:], timeoutSeconds: 1, interruption: nil)
        #expect(result.end == .timedOut)
        #expect(result.seconds < 60)
        let child = try #require(Int32((try? String(contentsOfFile: pidFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        let state = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)) ?? ""
        #expect(kill(child, 0) != 0 || state.contains(") Z "), "the background child \(child) outlived the hook")
    }

    @Test func aMissingFolderIsAnErrorNotARun() {
        #expect(throws: SystemCallError.self) {
            try ProcessGroup.shell("true", in: "/nonexistent-\(UUID().uuidString)", environment: [:], timeoutSeconds: 5, interruption: nil)
        }
    }
}
