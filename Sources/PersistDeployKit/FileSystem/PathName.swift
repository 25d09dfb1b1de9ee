/// Pure helpers for slash-separated path strings. The tool keeps paths as `String`s and does
/// all joining and relative-link arithmetic here, in one tested place.
///
/// Paths are bytes (`NameBytes`): every test here works on the UTF-8 and the unicode scalars,
/// never on Swift's characters. Character-level operations would treat a name starting with a
/// combining mark as one character with the `/` before it (so `split` would not split there), and
/// would find "café" (composed) inside "cafe\u{301}/x" (decomposed): two different names on disk.
package enum PathName {
    private static let slash = UInt8(ascii: "/")

    /// `base/relative`, without doubled slashes; `relative` "." or "" gives `base`.
    package static func join(_ base: String, _ relative: String) -> String {
        if relative.isEmpty || isDot(relative) { return base }
        if base.isEmpty { return relative }
        return base.utf8.last == slash ? base + relative : base + "/" + relative
    }

    package static func join(_ base: String, _ parts: String...) -> String {
        parts.reduce(base) { join($0, $1) }
    }

    /// The parent of `path` ("/" for a top-level entry, "." for a bare name).
    package static func parent(_ path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        guard let slashIndex = trimmed.utf8.lastIndex(of: slash) else { return "." }
        if slashIndex == trimmed.startIndex { return "/" }
        return String(trimmed.unicodeScalars[..<slashIndex])
    }

    /// The last component of `path` ("/" for the root, as basename(1) says).
    package static func basename(_ path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        if trimmed.utf8.elementsEqual([slash]) { return "/" }
        guard let slashIndex = trimmed.utf8.lastIndex(of: slash) else { return trimmed }
        return String(trimmed.unicodeScalars[trimmed.utf8.index(after: slashIndex)...])
    }

    package static func components(_ path: String) -> [String] {
        var parts: [String] = []
        let utf8 = path.utf8
        var start = utf8.startIndex
        var index = start
        while index < utf8.endIndex {
            if utf8[index] == slash {
                if start < index { parts.append(String(path.unicodeScalars[start..<index])) }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start < utf8.endIndex { parts.append(String(path.unicodeScalars[start...])) }
        return parts.filter { !isDot($0) }
    }

    /// `path` with `.` and `..` resolved lexically and repeated slashes folded.
    package static func normalize(_ path: String) -> String {
        let absolute = path.utf8.first == slash
        var parts: [String] = []
        for part in components(path) {
            if isDotDot(part) {
                if let last = parts.last, !isDotDot(last) {
                    parts.removeLast()
                } else if !absolute {
                    parts.append("..")
                }
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// `path` made absolute against `directory` and normalized.
    package static func absolute(_ path: String, from directory: String) -> String {
        normalize(path.utf8.first == slash ? path : join(directory, path))
    }

    /// The relative link text that, stored at `linkPath`, points at `targetPath`. Both are
    /// absolute. `relativeLink(at: "/r/releases/1/public/uploads", to: "/r/shared/public/uploads")`
    /// is `"../../../shared/public/uploads"`.
    package static func relativeLink(at linkPath: String, to targetPath: String) -> String {
        let from = components(parent(normalize(linkPath)))
        let to = components(normalize(targetPath))
        var common = 0
        while common < from.count, common < to.count, sameBytes(from[common], to[common]) { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        let rest = Array(to[common...])
        let parts = ups + rest
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// True when `path` is `ancestor` or lies below it (lexically, byte for byte).
    package static func isWithin(_ path: String, _ ancestor: String) -> Bool {
        let path = normalize(path)
        let ancestor = normalize(ancestor)
        if sameBytes(path, ancestor) || sameBytes(ancestor, "/") { return true }
        return path.utf8.count > ancestor.utf8.count && path.utf8.starts(with: ancestor.utf8)
            && path.utf8[path.utf8.index(path.utf8.startIndex, offsetBy: ancestor.utf8.count)] == slash
    }

    /// `path` relative to `base` when it lies below it.
    package static func relative(_ path: String, to base: String) -> String? {
        let path = normalize(path)
        let base = normalize(base)
        if sameBytes(path, base) { return "." }
        let prefix = sameBytes(base, "/") ? "/" : base + "/"
        guard path.utf8.starts(with: prefix.utf8) else { return nil }
        return String(path.unicodeScalars[path.utf8.index(path.utf8.startIndex, offsetBy: prefix.utf8.count)...])
    }

    /// `path` without trailing slashes ("/" stays). The kernel follows a final symlink when the
    /// path ends in a slash, even for lstat, so calls that must act on a link itself use this.
    package static func withoutTrailingSlashes(_ path: String) -> String {
        trimmingTrailingSlashes(path)
    }

    /// The order names are listed in: the byte order of their names (what `ls` shows under
    /// `LC_ALL=C`), the same for names that are canonically equivalent (`String`'s own `<` holds
    /// those neither before nor after each other, which no sort can keep stable).
    package static func bytewiseLess(_ a: String, _ b: String) -> Bool {
        NameBytes.precedes(a, b)
    }

    /// True when two paths are the same bytes (Swift's `==` also matches canonically equivalent
    /// strings, which are different names on disk).
    package static func sameBytes(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    private static func isDot(_ part: String) -> Bool { part.utf8.elementsEqual(".".utf8) }
    private static func isDotDot(_ part: String) -> Bool { part.utf8.elementsEqual("..".utf8) }

    private static func trimmingTrailingSlashes(_ path: String) -> String {
        var end = path.utf8.endIndex
        while path.utf8.distance(from: path.utf8.startIndex, to: end) > 1, path.utf8[path.utf8.index(before: end)] == slash {
            end = path.utf8.index(before: end)
        }
        return end == path.utf8.endIndex ? path : String(path.unicodeScalars[..<end])
    }
}
