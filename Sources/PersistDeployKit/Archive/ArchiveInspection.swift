import Glibc

/// What an archive holds, judged before a byte of it is written: a release archive names files
/// inside the release, and nothing in it may write outside the folder it is extracted into.
package struct ArchiveInspection: Sendable, Equatable {
    /// Device nodes and FIFOs (names as stored): left out of the extraction, never app files.
    package var special: [[UInt8]] = []
    /// Files and folders stored with setuid, setgid, sticky or write-for-everyone bits (names as
    /// stored): `tar --no-same-permissions` drops them, and the report must say so.
    package var restricted: [[UInt8]] = []

    /// Reads the headers of the `.tar.gz` at `archive` (through `gzip -dc`) and refuses it when a
    /// member's name is absolute or climbs out with `..`, lies below a link of the archive (a
    /// write through it would land wherever it points), is a hard link to something outside or
    /// below a link, or is too long for the file system once placed under `base`.
    package static func inspect(_ archive: String, base: String, environment: [String: String]) throws(ToolError) -> ArchiveInspection {
        var members: [TarMember] = []
        let status: Int32
        do {
            status = try Subprocess.reading(["gzip", "-dc", "--", archive], environment: environment) { descriptor in
                var reader = TarReader(read: PipeReader(descriptor).read)
                while let member = try reader.next() { members.append(member) }
            }
        } catch let damaged as TarReader.Damaged {
            throw refusal(archive, "it is not a tar archive this tool can read: \(damaged.reason)")
        } catch {
            throw ToolError("Reading '\(archive)' failed: \(error).", hint: "Check that it is a .tar.gz of the app; nothing was changed.")
        }
        guard status == 0 else {
            throw refusal(archive, "gzip could not decompress it (exit \(status)): it is damaged or not gzip")
        }
        return try judge(members, archive: archive, base: base)
    }

    /// The rules, on the members already read.
    package static func judge(_ members: [TarMember], archive: String, base: String) throws(ToolError) -> ArchiveInspection {
        var inspection = ArchiveInspection()
        var links: Set<[UInt8]> = []
        var placed: [(member: TarMember, path: [[UInt8]])] = []
        let room = Int(PATH_MAX) - 1 - base.utf8.count - 1
        for member in members {
            let path = try components(member.name, of: member, archive: archive)
            guard !path.isEmpty else { continue }  // "./", the archive's own top folder
            if let long = path.first(where: { $0.count > Int(NAME_MAX) }) {
                throw refusal(archive, "a name in it is \(long.count) bytes long ('\(show(member.name).prefix(80))…'); Linux allows 255")
            }
            let length = path.reduce(path.count - 1) { $0 + $1.count }
            if length > room {
                throw refusal(archive, "'\(show(member.name).prefix(80))…' is \(length) bytes long; under '\(base)' that exceeds the \(PATH_MAX) bytes Linux allows")
            }
            if (member.kind == .file || member.kind == .directory) && member.mode & 0o7002 != 0 { inspection.restricted.append(member.name) }
            switch member.kind {
            case .symlink: links.insert(joined(path))
            case .characterDevice, .blockDevice, .fifo: inspection.special.append(member.name)
            case .hardLink:
                let target = try components(member.linkName, of: member, archive: archive, isLinkTarget: true)
                if target.isEmpty { throw refusal(archive, "the hard link '\(show(member.name))' points at the release folder itself") }
                placed.append((TarMember(name: member.linkName, kind: .hardLink, linkName: [], mode: 0), target))
            default: break
            }
            placed.append((member, path))
        }
        // A file written where the archive also makes a link: `c -> /etc/passwd` then `c`.
        let written = placed.filter { $0.member.kind != .symlink && $0.member.kind != .directory }
        if let clash = written.first(where: { links.contains(joined($0.path)) }) {
            throw refusal(archive, "'\(show(clash.member.name))' is both a link and a file in it: extracting it could write through the link")
        }
        // A member below a link of the archive (or a hard link through one) would be written
        // wherever the link points: `a -> /etc` then `a/passwd`.
        for (member, path) in placed where path.count > 1 {
            for depth in 1..<path.count where links.contains(joined(Array(path[..<depth]))) {
                throw refusal(
                    archive, "'\(show(member.name))' lies below '\(show(joined(Array(path[..<depth]))))', which the archive makes a link: "
                        + "extracting it would write through the link, outside the release")
            }
        }
        return inspection
    }

    /// The name's components without `.` and empty ones; refuses absolute names and `..`.
    private static func components(_ name: [UInt8], of member: TarMember, archive: String, isLinkTarget: Bool = false) throws(ToolError) -> [[UInt8]] {
        let what = isLinkTarget ? "the hard link '\(show(member.name))' points at '\(show(name))', which" : "'\(show(name))'"
        if name.first == UInt8(ascii: "/") {
            throw refusal(archive, "\(what) is an absolute name; a release archive names files inside the release")
        }
        let parts = name.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
            .filter { $0 != [UInt8(ascii: ".")] }
        if parts.contains([UInt8(ascii: "."), UInt8(ascii: ".")]) {
            throw refusal(archive, "\(what) climbs out of the release with '..'")
        }
        return parts
    }

    private static func joined(_ parts: [[UInt8]]) -> [UInt8] {
        Array(parts.joined(separator: [UInt8(ascii: "/")]))
    }

    static func show(_ name: [UInt8]) -> String { NameBytes.display(NameBytes.string(name)) }

    private static func refusal(_ archive: String, _ reason: String) -> ToolError {
        ToolError(
            "The archive '\(archive)' was refused: \(reason).",
            hint: "Nothing was extracted and nothing live was changed. Build the archive from inside the app's folder "
                + "(tar -czf app.tar.gz -C app .) and deploy again.")
    }
}

/// Buffered reads from a pipe: `read(n)` returns `n` bytes, fewer only at the end. One `read(2)`
/// fills 64 KiB, so a header costs no system call of its own.
final class PipeReader {
    private let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0

    init(_ descriptor: Int32) {
        self.descriptor = descriptor
    }

    func read(_ count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(min(count, 1 << 16))
        while result.count < count {
            if start == end {
                let got = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
                if got == 0 { break }
                if got < 0 {
                    if errno == EINTR { continue }
                    throw SystemCallError(call: "read", path: "the archive stream", code: errno)
                }
                start = 0
                end = got
            }
            let take = min(count - result.count, end - start)
            result.append(contentsOf: buffer[start..<(start + take)])
            start += take
        }
        return result
    }
}
