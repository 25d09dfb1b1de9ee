/// The rules of an app's `.gitignore` files, enough of git's semantics to tell which paths the
/// app keeps out of its repository: comments, `!` negation, a trailing `/` for directories only,
/// patterns with a slash anchored to their file's folder, `*`, `?`, `[...]` and `**`.
package struct GitIgnore: Sendable {
    package struct Rule: Sendable, Equatable {
        /// The folder of the `.gitignore` file, relative to the app root ("" for the root).
        package var base: String
        /// The pattern as written, for reasons shown to people.
        package var text: String
        var pattern: String
        var negated: Bool
        var directoryOnly: Bool
        var anchored: Bool

        /// Where the rule was written: ".gitignore" or "public/.gitignore".
        package var file: String { PathName.join(base, ".gitignore") }

        /// True when the pattern names one path literally (no wildcards), so it can be listed
        /// even when nothing is there yet.
        package var isLiteral: Bool { !negated && !pattern.contains(where: { "*?[".contains($0) }) }

        /// The path a literal pattern names, relative to the app root; only meaningful for a
        /// pattern anchored to its folder or written in the root `.gitignore`.
        package var literalPath: String { PathName.join(base, pattern) }
    }

    package private(set) var rules: [Rule] = []

    package init() {}

    /// Adds the rules of the `.gitignore` file in `base` (relative to the app root). Files must be
    /// added from the root down: git gives a deeper file's rules precedence.
    package mutating func add(contents: String, base: String) {
        for rawLine in Text.lines(contents) {
            var line = rawLine
            // Trailing spaces are ignored unless escaped; leading ones are part of the pattern.
            while line.hasSuffix(" ") && !line.hasSuffix("\\ ") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            var negated = false
            if line.hasPrefix("!") {
                negated = true
                line.removeFirst()
            } else if line.hasPrefix("\\!") || line.hasPrefix("\\#") {
                line.removeFirst()
            }
            var directoryOnly = false
            while line.hasSuffix("/") {
                directoryOnly = true
                line.removeLast()
            }
            if line.isEmpty { continue }
            let anchored = line.contains("/")
            while line.hasPrefix("/") { line.removeFirst() }
            rules.append(Rule(
                base: base == "." ? "" : base, text: rawLine, pattern: line, negated: negated,
                directoryOnly: directoryOnly, anchored: anchored))
        }
    }

    /// The rule that ignores `path` (relative to the app root), or nil when git would track it.
    /// A path inside an ignored directory is ignored whatever later rules say, as in git.
    package func ignoringRule(for path: String, isDirectory: Bool) -> Rule? {
        let parts = PathName.components(path)
        guard !parts.isEmpty else { return nil }
        for depth in 1..<parts.count {
            if let rule = lastMatch(parts[..<depth].joined(separator: "/"), isDirectory: true), !rule.negated {
                return rule
            }
        }
        guard let rule = lastMatch(parts.joined(separator: "/"), isDirectory: isDirectory), !rule.negated else { return nil }
        return rule
    }

    /// The rule that ignores what a directory holds (a file named like no placeholder inside
    /// it), or nil: `/public/qrcodes/*` or a `*` in the directory's own `.gitignore`.
    package func contentsIgnoringRule(for directory: String) -> Rule? {
        ignoringRule(for: PathName.join(directory, "persist-deploy-probe"), isDirectory: false)
    }

    private func lastMatch(_ path: String, isDirectory: Bool) -> Rule? {
        var found: Rule?
        for rule in rules where !rule.directoryOnly || isDirectory {
            guard let relative = rule.base.isEmpty ? path : PathName.relative(path, to: rule.base), relative != "." else {
                continue
            }
            let subject = rule.anchored ? relative : PathName.basename(relative)
            if Glob.matches(Array(rule.pattern), Array(subject)) { found = rule }
        }
        return found
    }
}

/// Shell-style wildcard matching as git uses it for ignore patterns.
enum Glob {
    static func matches(_ pattern: [Character], _ text: [Character]) -> Bool {
        match(pattern[...], text[...])
    }

    private static func match(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        let rest = pattern.dropFirst()
        switch first {
        case "*":
            if rest.first == "*" {
                // `**`: any run of characters including slashes; `**/` may also match nothing.
                var afterStars = rest.dropFirst()
                if afterStars.first == "/" {
                    afterStars = afterStars.dropFirst()
                    if match(afterStars, text) { return true }
                    for index in text.indices where text[index] == "/" {
                        if match(afterStars, text[(index + 1)...]) { return true }
                    }
                    return false
                }
                for index in text.indices where match(afterStars, text[index...]) { return true }
                return match(afterStars, text[text.endIndex...])
            }
            var index = text.startIndex
            while true {
                if match(rest, text[index...]) { return true }
                guard index < text.endIndex, text[index] != "/" else { return false }
                index += 1
            }
        case "?":
            guard let character = text.first, character != "/" else { return false }
            return match(rest, text.dropFirst())
        case "[":
            guard let character = text.first, character != "/",
                let (matched, afterClass) = matchClass(rest, character)
            else {
                return text.first == "[" && match(rest, text.dropFirst())
            }
            return matched && match(afterClass, text.dropFirst())
        case "\\":
            guard let escaped = rest.first else { return text.first == "\\" && text.count == 1 }
            return text.first == escaped && match(rest.dropFirst(), text.dropFirst())
        default:
            return text.first == first && match(rest, text.dropFirst())
        }
    }

    /// Matches `character` against the class starting after `[`; nil when the class is unclosed.
    private static func matchClass(
        _ pattern: ArraySlice<Character>, _ character: Character
    ) -> (Bool, ArraySlice<Character>)? {
        var rest = pattern
        var negate = false
        if rest.first == "!" || rest.first == "^" {
            negate = true
            rest = rest.dropFirst()
        }
        var matched = false
        var isFirst = true
        while let current = rest.first {
            if current == "]" && !isFirst {
                return (matched != negate, rest.dropFirst())
            }
            isFirst = false
            rest = rest.dropFirst()
            if rest.first == "-", let upper = rest.dropFirst().first, upper != "]" {
                if current <= character && character <= upper { matched = true }
                rest = rest.dropFirst(2)
            } else if current == character {
                matched = true
            }
        }
        return nil
    }
}
