import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Where the app sits in an extracted release archive.
@Suite struct ArchiveLayoutTests {
    private func layout(_ files: [String]) throws -> Result<String?, ToolError> {
        let directory = try TemporaryDirectory("archive-layout")
        defer { directory.remove() }
        let fileSystem = LocalFileSystem()
        for file in files {
            let path = PathName.join(directory.path, file)
            if file.hasSuffix("/") {
                try fileSystem.createDirectory(at: path, permissions: 0o755)
            } else {
                try fileSystem.createDirectory(at: PathName.parent(path), permissions: 0o755)
                try fileSystem.writeText("x", to: path)
            }
        }
        do {
            return .success(try ArchiveLayout.appFolder(in: directory.path, archive: "/in/app.tar.gz", fileSystem: fileSystem))
        } catch {
            return .failure(error)
        }
    }

    @Test(arguments: [
        (["index.php", "css/a.css"], nil as String?),
        (["app-1.2.3/composer.json", "app-1.2.3/public/index.php"], "app-1.2.3"),
        (["My \"App\" $(x)/package.json"], "My \"App\" $(x)"),
        (["__MACOSX/._x", ".DS_Store", "site/index.html"], "site"),
        (["public/index.html", "public/css/a.css"], "public" as String?),
        (["one/", "two/index.php"], nil),
    ])
    func findsTheAppFolder(_ files: [String], _ expected: String?) throws {
        let found = try layout(files)
        // A lone web-root folder (public/) is the web root of an app at the top: not stripped.
        let wanted = expected == "public" ? nil : expected
        #expect((try? found.get()) == .some(wanted), "\(files)")
    }

    @Test func aLoneFolderWithNoAppIsRefusedNamingIt() throws {
        guard case .failure(let error) = try layout(["notes/readme.txt", "notes/more/todo.md"]) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(error.message.contains("holds one folder, 'notes/', and no app at its top or inside that folder"))
        #expect(error.hint?.hasPrefix("Nothing was changed.") == true)
        #expect(error.exitCode == .failure)
    }
}
