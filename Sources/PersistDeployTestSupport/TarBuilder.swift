import Foundation
import PersistDeployKit

/// Builds tar archives byte by byte (GNU format, `L`/`K` headers for long names), so tests can
/// make the hostile ones no well-behaved `tar` would write: `..` and absolute names, members
/// below links, device nodes, setuid files.
package struct TarBuilder {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    package mutating func file(_ name: String, _ text: String = "x", mode: UInt32 = 0o644) {
        add(name, type: "0", mode: mode, contents: Array(text.utf8))
    }

    package mutating func directory(_ name: String, mode: UInt32 = 0o755) {
        add(name, type: "5", mode: mode)
    }

    package mutating func symlink(_ name: String, to target: String) {
        add(name, type: "2", mode: 0o777, link: target)
    }

    package mutating func hardLink(_ name: String, to target: String) {
        add(name, type: "1", mode: 0o644, link: target)
    }

    /// A character (`"3"`) or block (`"4"`) device, or a FIFO (`"6"`).
    package mutating func special(_ name: String, type: Character, mode: UInt32 = 0o666, major: Int = 1, minor: Int = 3) {
        add(name, type: type, mode: mode, major: major, minor: minor)
    }

    /// A member with raw bytes for a name (not UTF-8, or any length).
    package mutating func add(
        _ name: String, type: Character, mode: UInt32, link: String = "", contents: [UInt8] = [], major: Int = 0, minor: Int = 0
    ) {
        let nameBytes = NameBytes.bytes(name)
        let linkBytes = NameBytes.bytes(link)
        if nameBytes.count > 100 { longHeader("L", nameBytes) }
        if linkBytes.count > 100 { longHeader("K", linkBytes) }
        bytes += header(Array(nameBytes.prefix(100)), type: type, mode: mode, size: contents.count, link: Array(linkBytes.prefix(100)),
                        major: major, minor: minor)
        append(contents)
    }

    /// The archive, gzip-compressed, written to `path`.
    package func write(gzipTo path: String) throws {
        let tar = path + ".raw.tar"
        try Data(bytes + [UInt8](repeating: 0, count: 1024)).write(to: URL(fileURLWithPath: tar))
        let outcome = try ToolRunner.bash(#"gzip -n -c -- "$1" > "$2" && rm -f -- "$1""#, [tar, path])
        guard outcome.exitCode == 0 else { throw ToolError("gzip failed: \(outcome)") }
    }

    private mutating func longHeader(_ type: Character, _ data: [UInt8]) {
        bytes += header(Array("././@LongLink".utf8), type: type, mode: 0, size: data.count + 1, link: [], major: 0, minor: 0)
        append(data + [0])
    }

    private mutating func append(_ data: [UInt8]) {
        bytes += data
        bytes += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    private func header(_ name: [UInt8], type: Character, mode: UInt32, size: Int, link: [UInt8], major: Int, minor: Int) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ field: [UInt8], at offset: Int) { for (index, byte) in field.enumerated() { block[offset + index] = byte } }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(Int(mode), width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(1_700_000_000, width: 12), at: 136)
        put([UInt8](repeating: 32, count: 8), at: 148)
        block[156] = type.asciiValue ?? 48
        put(link, at: 157)
        put(Array("ustar  \0".utf8), at: 257)
        put(Array("root".utf8), at: 265)
        put(Array("root".utf8), at: 297)
        put(octal(major, width: 8), at: 329)
        put(octal(minor, width: 8), at: 337)
        let sum = block.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7) + [32], at: 148)
        return block
    }
}
