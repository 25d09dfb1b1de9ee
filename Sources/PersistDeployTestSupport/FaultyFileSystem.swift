import Glibc
import PersistDeployKit
import Synchronization

/// Wraps a file system and makes chosen calls fail, to test what the tool does on a full disk,
/// a rename across file systems (`EXDEV`), or a crash part-way through (`failAfter`).
///
/// ```swift
/// let disk = FaultyFileSystem(wrapping: InMemoryFileSystem())
/// disk.fail(.rename, matching: { $0.hasPrefix("/root/shared") }, errno: EXDEV)
/// disk.fail(.writeFile, errno: ENOSPC)
/// disk.failAfter(operations: 3)   // the 4th mutating call and every one after it throws EIO
/// ```
package final class FaultyFileSystem: FileSystem, @unchecked Sendable {
    /// The `FileSystem` operations, one case each.
    package enum Operation: String, Sendable, CaseIterable {
        case status, listDirectory, files, readFile, writeFile, createDirectory, createSymlink
        case readSymlink, rename, exchange, removeTree, copyTree, setPermissions, syncDirectory, setOwner

        /// True for the calls that change the tree (the ones a crash can interrupt).
        package var isMutating: Bool {
            switch self {
            case .status, .listDirectory, .files, .readFile, .readSymlink, .syncDirectory: false
            default: true
            }
        }
    }

    /// One call as the wrapper saw it: the operation and the paths it named.
    package struct Call: Sendable, Equatable, CustomStringConvertible {
        package let operation: Operation
        package let paths: [String]
        package var description: String { ([operation.rawValue] + paths).joined(separator: " ") }
    }

    private struct Rule {
        let operation: Operation
        let matches: @Sendable (String) -> Bool
        let code: Int32
        var remaining: Int?
    }

    private struct State {
        var rules: [Rule] = []
        var mutatingLimit: Int?
        var mutatingCalls = 0
        var calls: [Call] = []
    }

    package let wrapped: any FileSystem
    private let state = Mutex(State())

    package init(wrapping wrapped: any FileSystem) {
        self.wrapped = wrapped
    }

    /// Makes `operation` throw `errno` when any path it names satisfies `matching`; `times`
    /// limits how often (nil: every time).
    package func fail(
        _ operation: Operation, matching: @escaping @Sendable (String) -> Bool = { _ in true },
        errno code: Int32, times: Int? = nil
    ) {
        state.withLock { $0.rules.append(Rule(operation: operation, matches: matching, code: code, remaining: times)) }
    }

    /// Lets `count` mutating calls through; every mutating call after them throws `EIO`, as if
    /// the process had died at that point and nothing after it happened.
    package func failAfter(operations count: Int) {
        state.withLock { $0.mutatingLimit = count }
    }

    /// Removes every rule and the limit.
    package func heal() {
        state.withLock {
            $0.rules = []
            $0.mutatingLimit = nil
        }
    }

    /// Every call made so far, failed ones included, in order.
    package var calls: [Call] { state.withLock { $0.calls } }

    /// How many mutating calls were made (failed ones included).
    package var mutatingCallCount: Int { state.withLock { $0.mutatingCalls } }

    /// Records the call and throws when a rule or the limit says so.
    private func check(_ operation: Operation, _ paths: String...) throws(SystemCallError) {
        let failure: Int32? = state.withLock { state in
            state.calls.append(Call(operation: operation, paths: paths))
            if operation.isMutating {
                state.mutatingCalls += 1
                if let limit = state.mutatingLimit, state.mutatingCalls > limit { return EIO }
            }
            for index in state.rules.indices {
                let rule = state.rules[index]
                guard rule.operation == operation, rule.remaining != 0, paths.contains(where: rule.matches) else { continue }
                if let remaining = rule.remaining { state.rules[index].remaining = remaining - 1 }
                return rule.code
            }
            return nil
        }
        if let failure {
            throw SystemCallError(call: operation.rawValue, path: paths.joined(separator: " -> "), code: failure)
        }
    }

    package func status(at path: String, followSymlink: Bool) throws(SystemCallError) -> FileStatus? {
        try check(.status, path)
        return try wrapped.status(at: path, followSymlink: followSymlink)
    }

    package func listDirectory(at path: String) throws(SystemCallError) -> [String] {
        try check(.listDirectory, path)
        return try wrapped.listDirectory(at: path)
    }

    package func someNames(in directory: String, limit: Int) throws(SystemCallError) -> [String] {
        try check(.listDirectory, directory)
        return try wrapped.someNames(in: directory, limit: limit)
    }

    package func files(under directory: String) throws(SystemCallError) -> [String] {
        try check(.files, directory)
        return try wrapped.files(under: directory)
    }

    package func walk(_ directory: String) throws(SystemCallError) -> [WalkedEntry] {
        try check(.files, directory)
        return try wrapped.walk(directory)
    }

    package func readFile(at path: String) throws(SystemCallError) -> [UInt8] {
        try check(.readFile, path)
        return try wrapped.readFile(at: path)
    }

    package func writeFile(at path: String, contents: [UInt8], permissions: UInt32) throws(SystemCallError) {
        try check(.writeFile, path)
        try wrapped.writeFile(at: path, contents: contents, permissions: permissions)
    }

    package func createDirectory(at path: String, permissions: UInt32) throws(SystemCallError) {
        try check(.createDirectory, path)
        try wrapped.createDirectory(at: path, permissions: permissions)
    }

    package func createSymlink(at path: String, target: String) throws(SystemCallError) {
        try check(.createSymlink, path)
        try wrapped.createSymlink(at: path, target: target)
    }

    package func readSymlink(at path: String) throws(SystemCallError) -> String {
        try check(.readSymlink, path)
        return try wrapped.readSymlink(at: path)
    }

    package func rename(_ source: String, to destination: String, replacing: Bool) throws(SystemCallError) {
        try check(.rename, source, destination)
        try wrapped.rename(source, to: destination, replacing: replacing)
    }

    package func exchange(_ first: String, _ second: String) throws(SystemCallError) {
        try check(.exchange, first, second)
        try wrapped.exchange(first, second)
    }

    package func removeTree(at path: String) throws(SystemCallError) {
        try check(.removeTree, path)
        try wrapped.removeTree(at: path)
    }

    package func copyTree(from source: String, to destination: String) throws(SystemCallError) {
        try check(.copyTree, source, destination)
        try wrapped.copyTree(from: source, to: destination)
    }

    package func setPermissions(at path: String, to permissions: UInt32) throws(SystemCallError) {
        try check(.setPermissions, path)
        try wrapped.setPermissions(at: path, to: permissions)
    }

    package func syncDirectory(at path: String) throws(SystemCallError) {
        try check(.syncDirectory, path)
        try wrapped.syncDirectory(at: path)
    }

    package func setOwner(at path: String, user: UInt32?, group: UInt32?) throws(SystemCallError) {
        try check(.setOwner, path)
        try wrapped.setOwner(at: path, user: user, group: group)
    }
}
