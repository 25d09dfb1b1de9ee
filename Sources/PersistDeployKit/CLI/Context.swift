import Glibc

/// Everything a command reads from its surroundings, passed in so tests can run commands in
/// process with their own file system, environment, clock and output.
package struct Context: Sendable {
    package var fileSystem: any FileSystem
    package var environment: [String: String]
    package var workingDirectory: String
    package var now: @Sendable () -> Date
    package var hostName: String
    package var userName: String
    package var processID: Int32
    /// The host's users and groups (`--web-user`, the health check's web user).
    package var accounts: Accounts = .system

    package init(
        fileSystem: any FileSystem, environment: [String: String], workingDirectory: String,
        now: @escaping @Sendable () -> Date = { Date() }, hostName: String = "localhost",
        userName: String = "unknown", processID: Int32 = 0
    ) {
        self.fileSystem = fileSystem
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.now = now
        self.hostName = hostName
        self.userName = userName
        self.processID = processID
    }

    /// The real process's surroundings.
    package static func live() -> Context {
        var buffer = [CChar](repeating: 0, count: 256)
        let host =
            gethostname(&buffer, buffer.count - 1) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown"
        let environment = liveEnvironment()
        // A nil buffer makes glibc allocate one of the right size (freed below); a real buffer
        // with size 0 fails with EINVAL.
        let working = getcwd(nil, 0).map { pointer in
            defer { free(pointer) }
            return NameBytes.string(cString: cStringBytes(pointer))
        } ?? environment["PWD"] ?? "/"
        let user = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? environment["USER"] ?? "unknown"
        return Context(
            fileSystem: LocalFileSystem(), environment: environment, workingDirectory: working,
            hostName: host, userName: user, processID: getpid())
    }

    /// The process's variables, each value as its bytes (`NameBytes`): `PERSIST_DEPLOY_ROOT` may
    /// name a folder that is not UTF-8.
    private static func liveEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = NameBytes.string(cString: cStringBytes(entry))
            if let equals = text.unicodeScalars.firstIndex(of: "=") {
                let name = String(text.unicodeScalars[..<equals])
                if result[name] == nil { result[name] = String(text.unicodeScalars[text.unicodeScalars.index(after: equals)...]) }
            }
            cursor += 1
        }
        return result
    }

    private static func cStringBytes(_ pointer: UnsafePointer<CChar>) -> [CChar] {
        Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer) + 1))
    }

    /// `path` made absolute against the working directory (`~/` expanded from `HOME`).
    package func absolutePath(_ path: String) -> String {
        if path == "~" || path.hasPrefix("~/"), let home = environment["HOME"] {
            return PathName.normalize(home + path.dropFirst())
        }
        return PathName.absolute(path, from: workingDirectory)
    }
}
