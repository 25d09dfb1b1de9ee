import Glibc
import PersistDeployKit

/// Writes straight to the descriptor: no buffering, so stdout and stderr stay in order. A name's
/// escapes go out as the bytes they stand for (`Console` has already shown them to people).
func emit(_ text: String, to descriptor: Int32) {
    var bytes = NameBytes.bytes(text)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return }
        bytes = bytes.dropFirst(written)
    }
}

// The Swift runtime reads the arguments from /proc/self/cmdline; without /proc they come back
// empty, and running as if none were given would hide a failed CI step behind exit 0.
// Each is read as its bytes: `--root` or `--from` may name a folder that is not UTF-8, which
// `CommandLine.arguments` would have decoded with U+FFFD.
let commandLine = (0..<Int(CommandLine.argc)).map { index in
    CommandLine.unsafeArgv[index].map { NameBytes.string(cString: Array(UnsafeBufferPointer(start: $0, count: strlen($0) + 1))) } ?? ""
}
if commandLine.isEmpty {
    emit("error: could not read the command line: /proc is not mounted.\nMount /proc (e.g. in the chroot or container) and run again.\n", to: STDERR_FILENO)
    exit(64)
}

let arguments = Array(commandLine.dropFirst())
// Under --json stdout carries the one JSON object alone: the tool writes it to a copy of the
// descriptor, and programs it starts (--verify commands, tar) write to stderr instead.
var resultDescriptor = STDOUT_FILENO
if CommandLineTool.wantsJSON(arguments) {
    let copy = dup(STDOUT_FILENO)
    if copy >= 0 && dup2(STDERR_FILENO, STDOUT_FILENO) >= 0 {
        _ = fcntl(copy, F_SETFD, FD_CLOEXEC)
        resultDescriptor = copy
    }
}
let status = CommandLineTool.run(
    arguments: arguments, context: Context.live(),
    isTerminal: isatty(STDERR_FILENO) == 1,
    stdout: { [resultDescriptor] in emit($0, to: resultDescriptor) }, stderr: { emit($0, to: STDERR_FILENO) })
exit(status)
