import Foundation
import PersistDeployKit
import PersistDeployTestSupport

/// A fresh non-root account made with `useradd`, for running what a shared-hosting user runs:
/// the generated guides' command blocks pasted into bash, the binary, `deploy.sh`. Needs root
/// (tests run as root in CI); `make` returns nil with the reason when it cannot be made.
final class GuestAccount: @unchecked Sendable {
    let name: String
    let home: String
    /// A folder on PATH holding a copy of the built binary the account can run.
    let bin: String

    private init(name: String, home: String, bin: String) {
        self.name = name
        self.home = home
        self.bin = bin
    }

    static func make(_ label: String) throws -> (account: GuestAccount?, skipped: String?) {
        guard getuid() == 0 else { return (nil, "not root: useradd is needed to make a fresh account") }
        for tool in ["/usr/sbin/useradd", "/usr/sbin/userdel", "/usr/sbin/runuser"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return (nil, "\(tool) is missing")
        }
        let name = "pd\(label.prefix(6))" + String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8)).lowercased()
        let home = "/home/" + name
        var made: ToolRunner.Outcome?
        // useradd fails while another one holds /etc/passwd's lock: try again.
        for _ in 0..<20 {
            made = try ToolRunner(executable: "/usr/sbin/useradd").run(["-m", "-d", home, "-s", "/bin/bash", name], in: "/")
            if made?.exitCode == 0 { break }
            usleep(200_000)
        }
        guard made?.exitCode == 0 else { return (nil, "useradd failed: \(made.map(String.init(describing:)) ?? "")") }
        let bin = "/tmp/persist-deploy-guest-bin-\(name)"
        let fileSystem = LocalFileSystem()
        try fileSystem.createDirectory(at: bin, permissions: 0o755)
        try fileSystem.copyTree(from: try ToolRunner().executable, to: bin + "/persist-deploy")
        chmod(bin, 0o755)
        chmod(bin + "/persist-deploy", 0o755)
        return (GuestAccount(name: name, home: home, bin: bin), nil)
    }

    /// Runs `script` with `bash -e -o pipefail` as the account, in `directory` (default: home),
    /// with a clean environment: HOME, PATH (the binary first), LANG.
    func bash(_ script: String, in directory: String? = nil, timeout: Double = 300) throws -> ToolRunner.Outcome {
        try ToolRunner(executable: "/usr/sbin/runuser").run(
            ["-u", name, "--", "/usr/bin/env", "-i", "HOME=\(home)", "PATH=\(bin):/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
             "/bin/bash", "-e", "-o", "pipefail", "-c", script],
            in: directory ?? home, timeout: timeout)
    }

    /// Makes `path` (and what is below it) the account's.
    func own(_ path: String) throws {
        let outcome = try ToolRunner(executable: "/bin/chown").run(["-R", "\(name):\(name)", path], in: "/")
        guard outcome.exitCode == 0 else { throw ToolError("chown failed: \(outcome)") }
    }

    func remove() {
        _ = try? ToolRunner(executable: "/usr/sbin/userdel").run(["-r", "-f", name], in: "/")
        try? LocalFileSystem().removeTree(at: bin)
    }

    /// The ```sh blocks of a Markdown guide, each with the `##` heading it sits under.
    static func shellBlocks(_ markdown: String) -> [(heading: String, text: String)] {
        var blocks: [(String, String)] = []
        var heading = ""
        var current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if var lines = current {
                if line == "```" {
                    blocks.append((heading, lines.joined(separator: "\n") + "\n"))
                    current = nil
                } else {
                    lines.append(line)
                    current = lines
                }
            } else if line == "```sh" {
                current = []
            } else if line.hasPrefix("## ") {
                heading = String(line.dropFirst(3))
            }
        }
        return blocks
    }
}
