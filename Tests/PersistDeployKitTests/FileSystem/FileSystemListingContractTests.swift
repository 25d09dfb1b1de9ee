import Glibc
@testable import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The listing with types that lets a scan skip a `stat` per name: the same names, in the same
/// bytewise order, as `listDirectory`, each with its own type (a link's, never its target's).
@Suite struct FileSystemListingContractTests {
    @Test(arguments: Backend.allCases)
    func namesComeWithTheirOwnTypesInBytewiseOrder(_ backend: Backend) throws {
        let box = try FileSystemSandbox(backend)
        defer { box.remove() }
        let odd = NameBytes.string([0x78, 0xE9, 0xFF])
        for name in ["b", "a", "B", "é", "new\nline", "-rf", "$(x)", odd] { try box.write("d/\(name)") }
        try box.mkdir("d/sub")
        try box.link("d/to-sub", to: "sub")
        try box.link("d/dangling", to: "nowhere")

        let listed = try box.fileSystem.listDirectoryWithTypes(at: box.path("d"))
        #expect(listed.map(\.name) == (try box.fileSystem.listDirectory(at: box.path("d"))))
        let types = Dictionary(uniqueKeysWithValues: listed.map { (NameBytes.Key($0.name), $0.type) })
        #expect(types[NameBytes.Key("sub")] == .directory)
        #expect(types[NameBytes.Key("to-sub")] == .symlink)
        #expect(types[NameBytes.Key("dangling")] == .symlink)
        #expect(types[NameBytes.Key(odd)] == .file)
        #expect(types[NameBytes.Key("new\nline")] == .file)
        #expect(try box.fileSystem.listDirectoryWithTypes(at: box.path("d/sub")).isEmpty)
        #expect(errnoOf { _ = try box.fileSystem.listDirectoryWithTypes(at: box.path("missing")) } == ENOENT)
        #expect(errnoOf { _ = try box.fileSystem.listDirectoryWithTypes(at: box.path("d/a")) } == ENOTDIR)
        #expect(errnoOf { _ = try box.fileSystem.listDirectoryWithTypes(at: box.path("d/to-sub")) } == ENOTDIR)
    }

    @Test func aFifoIsOther() throws {
        let box = try FileSystemSandbox(.local)
        defer { box.remove() }
        try box.mkdir("d")
        let made = NameBytes.withCString(box.path("d/pipe")) { cPath in mkfifo(cPath, 0o600) }
        #expect(made == 0)
        #expect(try box.fileSystem.listDirectoryWithTypes(at: box.path("d")).map(\.type) == [.other])
    }

    /// The byte-level pre-filter of the tree scan never drops a name the exact rules accept.
    @Test(arguments: [
        "config.php", "CONFIG.PHP", "settings.ini", ".env", ".ENV.local", ".env.example", "app.sqlite", "x.DB3", "Thumbs.db",
        "local.php", "parameters.yml", "site.conf", "caf\u{E9}.php", "\u{212A}.db", "x.\u{0130}ni",
    ])
    func namesTheRulesMayAcceptPassTheFilter(name: String) {
        #expect(NameRules.mayBeSettingsOrDatabase(name))
    }

    @Test(arguments: ["p-1.jpg", "app.js", "style.css", "README", ".gitignore", "env", "x.envy", ".php"])
    func namesNoRuleAcceptsAreFiltered(name: String) {
        #expect(!NameRules.mayBeSettingsOrDatabase(name))
        #expect(!NameRules.isConfigLike(name) && !NameRules.isDatabaseFile(name))
    }
}
