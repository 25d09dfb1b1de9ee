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
let arguments = (0..<Int(CommandLine.argc)).map { index in
    CommandLine.unsafeArgv[index].map { NameBytes.string(cString: Array(UnsafeBufferPointer(start: $0, count: strlen($0) + 1))) } ?? ""
}
if arguments.isEmpty {
    emit("error: could not read the command line: /proc is not mounted.\nMount /proc (e.g. in the chroot or container) and run again.\n", to: STDERR_FILENO)
    exit(64)
}

let status = CommandLineTool.run(
    arguments: Array(arguments.dropFirst()), context: Context.live(),
    isTerminal: isatty(STDERR_FILENO) == 1,
    stdout: { emit($0, to: STDOUT_FILENO) }, stderr: { emit($0, to: STDERR_FILENO) })
exit(status)
