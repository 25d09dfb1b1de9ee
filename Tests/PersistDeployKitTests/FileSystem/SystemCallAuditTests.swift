import Foundation
import Testing

/// Swift passes a `String` to a C function taking `const char *` by converting it implicitly, and
/// for a path that conversion is wrong: it sends the UTF-8 of the `NameBytes` escapes, not the
/// bytes of the name. The compiler cannot forbid it, so this audit reads the kit's sources: a call
/// of a C function that takes a path is allowed only in the system-call wrappers, and only with a
/// C string made by `NameBytes` (named `cPath`, `cSource`… by convention) or a name read from the
/// disk as bytes (`[CChar]`, named `…name`, `target`, `text`). Nothing else makes a C string.
@Suite struct SystemCallAuditTests {
    /// The C functions that take a path, with the positions of their path arguments.
    static let pathArguments: [String: [Int]] = [
        "open": [0], "creat": [0], "stat": [0], "lstat": [0], "mkdir": [0], "rmdir": [0], "unlink": [0],
        "chmod": [0], "chown": [0], "lchown": [0], "access": [0], "statvfs": [0], "opendir": [0], "readlink": [0],
        "truncate": [0], "realpath": [0], "chdir": [0], "utimes": [0], "mkfifo": [0], "mknod": [0], "mkdtemp": [0], "mkstemp": [0],
        "rename": [0, 1], "symlink": [0, 1], "link": [0, 1],
        "openat": [1], "fstatat": [1], "mkdirat": [1], "unlinkat": [1], "readlinkat": [1], "fchmodat": [1],
        "fchownat": [1], "utimensat": [1], "symlinkat": [0, 2], "linkat": [1, 3], "renameat": [1, 3], "renameat2": [1, 3],
        "posix_spawn": [1], "posix_spawnp": [1], "execv": [0], "execvp": [0], "execve": [0],
        "posix_spawn_file_actions_addchdir_np": [1], "addChdir": [1],
    ]

    /// Where raw calls may be: the wrappers over the kernel and the child-process launcher.
    static let wrapperFiles = ["FileSystem/", "Support/Subprocess.swift", "Support/ProcessGroup.swift"]

    /// A C string made the sanctioned way.
    static var allowedArgument: Regex<(Substring, Substring)> { #/^&?(c[A-Z]\w*|[\w.]*[nN]ame|target|text|argv\[0\]!)$/# }

    /// Ways to make a C string from a `String` other than `NameBytes`.
    static let forbiddenConversions = ["utf8CString", "strdup(", ".withCString("]

    struct Finding: CustomStringConvertible {
        let file: String
        let line: Int
        let text: String
        var description: String { "\(file):\(line): \(text)" }
    }

    @Test func pathsReachCFunctionsOnlyAsNameBytes() throws {
        let sources = try Self.kitSources()
        var calls = 0
        var findings: [Finding] = []
        for (file, text) in sources {
            let (found, problems) = Self.audit(file: file, text: text)
            calls += found
            findings += problems
        }
        // Not vacuous: the wrappers make dozens of such calls.
        #expect(calls > 20, "only \(calls) raw calls found: the audit no longer sees them")
        #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    }

    @Test func theAuditCatchesAnImplicitConversion() {
        let text = """
            import Glibc
            func remove(_ path: String) { _ = unlink(path) }
            func make(_ cPath: UnsafePointer<CChar>) { _ = mkdir(cPath, 0o755) }
            func name(_ value: String) -> [CChar] { Array(value.utf8CString) }
            func spawn(_ program: String) { _ = Glibc.rename(program, "x") }
            """
        let inWrapper = Self.audit(file: "FileSystem/Example.swift", text: text)
        #expect(inWrapper.calls == 3)
        #expect(inWrapper.findings.map(\.line).sorted() == [2, 4, 5, 5])
        let elsewhere = Self.audit(file: "Deploy/Example.swift", text: text)
        #expect(elsewhere.findings.map(\.line).sorted() == [2, 3, 4, 5])
    }

    // MARK: the audit

    static func audit(file: String, text: String) -> (calls: Int, findings: [Finding]) {
        let code = withoutComments(text)
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let inWrapper = wrapperFiles.contains { file.hasPrefix($0) }
        var calls = 0
        var findings: [Finding] = []
        var offset = 0
        let characters = Array(code)
        var lineStarts: [Int] = []
        for line in lines {
            lineStarts.append(offset)
            offset += line.count + 1
        }
        func lineNumber(_ position: Int) -> Int { (lineStarts.lastIndex { $0 <= position } ?? 0) + 1 }

        for (index, line) in lines.enumerated() where !file.hasSuffix("NameBytes.swift") {
            for conversion in forbiddenConversions where line.contains(conversion) && !line.contains("NameBytes.withCString(") {
                findings.append(Finding(file: file, line: index + 1, text: "\(conversion) makes a C string without NameBytes"))
            }
        }
        var position = 0
        while position < characters.count {
            guard let (name, open) = nextCall(in: characters, from: position) else { break }
            position = open + 1
            guard let paths = pathArguments[name] else { continue }
            // A C function has no argument labels and takes its path: `stat()` is the struct,
            // `rename(a, to: b)` a Swift function of the same name.
            let arguments = splitArguments(characters, from: open)
            if arguments == [""] || arguments.contains(where: { $0.firstMatch(of: #/^\w+:\s/#) != nil }) { continue }
            calls += 1
            let line = lineNumber(open)
            guard inWrapper else {
                findings.append(Finding(file: file, line: line, text: "\(name)(…) outside the system-call wrappers"))
                continue
            }
            for index in paths where index < arguments.count && arguments[index].wholeMatch(of: allowedArgument) == nil {
                findings.append(Finding(file: file, line: line, text: "\(name)(…) gets '\(arguments[index])' as a path, not a NameBytes C string"))
            }
        }
        return (calls, findings)
    }

    /// The next `name(` that calls a global function: not a method (`x.name(`) other than
    /// `Glibc.name(`, not a declaration (`func name(`).
    static func nextCall(in characters: [Character], from start: Int) -> (String, Int)? {
        var index = start
        while index < characters.count {
            guard characters[index] == "(" else { index += 1; continue }
            var begin = index
            while begin > 0, characters[begin - 1].isLetter || characters[begin - 1].isNumber || characters[begin - 1] == "_" { begin -= 1 }
            let name = String(characters[begin..<index])
            let before = String(characters[max(0, begin - 6)..<begin])
            let isMethod = begin > 0 && characters[begin - 1] == "." && !before.hasSuffix("Glibc.")
            let isDeclaration = String(characters[max(0, begin - 5)..<begin]) == "func "
            if !name.isEmpty, !isMethod, !isDeclaration { return (name, index) }
            index += 1
        }
        return nil
    }

    /// The top-level arguments of the call whose `(` is at `open`, trimmed, labels kept.
    static func splitArguments(_ characters: [Character], from open: Int) -> [String] {
        var depth = 0
        var current = ""
        var arguments: [String] = []
        var inString = false
        for character in characters[(open + 1)...] {
            if character == "\"" { inString.toggle() }
            if !inString {
                if "([{".contains(character) { depth += 1 }
                if ")]}".contains(character) {
                    if depth == 0 { break }
                    depth -= 1
                }
                if character == ",", depth == 0 {
                    arguments.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                    current = ""
                    continue
                }
            }
            current.append(character)
        }
        arguments.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
        return arguments
    }

    /// `text` with `//` comments blanked (line numbers kept); string literals are left alone.
    static func withoutComments(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var inString = false
            var previous: Character = " "
            for (offset, character) in line.enumerated() {
                if character == "\"" { inString.toggle() }
                if !inString, character == "/", previous == "/" { return String(line.prefix(offset - 1)) }
                previous = character
            }
            return String(line)
        }.joined(separator: "\n")
    }

    /// Every Swift file of the kit, by its path below `Sources/PersistDeployKit/`.
    static func kitSources(filePath: String = #filePath) throws -> [(String, String)] {
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            directory.deleteLastPathComponent()
        }
        let kit = directory.appendingPathComponent("Sources/PersistDeployKit")
        let enumerator = FileManager.default.enumerator(atPath: kit.path)
        var sources: [(String, String)] = []
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            sources.append((relative, try String(contentsOf: kit.appendingPathComponent(relative), encoding: .utf8)))
        }
        return sources.sorted { $0.0 < $1.0 }
    }
}
