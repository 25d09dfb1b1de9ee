/// Pure helpers for slash-separated path strings. The tool keeps paths as `String`s and does
/// all joining and relative-link arithmetic here, in one tested place.
package enum PathName {
    /// `base/relative`, without doubled slashes; `relative` "." or "" gives `base`.
    package static func join(_ base: String, _ relative: String) -> String {
        if relative.isEmpty || relative == "." { return base }
        if base.isEmpty { return relative }
        return base.hasSuffix("/") ? base + relative : base + "/" + relative
    }

    package static func join(_ base: String, _ parts: String...) -> String {
        parts.reduce(base) { join($0, $1) }
    }

    /// The parent of `path` ("/" for a top-level entry, "." for a bare name).
    package static func parent(_ path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// The last component of `path` ("/" for the root, as basename(1) says).
    package static func basename(_ path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        if trimmed == "/" { return "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    package static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            .filter { $0 != "." }
    }

    /// `path` with `.` and `..` resolved lexically and repeated slashes folded.
    package static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [String] = []
        for part in components(path) {
            if part == ".." {
                if let last = parts.last, last != ".." {
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
        normalize(path.hasPrefix("/") ? path : join(directory, path))
    }

    /// The relative link text that, stored at `linkPath`, points at `targetPath`. Both are
    /// absolute. `relativeLink(at: "/r/releases/1/public/uploads", to: "/r/shared/public/uploads")`
    /// is `"../../../shared/public/uploads"`.
    package static func relativeLink(at linkPath: String, to targetPath: String) -> String {
        let from = components(parent(normalize(linkPath)))
        let to = components(normalize(targetPath))
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        let rest = Array(to[common...])
        let parts = ups + rest
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// True when `path` is `ancestor` or lies below it (lexically).
    package static func isWithin(_ path: String, _ ancestor: String) -> Bool {
        let path = normalize(path)
        let ancestor = normalize(ancestor)
        if path == ancestor || ancestor == "/" { return true }
        return path.hasPrefix(ancestor + "/")
    }

    /// `path` relative to `base` when it lies below it.
    package static func relative(_ path: String, to base: String) -> String? {
        let path = normalize(path)
        let base = normalize(base)
        if path == base { return "." }
        let prefix = base == "/" ? "/" : base + "/"
        guard path.hasPrefix(prefix) else { return nil }
        return String(path.dropFirst(prefix.count))
    }

    /// `path` without trailing slashes ("/" stays). The kernel follows a final symlink when the
    /// path ends in a slash, even for lstat, so calls that must act on a link itself use this.
    package static func withoutTrailingSlashes(_ path: String) -> String {
        trimmingTrailingSlashes(path)
    }

    /// The order names are listed in: Unicode scalar order, which is the byte order of their
    /// UTF-8 (what `ls` shows under `LC_ALL=C`) for the NFC names file systems hold. String's own
    /// `<` is used because the generic `utf8.lexicographicallyPrecedes` made sorting 10,000
    /// names cost more than the rest of a deploy.
    package static func bytewiseLess(_ a: String, _ b: String) -> Bool {
        a < b
    }

    private static func trimmingTrailingSlashes(_ path: String) -> String {
        var result = Substring(path)
        while result.count > 1, result.hasSuffix("/") { result = result.dropLast() }
        return String(result)
    }
}
