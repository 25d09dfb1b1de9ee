import PersistDeployKit
import PersistDeployTestSupport
import Testing

@Suite struct ProjectConfigTests {
    /// A copy of the CodeCanyon fixture with `config` as its persist-deploy.json.
    private func classify(_ config: String) throws -> Classification {
        let (directory, app) = try Fixtures.copy("laravel-codecanyon")
        defer { directory.remove() }
        try LocalFileSystem().writeText(config, to: PathName.join(app, "persist-deploy.json"))
        return try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: app)
    }

    @Test func noFileIsNoConfig() throws {
        #expect(try ProjectConfig.load(appDirectory: Fixtures.path("next-app"), fileSystem: LocalFileSystem()) == nil)
    }

    @Test func parsesTheContractsExample() throws {
        let config = try ProjectConfig.parse(Array(#"""
            { "webRoot": "public",
              "classify": { "public/banners": "user", "public/docs/": "asset", "./database/app.sqlite": "runtime" },
              "remove": [".env"] }
            """#.utf8), file: "/app/persist-deploy.json")
        #expect(config.webRoot == "public")
        #expect(config.classify.map(\.path) == ["public/banners", "public/docs", "database/app.sqlite"])
        #expect(config.classify.map(\.class) == [.user, .asset, .runtime])
        #expect(config.remove == [".env"])
    }

    @Test func overridesAddAndRemovePaths() throws {
        let classification = try classify(#"""
            { "classify": { "public/flags": "user", "public/banners": "user", "database/app.sqlite": "runtime", "public/css/app.css": "config" },
              "remove": [".env", "public/qrcodes"] }
            """#)
        let byPath = Dictionary(uniqueKeysWithValues: classification.paths.map { ($0.path, $0) })
        #expect(byPath["public/flags"]?.class == .user)
        #expect(byPath["public/flags"]?.reason == "persist-deploy.json classifies it as user (the tool said asset: its name says asset)")
        #expect(byPath["public/banners"]?.kind == .dir)
        #expect(byPath["public/banners"]?.reason == "persist-deploy.json classifies it as user")
        #expect(byPath["database/app.sqlite"]?.class == .runtime)
        #expect(byPath["public/css/app.css"]?.kind == .file)
        #expect(byPath[".env"] == nil)
        #expect(byPath["public/qrcodes"]?.class == .asset)
        #expect(byPath["public/qrcodes"]?.reason == "persist-deploy.json removes it from the persistent paths, so it ships with each release")
        #expect(classification.paths.map(\.path) == classification.paths.map(\.path).sorted())
    }

    @Test func webRootOverrideIsAppliedAndNamedInTheEvidence() throws {
        let classification = try classify(#"{"webRoot": "storage/app"}"#)
        #expect(classification.webRoot == "storage/app")
        #expect(classification.evidence.last == "persist-deploy.json sets the web root to storage/app/")
    }

    @Test func removingWhatIsNotThereIsAWarning() throws {
        let classification = try classify(#"{"remove": ["nothing/here"]}"#)
        #expect(classification.warnings == [
            "persist-deploy.json removes 'nothing/here' (remove[0]), but the tool found no persistent path there; nothing was removed.",
        ])
    }

    @Test(arguments: [
        (#"{"webroot": "public"}"#, "unknown key 'webroot' (line 1); expected webRoot, classify, remove, webUser, webGroup or hooks. Did you mean 'webRoot'?"),
        (#"{"webRoot": 3}"#, "key 'webRoot' (line 1): expected a string such as \"public\", got a number."),
        (#"{"webRoot": "nope"}"#, "key 'webRoot': expected a directory of the app, but 'nope' is not one."),
        (#"{"classify": ["public/x"]}"#, "key 'classify' (line 1): expected an object mapping paths to classes, got a list."),
        ("{\"classify\": {\n \"public/x\": \"usr\"}}", "key classify.\"public/x\" (line 2): expected one of asset, user, runtime, config, disposable, got \"usr\"."),
        (#"{"classify": {"public/x": true}}"#, "key classify.\"public/x\" (line 1): expected one of asset, user, runtime, config, disposable, got a true/false value."),
        (#"{"classify": {"../x": "user"}}"#, "key classify.\"../x\" (line 1): '../x' leaves the app with '..'; expected a path inside the app, relative to its root, such as \"public/uploads\"."),
        (#"{"classify": {"/etc": "user"}}"#, "key classify.\"/etc\" (line 1): '/etc' is absolute; expected a path inside the app, relative to its root, such as \"public/uploads\"."),
        (#"{"classify": {"": "user"}}"#, "key classify.\"\" (line 1): the path is empty; expected a path inside the app, relative to its root, such as \"public/uploads\"."),
        (#"{"classify": {"./": "user"}}"#, "key classify.\"./\" (line 1): './' is the app root itself; expected a path inside the app, relative to its root, such as \"public/uploads\"."),
        (#"{"classify": {"public/x": "user", "public/x/": "user"}}"#, "key classify.\"public/x/\" (line 1): 'public/x' is classified twice (also as \"public/x\")."),
        ("{\"classify\": {\"a\": \"user\",\n\"a\": \"asset\"}}", "not valid JSON: line 2: the key \"a\" appears twice in one object."),
        (#"{"remove": ".env"}"#, "key 'remove' (line 1): expected a list of paths such as [\".env\"], got a string."),
        (#"{"remove": [1]}"#, "key remove[0] (line 1): expected a path string, got a number."),
        (#"{"remove": [".env"], "classify": {".env": "config"}}"#, "key 'remove': '.env' is also in 'classify'; keep one of the two."),
        (#"{"classify": {"public": "user"}}"#, "key classify.\"public\": expected persistent paths that do not overlap, but 'public/invoices' lies inside 'public' and both are persistent."),
        (#"{"classify": {"public/uploads": "user", "public/uploads/avatars": "user"}}"#, "key classify.\"public/uploads/avatars\": expected persistent paths that do not overlap, but 'public/uploads/avatars' lies inside 'public/uploads' and both are persistent."),
        (#"{"classify": {"storage/app": "user"}}"#, "key classify.\"storage/app\": expected persistent paths that do not overlap, but 'storage/app' lies inside 'storage' and both are persistent."),
        ("[]", "expected a JSON object ({ ... }) at the top level, got a list."),
        ("{", "not valid JSON: line 1: expected a key in double quotes."),
    ])
    func badFilesNameTheFileTheKeyAndWhatWasExpected(_ config: String, _ message: String) throws {
        let (directory, app) = try Fixtures.copy("laravel-codecanyon")
        defer { directory.remove() }
        let file = PathName.join(app, "persist-deploy.json")
        try LocalFileSystem().writeText(config, to: file)
        let error = #expect(throws: ToolError.self) { try Classifier(fileSystem: LocalFileSystem()).classify(appDirectory: app) }
        #expect(error?.message == "\(file): \(message)")
        #expect(error?.exitCode == .failure)
    }
}
