import Glibc
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// `appendFile` and `readBytes` (what the history is written and read with), on both backends.
@Suite struct FileSystemAppendContractTests {
    @Test(arguments: Backend.allCases)
    func appendCreatesWithTheModeThenAddsAtTheEnd(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.fileSystem.appendFile(at: box.path("log"), contents: Array("one\n".utf8), permissions: 0o640)
        #expect(try box.mode("log") == 0o640)
        try box.fileSystem.appendFile(at: box.path("log"), contents: Array("two\n".utf8), permissions: 0o600)
        #expect(try box.read("log") == "one\ntwo\n")
        // The mode is the creator's: a later append does not change it.
        #expect(try box.mode("log") == 0o640)
    }

    @Test(arguments: Backend.allCases)
    func appendNeverFollowsALinkNorWritesIntoAFolder(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("target", "kept")
        try box.link("log", to: "target")
        #expect(errnoOf { try box.fileSystem.appendFile(at: box.path("log"), contents: [0x41], permissions: 0o644) } == ELOOP)
        #expect(try box.read("target") == "kept")
        try box.mkdir("folder")
        #expect(errnoOf { try box.fileSystem.appendFile(at: box.path("folder"), contents: [0x41], permissions: 0o644) } == EISDIR)
        #expect(errnoOf { try box.fileSystem.appendFile(at: box.path("missing/log"), contents: [0x41], permissions: 0o644) } == ENOENT)
    }

    @Test(arguments: Backend.allCases)
    func readBytesReadsARangeAndStopsAtTheEnd(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("file", "0123456789")
        let fs = box.fileSystem
        #expect(String(decoding: try fs.readBytes(at: box.path("file"), offset: 3, count: 4), as: UTF8.self) == "3456")
        #expect(String(decoding: try fs.readBytes(at: box.path("file"), offset: 8, count: 100), as: UTF8.self) == "89")
        #expect(try fs.readBytes(at: box.path("file"), offset: 10, count: 5).isEmpty)
        #expect(try fs.readBytes(at: box.path("file"), offset: 0, count: 0).isEmpty)
        #expect(errnoOf { _ = try fs.readBytes(at: box.path("missing"), offset: 0, count: 1) } == ENOENT)
    }
}

/// The change time (ctime) tells when an entry arrived: a copy keeps modification times, never it.
@Suite struct FileSystemChangeTimeContractTests {
    @Test(arguments: Backend.allCases)
    func aCopyKeepsTheModificationTimeButNotTheChangeTime(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("upload/index.php", "<?php")
        try box.setModificationTime("upload", to: 1_000_000_000)
        try box.fileSystem.copyTree(from: box.path("upload"), to: box.path("releases-copy"))
        let copy = try #require(try box.fileSystem.status(at: box.path("releases-copy"), followSymlink: false))
        #expect(copy.modificationTime == 1_000_000_000)
        #expect(copy.changeTime > 1_000_000_001)
        try box.fileSystem.rename(box.path("releases-copy"), to: box.path("renamed"), replacing: false)
        let renamed = try #require(try box.fileSystem.status(at: box.path("renamed"), followSymlink: false))
        #expect(renamed.changeTime >= copy.changeTime && renamed.modificationTime == 1_000_000_000)
    }
}
