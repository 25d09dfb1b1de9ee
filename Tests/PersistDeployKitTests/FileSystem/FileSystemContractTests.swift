import Glibc
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// One set of bodies run against `LocalFileSystem` and `InMemoryFileSystem`, so the fake cannot
/// drift from Linux: every expectation here was first true of the real thing.
@Suite struct FileSystemContractTests {
    // MARK: status

    @Test(arguments: Backend.allCases)
    func statusSeesFilesDirectoriesAndLinks(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("dir/file.txt", "hello", permissions: 0o640)
        try box.link("to-file", to: "dir/file.txt")
        try box.link("dangling", to: "nowhere")

        let file = try #require(try box.fileSystem.status(at: box.path("dir/file.txt"), followSymlink: false))
        #expect(file.type == .file)
        #expect(file.size == 5)
        #expect(file.permissions == 0o640)
        #expect(try box.type("dir") == .directory)

        let link = try #require(try box.fileSystem.status(at: box.path("to-file"), followSymlink: false))
        #expect(link.type == .symlink)
        #expect(link.size == Int64("dir/file.txt".utf8.count))
        #expect(try box.fileSystem.status(at: box.path("to-file"), followSymlink: true)?.type == .file)

        #expect(try box.type("dangling") == .symlink)
        #expect(try box.fileSystem.status(at: box.path("dangling"), followSymlink: true) == nil)
        #expect(try box.type("missing") == nil)
        // A path through a file is ENOTDIR in the kernel; for the tool it is just "not there".
        #expect(try box.type("dir/file.txt/below") == nil)
        #expect(file.device == (try box.fileSystem.status(at: box.root, followSymlink: false)?.device))
    }

    @Test(arguments: Backend.allCases)
    func intermediateLinksResolveAgainstTheirOwnParent(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("shared/public/uploads/a.jpg", "jpg")
        try box.mkdir("releases/1/public")
        try box.link("releases/1/public/uploads", to: "../../../shared/public/uploads")
        try box.link("current", to: "releases/1")
        try box.link("absolute", to: box.path("shared"))

        #expect(try box.read("current/public/uploads/a.jpg") == "jpg")
        #expect(try box.read("absolute/public/uploads/a.jpg") == "jpg")
        // `..` after a link is taken from where the link led, not lexically.
        #expect(try box.read("current/public/uploads/../uploads/a.jpg") == "jpg")
        #expect(try box.fileSystem.isDirectory(box.path("current"), followSymlink: true))
        #expect(try box.fileSystem.isDirectory(box.path("current"), followSymlink: false) == false)
    }

    @Test(arguments: Backend.allCases)
    func moreThanFortyLinksInARowIsALoop(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("target", "end")
        for hop in 1...40 {
            try box.link("l\(hop)", to: hop == 40 ? "target" : "l\(hop + 1)")
        }
        try box.link("l0", to: "l1")
        try box.link("self", to: "self")

        #expect(try box.read("l1") == "end")
        #expect(errnoOf { _ = try box.fileSystem.status(at: box.path("l0"), followSymlink: true) } == ELOOP)
        #expect(errnoOf { _ = try box.read("self") } == ELOOP)
        #expect(try box.type("self") == .symlink)
    }

    // MARK: listing

    @Test(arguments: Backend.allCases)
    func listDirectorySortsBytewiseAndRefusesNonDirectories(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        for name in ["b", "a", "B", "é", "a-b", "_", ".hidden", "a.b"] { try box.write("d/\(name)") }
        try box.mkdir("d/sub")
        try box.link("d/link", to: "sub")
        try box.link("link-to-d", to: "d")

        #expect(try box.fileSystem.listDirectory(at: box.path("d")) == [".hidden", "B", "_", "a", "a-b", "a.b", "b", "link", "sub", "é"])
        #expect(try box.fileSystem.listDirectory(at: box.path("d/sub")) == [])
        #expect(errnoOf { _ = try box.fileSystem.listDirectory(at: box.path("missing")) } == ENOENT)
        #expect(errnoOf { _ = try box.fileSystem.listDirectory(at: box.path("d/a")) } == ENOTDIR)
        // O_DIRECTORY | O_NOFOLLOW on a link: Linux reports ENOTDIR.
        #expect(errnoOf { _ = try box.fileSystem.listDirectory(at: box.path("link-to-d")) } == ENOTDIR)
        #expect(try box.fileSystem.listDirectory(at: box.path("link-to-d/sub")) == [])
    }

    @Test(arguments: Backend.allCases)
    func filesUnderListsEveryNonDirectoryWithoutFollowingLinks(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("outside/secret-1")
        try box.write("outside/secret-2")
        try box.write("tree/a/deep/file")
        try box.write("tree/a-b")
        try box.write("tree/top")
        try box.mkdir("tree/empty")
        try box.link("tree/a/escape", to: "../../outside")
        try box.link("tree/dangling", to: "missing")

        #expect(try box.fileSystem.files(under: box.path("tree")) == ["a-b", "a/deep/file", "a/escape", "dangling", "top"])
        #expect(try box.fileSystem.files(under: box.path("tree/empty")) == [])
        #expect(errnoOf { _ = try box.fileSystem.files(under: box.path("nothing")) } == ENOENT)
    }

    /// A real folder becomes a link in one step: the two entries swap names.
    @Test(arguments: Backend.allCases)
    func exchangeSwapsAFolderAndALinkInOneStep(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.mkdir("release/uploads")
        try box.write("shared/uploads/photo.jpg", "photo")
        try box.link("release/.tmp-link", to: "../shared/uploads")

        try box.fileSystem.exchange(box.path("release/.tmp-link"), box.path("release/uploads"))
        #expect(try box.fileSystem.type(at: box.path("release/uploads")) == .symlink)
        #expect(try box.read("release/uploads/photo.jpg") == "photo")
        #expect(try box.fileSystem.type(at: box.path("release/.tmp-link")) == .directory)
        #expect(errnoOf { try box.fileSystem.exchange(box.path("release/uploads"), box.path("release/missing")) } == ENOENT)
    }

    // MARK: reading and writing

    @Test(arguments: Backend.allCases, [UInt32(0o600), 0o640, 0o666, 0o755, 0o777])
    func writeFileKeepsTheExactModeWhateverTheUmask(_ backend: Backend, mode: UInt32) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.fileSystem.writeFile(at: box.path(".env"), contents: Array("KEY=1\n".utf8), permissions: mode)
        #expect(try box.mode(".env") == mode)
        #expect(try box.read(".env") == "KEY=1\n")
    }

    @Test(arguments: Backend.allCases)
    func writeFileReplacesAtomicallyAndNeverWritesThroughALink(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("file", "old")
        try box.write("shared/.env", "SECRET=1")
        try box.link(".env", to: "shared/.env")
        try box.mkdir("dir")

        try box.fileSystem.writeText("new", to: box.path("file"))
        #expect(try box.read("file") == "new")
        try box.fileSystem.writeText("replaced", to: box.path(".env"))
        #expect(try box.type(".env") == .file)
        #expect(try box.read("shared/.env") == "SECRET=1")
        #expect(try box.fileSystem.listDirectory(at: box.root) == [".env", "dir", "file", "shared"])

        #expect(errnoOf { try box.fileSystem.writeText("x", to: box.path("dir")) } == EISDIR)
        #expect(errnoOf { try box.fileSystem.writeText("x", to: box.path("missing/file")) } == ENOENT)
        #expect(errnoOf { try box.fileSystem.writeText("x", to: box.path("file/below")) } == ENOTDIR)
        #expect(errnoOf { _ = try box.fileSystem.readFile(at: box.path("dir")) } == EISDIR)
        #expect(errnoOf { _ = try box.fileSystem.readFile(at: box.path("missing")) } == ENOENT)
        #expect(try box.fileSystem.files(under: box.root) == [".env", "file", "shared/.env"])
    }

    @Test(arguments: Backend.allCases)
    func writeFileHandlesBinaryAndEmptyContents(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        let bytes: [UInt8] = Array(0...255) + [0, 0xff, 0xfe]
        try box.fileSystem.writeFile(at: box.path("bin"), contents: bytes, permissions: 0o644)
        try box.fileSystem.writeFile(at: box.path("empty"), contents: [], permissions: 0o644)
        #expect(try box.fileSystem.readFile(at: box.path("bin")) == bytes)
        #expect(try box.fileSystem.readFile(at: box.path("empty")) == [])
        #expect(try box.fileSystem.status(at: box.path("bin"), followSymlink: false)?.size == Int64(bytes.count))
    }

    // MARK: directories and links

    @Test(arguments: Backend.allCases)
    func createDirectoryMakesParentsWithTheExactModeAndAcceptsExistingOnes(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.mkdir("a/b/c", permissions: 0o775)
        #expect(try box.type("a/b/c") == .directory)
        #expect(try box.mode("a/b/c") == 0o775)
        #expect(try box.mode("a") == 0o775)
        try box.mkdir("a/b/c", permissions: 0o700)
        #expect(try box.mode("a/b/c") == 0o775, "an existing directory keeps its mode")

        try box.link("via", to: "a/b")
        try box.mkdir("via")
        try box.mkdir("via/d")
        #expect(try box.type("a/b/d") == .directory)

        try box.write("file")
        #expect(errnoOf { try box.mkdir("file") } == EEXIST)
        #expect(errnoOf { try box.mkdir("file/below") } == EEXIST)
        try box.link("dangling", to: "nowhere")
        #expect(errnoOf { try box.mkdir("dangling") } == EEXIST)
    }

    @Test(arguments: Backend.allCases)
    func symlinksKeepTheirTextExactly(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.mkdir("releases/1/public")
        let text = "../../../shared/public/uploads"
        try box.link("releases/1/public/uploads", to: text)
        try box.link("abs", to: "/etc/../etc/./hostname")
        #expect(try box.fileSystem.readSymlink(at: box.path("releases/1/public/uploads")) == text)
        #expect(try box.fileSystem.readSymlink(at: box.path("abs")) == "/etc/../etc/./hostname")

        #expect(errnoOf { try box.link("abs", to: "other") } == EEXIST)
        #expect(errnoOf { try box.link("releases", to: "other") } == EEXIST)
        #expect(errnoOf { try box.link("missing/link", to: "other") } == ENOENT)
        #expect(errnoOf { _ = try box.fileSystem.readSymlink(at: box.path("releases")) } == EINVAL)
        #expect(errnoOf { _ = try box.fileSystem.readSymlink(at: box.path("missing")) } == ENOENT)
    }

    @Test(arguments: Backend.allCases)
    func setPermissionsRefusesALinkAndLeavesItsTargetAlone(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("target", permissions: 0o600)
        try box.link("link", to: "target")
        #expect(errnoOf { try box.fileSystem.setPermissions(at: box.path("link"), to: 0o777) } == ELOOP)
        #expect(try box.mode("target") == 0o600)
        try box.fileSystem.setPermissions(at: box.path("target"), to: 0o4755)
        #expect(try box.mode("target") == 0o4755)
        #expect(errnoOf { try box.fileSystem.setPermissions(at: box.path("missing"), to: 0o644) } == ENOENT)
    }

    @Test(arguments: Backend.allCases)
    func syncDirectoryNeedsADirectory(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("file")
        try box.fileSystem.syncDirectory(at: box.root)
        #expect(errnoOf { try box.fileSystem.syncDirectory(at: box.path("missing")) } == ENOENT)
        #expect(errnoOf { try box.fileSystem.syncDirectory(at: box.path("file")) } == ENOTDIR)
    }

    // MARK: rename

    @Test(arguments: Backend.allCases)
    func renameReplacesFilesLinksAndEmptyDirectories(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("a", "A")
        try box.write("b", "B")
        try box.fileSystem.rename(box.path("a"), to: box.path("b"), replacing: true)
        #expect(try box.type("a") == nil)
        #expect(try box.read("b") == "A")

        // The deploy switch: a new link renamed over `current`, which points at a directory.
        try box.mkdir("releases/1")
        try box.mkdir("releases/2")
        try box.link("current", to: "releases/1")
        try box.link("current.tmp", to: "releases/2")
        try box.fileSystem.rename(box.path("current.tmp"), to: box.path("current"), replacing: true)
        #expect(try box.fileSystem.readSymlink(at: box.path("current")) == "releases/2")
        #expect(try box.fileSystem.listDirectory(at: box.path("releases/1")) == [])

        try box.write("full/x")
        try box.mkdir("empty")
        try box.fileSystem.rename(box.path("full"), to: box.path("empty"), replacing: true)
        #expect(try box.read("empty/x") == "x")

        // Same inode on both sides: nothing happens.
        try box.fileSystem.rename(box.path("b"), to: box.path("b"), replacing: true)
        #expect(try box.read("b") == "A")
    }

    @Test(arguments: Backend.allCases)
    func renameRefusesWhatRename2Refuses(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("file")
        try box.write("full/x")
        try box.mkdir("dir/sub")
        try box.mkdir("empty")
        func rename(_ from: String, _ to: String, replacing: Bool = true) -> Int32? {
            errnoOf { try box.fileSystem.rename(box.path(from), to: box.path(to), replacing: replacing) }
        }
        #expect(rename("dir", "full") == ENOTEMPTY)
        #expect(rename("file", "empty") == EISDIR)
        #expect(rename("empty", "file") == ENOTDIR)
        #expect(rename("missing", "new") == ENOENT)
        #expect(rename("file", "missing/new") == ENOENT)
        #expect(rename("dir", "dir/sub/inside") == EINVAL)
        #expect(try box.type("dir/sub") == .directory)
    }

    @Test(arguments: Backend.allCases)
    func renameWithoutReplacingFailsWithEEXISTAndChangesNothing(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("release/uploads/demo.jpg", "demo")
        try box.write("shared/uploads/user.jpg", "user")
        try box.mkdir("shared/empty")
        try box.link("shared/link", to: "nowhere")
        for existing in ["shared/uploads", "shared/empty", "shared/link"] {
            #expect(errnoOf {
                try box.fileSystem.rename(box.path("release/uploads"), to: box.path(existing), replacing: false)
            } == EEXIST)
        }
        #expect(try box.read("shared/uploads/user.jpg") == "user")
        #expect(try box.read("release/uploads/demo.jpg") == "demo")
        try box.fileSystem.rename(box.path("release/uploads"), to: box.path("shared/new"), replacing: false)
        #expect(try box.read("shared/new/demo.jpg") == "demo")
    }

    // MARK: removeTree

    @Test(arguments: Backend.allCases)
    func removeTreeNeverFollowsALinkOutOfTheTree(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        for index in 1...20 { try box.write("shared/uploads/photo-\(index).jpg", "\(index)") }
        try box.write("shared/.env", "SECRET")
        try box.write("releases/old/public/css/app.css")
        try box.link("releases/old/public/uploads", to: "../../../shared/uploads")
        try box.link("releases/old/.env", to: "../../shared/.env")
        try box.link("releases/old/absolute", to: box.path("shared"))
        try box.link("link-to-shared", to: "shared")

        try box.fileSystem.removeTree(at: box.path("releases/old"))
        try box.fileSystem.removeTree(at: box.path("link-to-shared"))

        #expect(try box.type("releases/old") == nil)
        #expect(try box.type("link-to-shared") == nil)
        #expect(try box.fileSystem.files(under: box.path("shared")).count == 21)
        #expect(try box.read("shared/.env") == "SECRET")
        try box.fileSystem.removeTree(at: box.path("missing"))
        try box.fileSystem.removeTree(at: box.path("shared/.env/below"))
    }

    /// `lstat("link/")` follows the link, so a trailing slash must not turn "remove this link"
    /// into "remove what it points at".
    @Test(arguments: Backend.allCases)
    func aTrailingSlashNeverMakesRemoveTreeOrChmodActOnTheTarget(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("shared/uploads/photo.jpg", "photo", permissions: 0o640)
        try box.mkdir("release/public")
        try box.link("release/public/uploads", to: "../../shared/uploads")

        #expect(try box.fileSystem.status(at: box.path("release/public/uploads/"), followSymlink: false)?.type == .directory)
        #expect(errnoOf { try box.fileSystem.setPermissions(at: box.path("release/public/uploads/"), to: 0o777) } == ELOOP)
        try box.fileSystem.removeTree(at: box.path("release/public/uploads/"))
        #expect(try box.type("release/public/uploads") == nil)
        #expect(try box.read("shared/uploads/photo.jpg") == "photo")
        #expect(try box.mode("shared/uploads") == 0o755)

        try box.fileSystem.removeTree(at: box.path("release//"))
        #expect(try box.type("release") == nil)
    }

    @Test(arguments: Backend.allCases)
    func dotsAndTrailingSlashesResolveLikeTheKernel(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("a/b/file", "f")
        try box.link("a/link", to: "b")
        #expect(try box.read("a/./b/../b//file") == "f")
        #expect(try box.type("a/b/..") == .directory)
        #expect(try box.type("a/b/file/") == nil)
        #expect(try box.type("a/link/") == .directory)
        #expect(try box.type("a/link") == .symlink)
        #expect(try box.fileSystem.listDirectory(at: box.path("a/link/")) == ["file"])
        #expect(errnoOf { try box.mkdir("a/b/file/x") } == EEXIST)
        #expect(errnoOf { _ = try box.fileSystem.readFile(at: box.path("a/b/file/")) } == ENOTDIR)
    }

    @Test(arguments: Backend.allCases)
    func removeTreeRemovesDeepTreesWithReadOnlyParts(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("tree/a/b/c/d/e/file", permissions: 0o400)
        try box.mkdir("tree/empty")
        try box.fileSystem.setPermissions(at: box.path("tree/a/b"), to: 0o555)
        try box.fileSystem.removeTree(at: box.path("tree"))
        #expect(try box.fileSystem.listDirectory(at: box.root) == [])
    }

    // MARK: copyTree

    @Test(arguments: Backend.allCases)
    func copyTreeKeepsModesTimesAndLinksAsLinks(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("outside/big", "not to be copied")
        try box.write("src/secret", "s", permissions: 0o600)
        try box.write("src/bin/run.sh", "#!/bin/sh", permissions: 0o755)
        try box.write("src/nested/deeper/leaf.txt", "leaf")
        try box.mkdir("src/empty", permissions: 0o700)
        try box.link("src/relative", to: "nested/deeper")
        try box.link("src/escape", to: "../outside")
        try box.link("src/dangling", to: "missing")
        try box.fileSystem.setPermissions(at: box.path("src/nested"), to: 0o750)
        try box.setModificationTime("src/secret", to: 1_600_000_000)
        try box.setModificationTime("src/relative", to: 1_500_000_000)
        try box.setModificationTime("src/nested/deeper", to: 1_400_000_000)
        try box.setModificationTime("src", to: 1_300_000_000)

        try box.fileSystem.copyTree(from: box.path("src"), to: box.path("dst"))

        #expect(try box.fileSystem.files(under: box.path("dst")) == ["bin/run.sh", "dangling", "escape", "nested/deeper/leaf.txt", "relative", "secret"])
        #expect(try box.read("dst/nested/deeper/leaf.txt") == "leaf")
        #expect(try box.mode("dst/secret") == 0o600)
        #expect(try box.mode("dst/bin/run.sh") == 0o755)
        #expect(try box.mode("dst/empty") == 0o700)
        #expect(try box.mode("dst/nested") == 0o750)
        #expect(try box.type("dst/escape") == .symlink)
        #expect(try box.fileSystem.readSymlink(at: box.path("dst/escape")) == "../outside")
        #expect(try box.fileSystem.readSymlink(at: box.path("dst/relative")) == "nested/deeper")
        #expect(try box.type("dst/dangling") == .symlink)
        func mtime(_ relative: String) throws -> Double? {
            try box.fileSystem.status(at: box.path(relative), followSymlink: false)?.modificationTime
        }
        #expect(try mtime("dst/secret") == 1_600_000_000)
        #expect(try mtime("dst/relative") == 1_500_000_000)
        #expect(try mtime("dst/nested/deeper") == 1_400_000_000)
        #expect(try mtime("dst") == 1_300_000_000)
        #expect(try box.fileSystem.files(under: box.path("src")).count == 6, "the source is untouched")
    }

    @Test(arguments: Backend.allCases)
    func copyTreeCopiesSingleFilesAndLinksAndNeverOverwrites(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("file", "data", permissions: 0o640)
        try box.link("link", to: "file")
        try box.mkdir("dir")
        try box.write("existing", "keep")

        try box.fileSystem.copyTree(from: box.path("file"), to: box.path("file-copy"))
        try box.fileSystem.copyTree(from: box.path("link"), to: box.path("link-copy"))
        #expect(try box.read("file-copy") == "data")
        #expect(try box.mode("file-copy") == 0o640)
        #expect(try box.fileSystem.readSymlink(at: box.path("link-copy")) == "file")

        #expect(errnoOf { try box.fileSystem.copyTree(from: box.path("file"), to: box.path("existing")) } == EEXIST)
        #expect(errnoOf { try box.fileSystem.copyTree(from: box.path("dir"), to: box.path("existing")) } == EEXIST)
        #expect(errnoOf { try box.fileSystem.copyTree(from: box.path("dir"), to: box.path("file-copy")) } == EEXIST)
        #expect(errnoOf { try box.fileSystem.copyTree(from: box.path("link"), to: box.path("dir")) } == EEXIST)
        #expect(errnoOf { try box.fileSystem.copyTree(from: box.path("missing"), to: box.path("new")) } == ENOENT)
        #expect(errnoOf { try box.fileSystem.copyTree(from: box.path("file"), to: box.path("no/parent")) } == ENOENT)
        #expect(try box.read("existing") == "keep")
    }

    // MARK: hostile names

    static let hostileNames = [
        "with space", "it's", "say \"hi\"", "new\nline", "$(touch pwned)", "`id`", "-rf", "--help",
        "semi;colon", "star*", "back\\slash", "tab\there", "ünïcødé ✓", String(repeating: "n", count: 255),
        String(repeating: "é", count: 127) + "e",
    ]

    @Test(arguments: Backend.allCases, hostileNames)
    func hostileNamesSurviveEveryOperation(_ backend: Backend, name: String) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        try box.write("src/\(name)/\(name)", name, permissions: 0o600)
        try box.link("src/link", to: name)
        #expect(try box.fileSystem.listDirectory(at: box.path("src")).contains(name))
        #expect(try box.read("src/\(name)/\(name)") == name)
        #expect(try box.fileSystem.readSymlink(at: box.path("src/link")) == name)

        try box.fileSystem.copyTree(from: box.path("src"), to: box.path("copy"))
        #expect(try box.read("copy/\(name)/\(name)") == name)
        #expect(try box.mode("copy/\(name)/\(name)") == 0o600)
        try box.fileSystem.rename(box.path("copy/\(name)"), to: box.path("copy/moved"), replacing: false)
        #expect(try box.read("copy/moved/\(name)") == name)
        try box.fileSystem.removeTree(at: box.path("src"))
        try box.fileSystem.removeTree(at: box.path("copy"))
        #expect(try box.fileSystem.listDirectory(at: box.root) == [])
    }

    @Test(arguments: Backend.allCases)
    func aNameLongerThan255BytesIsRefused(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        let long = String(repeating: "x", count: 256)
        #expect(errnoOf { try box.fileSystem.writeText("x", to: box.path(long)) } == ENAMETOOLONG)
        #expect(errnoOf { try box.mkdir(long) } == ENAMETOOLONG)
        #expect(errnoOf { try box.link(long, to: "x") } == ENAMETOOLONG)
        #expect(errnoOf { _ = try box.type(long) } == ENAMETOOLONG)
    }
}
