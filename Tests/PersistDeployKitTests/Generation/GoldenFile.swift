import Foundation
import PersistDeployKit
import Testing

/// Compares `text` with `Golden/<name>`. When the file is missing or `RECORD_GOLDEN=1` is set it
/// is (re)recorded, and the recording counts as a failure so CI never passes on a fresh golden.
/// The tool version is written as `<version>` so stamping a release does not touch the files.
func assertGolden(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let normalized = text.replacingOccurrences(of: toolVersion, with: "<version>")
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden").appendingPathComponent(name)
    let recording = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
    guard !recording, let data = FileManager.default.contents(atPath: url.path) else {
        do {
            try Data(normalized.utf8).write(to: url)
            Issue.record("Recorded golden file \(name); check it in and run the tests again without RECORD_GOLDEN.", sourceLocation: sourceLocation)
        } catch {
            Issue.record("Could not record \(url.path): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    let expected = String(decoding: data, as: UTF8.self)
    guard expected != normalized else { return }
    let message = "\(name) differs from the golden file (- golden, + now); run with RECORD_GOLDEN=1 to accept:\n"
        + lineDiff(expected, normalized)
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
}

/// A line diff from a longest-common-subsequence table: unchanged lines are left out.
func lineDiff(_ old: String, _ new: String) -> String {
    let a = old.components(separatedBy: "\n")
    let b = new.components(separatedBy: "\n")
    var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
        for j in stride(from: b.count - 1, through: 0, by: -1) {
            table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
        }
    }
    var lines: [String] = []
    var i = 0
    var j = 0
    while i < a.count || j < b.count {
        if i < a.count, j < b.count, a[i] == b[j] {
            i += 1
            j += 1
        } else if j < b.count, i == a.count || table[i][j + 1] >= table[i + 1][j] {
            lines.append("+\(j + 1): \(b[j])")
            j += 1
        } else {
            lines.append("-\(i + 1): \(a[i])")
            i += 1
        }
    }
    return lines.joined(separator: "\n")
}
