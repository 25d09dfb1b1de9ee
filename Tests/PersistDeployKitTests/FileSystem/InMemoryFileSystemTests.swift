import Glibc
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// What the fake adds beyond the contract: a tree from literals, snapshots, mounts.
@Suite struct InMemoryFileSystemTests {
    @Test func buildsATreeFromLiteralsAndDescribesIt() throws {
        let fileSystem = try InMemoryFileSystem(
            files: ["/r/shared/.env": "KEY=1", "/r/releases/1/public/index.php": "<?php"],
            directories: ["/r/shared/public/uploads"],
            symlinks: ["/r/current": "releases/1", "/r/releases/1/.env": "../../shared/.env"])
        #expect(fileSystem.snapshot() == [
            "/r": "dir", "/r/shared": "dir", "/r/shared/.env": "file:KEY=1", "/r/shared/public": "dir",
            "/r/shared/public/uploads": "dir", "/r/releases": "dir", "/r/releases/1": "dir",
            "/r/releases/1/public": "dir", "/r/releases/1/public/index.php": "file:<?php",
            "/r/releases/1/.env": "link:../../shared/.env", "/r/current": "link:releases/1",
        ])
        #expect(try fileSystem.readText(at: "/r/current/.env") == "KEY=1")
        #expect(try fileSystem.status(at: "/r/shared/.env", followSymlink: false)?.permissions == 0o644)
    }

    @Test func aMountIsAnotherDeviceSoRenamesAcrossItFailWithEXDEV() throws {
        let fileSystem = try InMemoryFileSystem(files: ["/app/release/uploads/a.jpg": "a"])
        try fileSystem.mount(at: "/other")
        let appDevice = try fileSystem.status(at: "/app", followSymlink: false)?.device
        try fileSystem.createDirectory(at: "/other/shared", permissions: 0o755)
        #expect(try fileSystem.status(at: "/other/shared", followSymlink: false)?.device != appDevice)

        #expect(errnoOf { try fileSystem.rename("/app/release/uploads", to: "/other/shared/uploads", replacing: false) } == EXDEV)
        #expect(errnoOf { try fileSystem.rename("/other/shared", to: "/app/shared", replacing: true) } == EXDEV)
        #expect(errnoOf { try fileSystem.rename("/other", to: "/elsewhere", replacing: true) } == EBUSY)
        #expect(errnoOf { try fileSystem.removeTree(at: "/other") } == EBUSY)
        try fileSystem.rename("/other/shared", to: "/other/moved", replacing: false)

        // The fallback the deploy uses: copy across, then remove the source.
        try fileSystem.copyTree(from: "/app/release/uploads", to: "/other/moved/uploads")
        #expect(try fileSystem.status(at: "/other/moved/uploads/a.jpg", followSymlink: false)?.device != appDevice)
        #expect(try fileSystem.readText(at: "/other/moved/uploads/a.jpg") == "a")
    }

    @Test func modificationTimesAdvanceWithEveryChange() throws {
        let fileSystem = InMemoryFileSystem()
        try fileSystem.writeText("1", to: "/a")
        try fileSystem.writeText("2", to: "/b")
        let first = try #require(try fileSystem.status(at: "/a", followSymlink: false)?.modificationTime)
        let second = try #require(try fileSystem.status(at: "/b", followSymlink: false)?.modificationTime)
        #expect(first < second)
        try fileSystem.setModificationTime(at: "/a", to: 42)
        #expect(try fileSystem.status(at: "/a", followSymlink: false)?.modificationTime == 42)
    }

    @Test func aLinkToTheRootAndDotDotAboveTheRootStayAtTheRoot() throws {
        let fileSystem = try InMemoryFileSystem(files: ["/etc/hostname": "box"], symlinks: ["/root-link": "/"])
        #expect(try fileSystem.readText(at: "/root-link/etc/hostname") == "box")
        #expect(try fileSystem.readText(at: "/../../etc/./hostname") == "box")
        #expect(try fileSystem.isDirectory("/root-link", followSymlink: true))
    }

    @Test func concurrentWritersNeverCorruptTheTree() async throws {
        let fileSystem = InMemoryFileSystem()
        try fileSystem.createDirectory(at: "/d", permissions: 0o755)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { try? fileSystem.writeText("\(index)", to: "/d/\(index % 50)") }
            }
        }
        #expect(try fileSystem.listDirectory(at: "/d").count == 50)
    }
}

/// The fault injector: rules by operation and path, and crash points.
@Suite struct FaultyFileSystemTests {
    @Test func failsTheChosenOperationOnMatchingPathsOnly() throws {
        let disk = FaultyFileSystem(wrapping: try InMemoryFileSystem(files: ["/r/release/uploads/a": "a"], directories: ["/r/shared"]))
        disk.fail(.rename, matching: { $0.hasPrefix("/r/shared") }, errno: EXDEV)
        disk.fail(.writeFile, errno: ENOSPC)

        #expect(errnoOf { try disk.rename("/r/release/uploads", to: "/r/shared/uploads", replacing: false) } == EXDEV)
        #expect(errnoOf { try disk.writeText("x", to: "/r/anything") } == ENOSPC)
        try disk.rename("/r/release/uploads", to: "/r/release/moved", replacing: false)
        try disk.copyTree(from: "/r/release/moved", to: "/r/shared/uploads")
        #expect(try disk.readText(at: "/r/shared/uploads/a") == "a")
        #expect(disk.calls.map(\.description) == [
            "rename /r/release/uploads /r/shared/uploads", "writeFile /r/anything",
            "rename /r/release/uploads /r/release/moved", "copyTree /r/release/moved /r/shared/uploads",
            "readFile /r/shared/uploads/a",
        ])
    }

    @Test func aRuleCanFailALimitedNumberOfTimes() throws {
        let disk = FaultyFileSystem(wrapping: InMemoryFileSystem())
        disk.fail(.createDirectory, errno: EIO, times: 1)
        #expect(errnoOf { try disk.createDirectory(at: "/a", permissions: 0o755) } == EIO)
        try disk.createDirectory(at: "/a", permissions: 0o755)
        #expect(try disk.isDirectory("/a"))
    }

    @Test(arguments: 0...3)
    func failAfterStopsEveryMutationFromThatPointOn(limit: Int) throws {
        let memory = InMemoryFileSystem()
        let disk = FaultyFileSystem(wrapping: memory)
        disk.failAfter(operations: limit)
        let steps: [() throws -> Void] = [
            { try disk.createDirectory(at: "/a", permissions: 0o755) },
            { try disk.writeText("1", to: "/a/one") },
            { try disk.createSymlink(at: "/link", target: "a") },
            { try disk.rename("/a/one", to: "/a/two", replacing: false) },
        ]
        var completed = 0
        for step in steps {
            guard errnoOf(step) == nil else { break }
            completed += 1
        }
        #expect(completed == limit)
        // The tree holds exactly what happened before the crash point.
        let expected: [[String: String]] = [
            [:], ["/a": "dir"], ["/a": "dir", "/a/one": "file:1"],
            ["/a": "dir", "/a/one": "file:1", "/link": "link:a"],
        ]
        #expect(memory.snapshot() == expected[limit])
        #expect(disk.mutatingCallCount == limit + 1)
        disk.heal()
        try disk.writeText("after", to: "/healed")
        #expect(memory.snapshot()["/healed"] == "file:after")
    }
}
