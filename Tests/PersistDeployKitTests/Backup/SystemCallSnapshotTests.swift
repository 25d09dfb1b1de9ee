import Foundation
import PersistDeployTestSupport
import Testing

@testable import PersistDeployKit

@Suite struct SystemCallSnapshotTests {
    @Test func descriptorRelativeCalls() throws {
        let directory = try TemporaryDirectory("syscalls")
        defer { directory.remove() }
        let fileSystem = LocalFileSystem()
        try fileSystem.writeText("data", to: PathName.join(directory.path, "file"))
        let handle = try SystemCall.open(directory.path, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(handle) }
        let name = Array("file".utf8CString)

        let info = try #require(try SystemCall.status(of: name, in: handle, label: "file"))
        #expect(info.st_size == 4)
        #expect(try SystemCall.status(of: Array("missing".utf8CString), in: handle, label: "missing") == nil)

        try SystemCall.hardLink(name, in: handle, as: Array("second".utf8CString), in: handle, label: "second")
        let second = try #require(try SystemCall.status(of: Array("second".utf8CString), in: handle, label: "second"))
        #expect(second.st_ino == info.st_ino)
        #expect(second.st_nlink == 2)
        #expect(throws: SystemCallError(call: "link", path: "second", code: EEXIST)) {
            try SystemCall.hardLink(name, in: handle, as: Array("second".utf8CString), in: handle, label: "second")
        }

        try SystemCall.createSymlink(Array("link".utf8CString), in: handle, target: Array("/etc".utf8CString), label: "link")
        #expect(try SystemCall.readSymlink(Array("link".utf8CString), in: handle, label: "link") == Array("/etc".utf8CString))
        let link = try #require(try SystemCall.status(of: Array("link".utf8CString), in: handle, label: "link"))
        #expect(link.st_mode & S_IFMT == S_IFLNK)
        let when = timespec(tv_sec: 1_600_000_000, tv_nsec: 5)
        try SystemCall.setSymlinkTimes(Array("link".utf8CString), in: handle, access: when, modification: when, label: "link")
        #expect(try SystemCall.status(of: Array("link".utf8CString), in: handle, label: "link")?.st_mtim.tv_sec == 1_600_000_000)

        try SystemCall.makeDirectory(Array("sub".utf8CString), in: handle, mode: 0o700, label: "sub")
        let file = try SystemCall.open(name, in: handle, flags: O_RDWR | O_CLOEXEC, label: "file")
        defer { close(file) }
        try SystemCall.setMode(of: file, to: 0o604, label: "file")
        try SystemCall.setTimes(of: file, access: when, modification: when, label: "file")
        let changed = try SystemCall.status(of: file, label: "file")
        #expect(changed.st_mode & 0o7777 == 0o604)
        #expect(changed.st_mtim.tv_nsec == 5)
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(try SystemCall.read(file, into: &buffer, label: "file") == 4)
        #expect(Array(buffer[0..<4]) == Array("data".utf8))

        try SystemCall.syncFileSystem(of: handle, label: directory.path)
        let space = try SystemCall.space(at: directory.path)
        #expect(space.total > 0 && space.available <= space.total)
        #expect(throws: SystemCallError.self) { try SystemCall.space(at: PathName.join(directory.path, "missing")) }
    }
}

@Suite struct WorkerThreadTests {
    @Test func everyJobIsTakenOnceAcrossThreads() {
        final class Seen: @unchecked Sendable {
            let slots = UnsafeMutableBufferPointer<Int>.allocate(capacity: 1000)
            init() { slots.initialize(repeating: 0) }
            deinit { slots.deallocate() }
        }
        let seen = Seen()
        let counter = JobCounter(count: 1000)
        SystemCall.runOnThreads(4) { _ in
            while let job = counter.take() { seen.slots[job] += 1 }
        }
        #expect(seen.slots.allSatisfy { $0 == 1 })
        #expect(counter.take() == nil)
        #expect(SystemCall.processorCount >= 1)
    }
}
