import PersistDeployKit
import PersistDeployTestSupport
import Testing

@Suite struct ClassifierTests {
    /// One expected row: path, kind, class and a part of the reason that decided it.
    struct Row: Sendable, Equatable, CustomStringConvertible {
        var path: String
        var kind: PathKind
        var pathClass: PathClass
        var reason: String
        var description: String { "\(path) \(kind) \(pathClass) \(reason)" }

        init(_ path: String, _ kind: PathKind, _ pathClass: PathClass, _ reason: String) {
            self.path = path
            self.kind = kind
            self.pathClass = pathClass
            self.reason = reason
        }
    }

    static let expectations: [(String, [Row])] = [
        ("laravel-codecanyon", [
            Row(".env", .file, .config, "Laravel's per-server settings"),
            Row("bootstrap/cache", .dir, .disposable, "what php artisan optimize and config:cache write for this release's code (Laravel: https://laravel.com/docs/deployment#optimization)"),
            Row("database/database.sqlite", .file, .runtime, "a SQLite database git ignores: data of the running app ('*.sqlite*' in database/.gitignore)"),
            Row("public/build", .dir, .asset, "git ignores it ('/public/build' in .gitignore), but it is a bundler's output"),
            Row("public/css", .dir, .asset, "its name says asset"),
            Row("public/flags", .dir, .asset, "its name says asset"),
            Row("public/invoices", .dir, .runtime, "git ignores it ('/public/invoices' in .gitignore), so the app writes it: persistent"),
            Row("public/js", .dir, .asset, "its name says asset"),
            Row("public/qrcodes", .dir, .runtime, "git ignores it ('/public/qrcodes' in .gitignore), so the app writes it: persistent"),
            Row("public/storage", .dir, .user, "Laravel's link to storage/app/public (php artisan storage:link); its files persist through storage/"),
            Row("public/user-uploads", .dir, .user, "its name says user"),
            Row("storage", .dir, .runtime, "Laravel's storage/"),
        ]),
        ("laravel-inertia-vue", [
            Row(".env", .file, .config, "Laravel's per-server settings"),
            Row("public/build", .dir, .asset, "bundler's output"),
            Row("public/images", .dir, .asset, "its name says asset"),
            Row("public/storage", .dir, .user, "Laravel's link to storage/app/public"),
            Row("storage", .dir, .runtime, "Laravel's storage/"),
        ]),
        ("next-app", [
            Row(".env", .file, .config, "a .env or .env.example is in the app"),
            Row(".next", .dir, .asset, "Next.js's build output"),
            Row("public/fonts", .dir, .asset, "its name says asset"),
            Row("public/images", .dir, .asset, "its name says asset"),
        ]),
        ("vue-vite", [Row("dist/assets", .dir, .asset, "inside the build output dist/, which every build replaces")]),
        ("react-cra", [Row("build/static", .dir, .asset, "inside the build output build/, which every build replaces")]),
        ("plain-php", [
            Row("config.php", .file, .config, "the release lacks it, so the app's installer writes it: linked, never created empty"),
            Row("data", .dir, .user, "a folder named for the app's data at the app root"),
            Row("public_html/cache", .dir, .runtime, "git ignores what it holds ('*' in public_html/cache/.gitignore)"),
            Row("public_html/css", .dir, .asset, "its name says asset"),
            Row("public_html/images", .dir, .asset, "its name says asset"),
            Row("public_html/uploads", .dir, .user, "its name says user"),
        ]),
        ("wordpress", [
            Row("wp-admin", .dir, .asset, "WordPress core"),
            Row("wp-config.php", .file, .config, "WordPress's per-server settings"),
            Row("wp-content", .dir, .asset, "WordPress themes and plugins ship with the code"),
            Row("wp-content/cache", .dir, .disposable, "a page cache plugin's copies of pages"),
            Row("wp-content/upgrade", .dir, .disposable, "where WordPress unpacks an update before installing it"),
            Row("wp-content/upgrade-temp-backup", .dir, .disposable, "the copy WordPress keeps of a plugin or theme while it updates it"),
            Row("wp-content/uploads", .dir, .user, "WordPress's media library"),
            Row("wp-includes", .dir, .asset, "WordPress core"),
        ]),
        ("tricky", [
            Row("public/Cache", .dir, .runtime, "holds only a placeholder (.gitkeep)"),
            Row("public/Profile_Photos", .dir, .user, "its name says user"),
            Row("public/UserUploads", .dir, .user, "its name says user"),
            Row("public/it's here", .dir, .user, "git ignores what it holds ('*' in public/it's here/.gitignore)"),
            Row("public/my \"odd\" dir", .dir, .asset, "holds only static files (css, js, images, fonts, maps)"),
            Row("public/placeholder-only", .dir, .user, "holds only a placeholder (.gitkeep)"),
            Row("public/stuff", .dir, .asset, "no rule decides it; it holds 2 files"),
            Row("public/uploads", .dir, .user, "a link to '../../../shared/public/uploads', not walked; its name says user"),
        ]),
    ]

    @Test(arguments: expectations)
    func classifiesEveryPathOfTheFixture(_ fixture: String, _ expected: [Row]) throws {
        let classification = try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: Fixtures.path(fixture))
        #expect(classification.paths.map(\.path) == expected.map(\.path))
        for (found, row) in zip(classification.paths, expected) {
            #expect(found.kind == row.kind, "\(row.path)")
            #expect(found.class == row.pathClass, "\(row.path)")
            #expect(found.reason.contains(row.reason), "\(row.path): \(found.reason)")
        }
    }

    @Test func everyFixtureIsClassified() {
        let classified = Self.expectations.map(\.0) + WholeAppClassificationTests.expectations.map(\.0) + RealShapesClassificationTests.expectations.map(\.0)
        #expect(classified.sorted() == Fixtures.names.sorted())
    }

    @Test func laravelStorageLinkPointsIntoStorageAndIsNotInShared() throws {
        let classification = try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: Fixtures.path("laravel-codecanyon"))
        let link = try #require(classification.paths.first { $0.path == "public/storage" })
        #expect(link.linkTarget == "storage/app/public")
        #expect(!classification.persistentPaths.contains { $0.path == "public/storage" })
        #expect(classification.paths.filter { $0.path.hasPrefix("bootstrap") }.map(\.class) == [.disposable])
        #expect(classification.warnings.isEmpty)
    }

    @Test func undecidedDirectoriesAreWarnedAboutWithTheOverride() throws {
        let (directory, app) = try Fixtures.copy("tricky")
        defer { directory.remove() }
        try LocalFileSystem().createDirectory(at: PathName.join(app, "public/empty one"), permissions: 0o755)
        let classification = try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: app)
        let empty = try #require(classification.paths.first { $0.path == "public/empty one" })
        #expect(empty.class == .user)
        #expect(empty.reason == "empty and no rule knows its name: kept persistent to be safe")
        #expect(classification.warnings == [
            #"'public/elsewhere' is a link the release ships to '/nonexistent/outside-the-app', which points nowhere: it is left as the release ships it, never followed and never made persistent. If the app writes there and it should be kept, add "classify": {"public/elsewhere": "user"} to persist-deploy.json."#,
            #"'public/empty one' matched no rule (it is empty), so it is treated as persistent (user data in shared/). If it ships with the code, add "classify": {"public/empty one": "asset"} to persist-deploy.json."#,
            #"'public/placeholder-only' matched no rule (it holds only a placeholder), so it is treated as persistent (user data in shared/). If it ships with the code, add "classify": {"public/placeholder-only": "asset"} to persist-deploy.json."#,
            #"'public/stuff' matched no rule (it holds files of no known kind), so it is treated as an asset (replaced by every deploy). If the app writes there, add "classify": {"public/stuff": "user"} to persist-deploy.json."#,
        ])
    }

    @Test func aDeployedReleaseWithLinksIntoSharedKeepsTheSameClasses() throws {
        let (directory, app) = try Fixtures.copy("laravel-codecanyon")
        defer { directory.remove() }
        let fileSystem = LocalFileSystem()
        for name in ["user-uploads", "qrcodes"] {
            let path = PathName.join(app, "public", name)
            try fileSystem.removeTree(at: path)
            try fileSystem.createSymlink(at: path, target: "../../../shared/public/\(name)")
        }
        let classification = try Classifier(fileSystem: fileSystem).classify(appDirectory: app)
        let classes = Dictionary(uniqueKeysWithValues: classification.paths.map { ($0.path, $0.class) })
        #expect(classes["public/user-uploads"] == .user)
        #expect(classes["public/qrcodes"] == .runtime)
        let reason = classification.paths.first { $0.path == "public/qrcodes" }?.reason
        #expect(reason == "a link to '../../../shared/public/qrcodes', not walked; its name says runtime")
    }

    @Test(arguments: ["user_uploads", "UserUploads", "USER-UPLOADS", "user-uploads", "userUploads"])
    func namesFoldCaseDashesAndCamelCase(_ name: String) {
        #expect(Text.foldedName(name) == "useruploads")
    }

    @Test(arguments: [
        ("avatars", PathClass.user), ("profile-photos", .user), ("Media", .user), ("documents", .user), ("attachments", .user),
        ("files", .user), ("uploads", .user), ("invoices", .runtime), ("exports", .runtime), ("reports", .runtime),
        ("logs", .runtime), ("cache", .runtime), ("tmp", .runtime), ("QRCodes", .runtime), ("fonts", .asset),
        ("vendor", .asset), ("themes", .asset), ("assets", .asset), ("static", .asset), ("img", .asset), ("images", .asset),
    ])
    func namedDirectoriesGetTheirClass(_ name: String, _ expected: PathClass) throws {
        let directory = try TemporaryDirectory("names")
        defer { directory.remove() }
        let fileSystem = LocalFileSystem()
        try fileSystem.writeText("<?php", to: PathName.join(directory.path, "index.php"))
        try fileSystem.createDirectory(at: PathName.join(directory.path, name), permissions: 0o755)
        try fileSystem.writeText("data", to: PathName.join(directory.path, name, "a.bin"))
        let found = try Classifier(fileSystem: fileSystem).classify(appDirectory: directory.path).paths.first { $0.path == name }
        #expect(found?.class == expected)
        #expect(found?.reason == "its name says \(expected.rawValue)")
    }

    @Test func ignoredFolderOfCompiledCodeIsAnAsset() throws {
        let directory = try TemporaryDirectory("compiled")
        defer { directory.remove() }
        let fileSystem = LocalFileSystem()
        try fileSystem.writeText("<?php", to: PathName.join(directory.path, "index.php"))
        try fileSystem.writeText("/mix/\n", to: PathName.join(directory.path, ".gitignore"))
        try fileSystem.createDirectory(at: PathName.join(directory.path, "mix"), permissions: 0o755)
        try fileSystem.writeText("a{}", to: PathName.join(directory.path, "mix/app.css"))
        try fileSystem.writeText("x", to: PathName.join(directory.path, "mix/app.js.map"))
        let found = try Classifier(fileSystem: fileSystem).classify(appDirectory: directory.path).paths.first { $0.path == "mix" }
        #expect(found?.class == .asset)
        #expect(found?.reason == "git ignores it ('/mix/' in .gitignore), but it holds only compiled css/js, rebuilt for every release")
    }
}
