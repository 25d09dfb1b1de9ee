import Foundation
import PersistDeployKit

/// A real second user on the test machine (the web server's user, a deploy user), made with
/// `useradd` the first time a test asks for it. Tests run in parallel and `useradd` refuses to
/// run while another holds /etc/passwd's lock, so creation is serialized here and retried.
package enum SystemUser {
    private static let lock = NSLock()

    /// Why users cannot be made here (not root, no useradd), or nil when they can.
    package static var unavailableReason: String? {
        if geteuid() != 0 { return "needs root to create a second user with useradd (run the tests as root, as CI does)" }
        if !FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd") { return "useradd is missing (Debian package passwd)" }
        return nil
    }

    /// The uid and primary gid of `name`, creating it (a system user without a home or a login
    /// shell) when missing; nil when that is impossible.
    package static func ensure(_ name: String) -> (uid: UInt32, gid: UInt32)? {
        lock.lock()
        defer { lock.unlock() }
        if let found = Accounts.system.user(name) { return (found.user.id, found.primaryGroup) }
        guard unavailableReason == nil else { return nil }
        for _ in 0..<20 {
            _ = try? ToolRunner(executable: "/usr/sbin/useradd").run(
                ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], in: "/", timeout: 30)
            if let found = Accounts.system.user(name) { return (found.user.id, found.primaryGroup) }
            usleep(200_000)
        }
        return nil
    }

    /// Runs `command` with bash as `user` (setpriv with the user's groups), for access checks
    /// the way the web server's PHP would make them.
    package static func run(as user: String, _ command: String, _ arguments: [String] = []) throws -> ToolRunner.Outcome {
        try ToolRunner(executable: "/usr/bin/setpriv").run(
            ["--reuid", user, "--regid", user, "--init-groups", "--", "/bin/bash", "-c", command, "bash"] + arguments,
            in: "/", timeout: 60)
    }
}
