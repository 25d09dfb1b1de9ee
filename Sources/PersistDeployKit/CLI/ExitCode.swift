/// The exit codes of the contract.
package enum ExitCode: Int32, Sendable {
    /// Done; for health-check: healthy.
    case success = 0
    /// Failed and nothing was lost; for health-check: warnings only.
    case failure = 1
    /// health-check: at least one check failed.
    case unhealthy = 2
    /// Bad usage: unknown command, flag or value.
    case usage = 64
}

/// An error the user can act on: what went wrong (naming the path) and what to do next.
package struct ToolError: Error, Equatable, CustomStringConvertible {
    package var message: String
    package var hint: String?
    package var exitCode: ExitCode
    /// The `errno` of the failed system call behind it, when there was one (a full disk is
    /// `ENOSPC`), so a command can add advice only it can give.
    package var systemCode: Int32?
    /// For a command that can move `current`: whether it is left pointing at the new release
    /// (nil when the command never got that far, so nothing went live).
    package var activated: Bool?
    /// The release `current` points at after the failure, when the command moved it.
    package var live: String?

    package init(_ message: String, hint: String? = nil, exitCode: ExitCode = .failure, activated: Bool? = nil, live: String? = nil) {
        self.message = message
        self.hint = hint
        self.exitCode = exitCode
        self.activated = activated
        self.live = live
    }

    package var description: String { hint.map { "\(message)\n\($0)" } ?? message }

    /// Bad usage (exit 64), with the help command that explains the right form.
    package static func usage(_ message: String, command: String? = nil) -> ToolError {
        let help = command.map { "persist-deploy help \($0)" } ?? "persist-deploy --help"
        return ToolError(message, hint: "See '\(help)'.", exitCode: .usage)
    }

    /// Wraps a failed system call in a sentence saying what the tool was doing and what to try.
    package static func system(_ error: SystemCallError, while doing: String) -> ToolError {
        var wrapped = ToolError("\(doing) failed: \(error.call) '\(error.path)': \(error.reason).", hint: hint(for: error))
        wrapped.systemCode = error.code
        return wrapped
    }

    /// What to do about a failed call. Every command can be run again safely: deploys plan again
    /// from what is on disk, and nothing is overwritten.
    static func hint(for error: SystemCallError) -> String {
        switch error.code {
        case EACCES, EPERM:
            "Check the owner and permissions of that path, or run as the user who owns the deploy root."
        case ENOSPC, EDQUOT: "The disk or quota is full: free some space and run the command again."
        case EROFS: "That file system is mounted read-only."
        case ELOOP: "A symbolic link there loops or points where the tool will not follow it; fix or remove it."
        case EEXIST: "Something is already at that path; the tool never overwrites it. Move it aside and retry."
        case ENOENT: "That path does not exist. Check the spelling, or run the step that creates it."
        case ENOTDIR: "A file is where a directory is expected: move it aside and run the command again."
        case EISDIR: "A directory is where a file is expected: move it aside and run the command again."
        case ENOTEMPTY: "That folder is not empty; the tool never deletes data to make room. Move its contents aside and retry."
        case EINVAL where error.call == "copy":
            "That is a socket, pipe or device, which is not app data: move it out of the app and run the command again."
        case EXDEV: "The two paths are on different file systems; run the command again (it copies where it cannot rename)."
        case ENAMETOOLONG: "The path is longer than the file system allows: shorten the folder names above it."
        case EMFILE, ENFILE: "Too many open files: raise the limit (ulimit -n 4096) and run the command again."
        case EBUSY, ETXTBSY: "Something is using that path: stop it (or wait) and run the command again."
        case EIO: "The disk reported an input/output error: check it (dmesg) before running the command again."
        default: "Fix the cause above and run the command again; it continues safely from what is on disk."
        }
    }
}

import Glibc
