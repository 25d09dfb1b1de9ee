import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// File names are bytes. Every command, run as the built binary, over an app and a root whose
/// names are not UTF-8 (every byte 0x80-0xFF), are equal after a lossy decoding (`caf\xE9`,
/// `caf\xEA`, `caf\xEF\xBF\xBD`), or are canonically equivalent twins in one folder (NFC and NFD
/// "café"): no file lost, none merged, none renamed, every exit code right. The data is compared
/// by a checksummed inventory keyed by bytes (`DataInventory`).
@Suite struct ByteNameTests {
    /// Names of every kind, as bytes.
    static let hostileNames: [[UInt8]] = (0x80...0xFF).map { [0x62, UInt8($0)] } + lossyTwins + canonicalTwins
    static let lossyTwins: [[UInt8]] = [Array("caf".utf8) + [0xE9], Array("caf".utf8) + [0xEA], Array("caf\u{FFFD}".utf8)]
    static let canonicalTwins: [[UInt8]] = [Array("caf\u{E9}".utf8), Array("cafe\u{301}".utf8)]
    /// A web-root folder named with a Latin-1 byte, holding only a placeholder: persistent.
    static let latinFolder: [UInt8] = Array("fotos".utf8) + [0xE9]

    /// `bytes` as `printf %b` text (every byte `\xNN`), to pass through arguments, which are text.
    static func escaped(_ bytes: [UInt8]) -> String {
        bytes.map { "\\x" + String($0, radix: 16) }.joined()
    }

    /// Writes each `(relative path bytes, contents)` below `base` with bash, never through the tool.
    static func write(_ files: [([UInt8], String)], under base: String) throws {
        let script = #"""
            base=$1; shift
            while (($# > 1)); do
              printf -v path '%b' "$1"
              # Not $(dirname): command substitution drops a name's trailing newlines.
              if [[ $path == */* ]]; then mkdir -p -- "$base/${path%/*}" || exit 1; else mkdir -p -- "$base" || exit 1; fi
              printf '%s' "$2" > "$base/$path" || exit 1
              shift 2
            done
            """#
        let outcome = try ToolRunner.bash(script, [base] + files.flatMap { [escaped($0.0), $0.1] })
        #expect(outcome.exitCode == 0, "\(outcome)")
    }

    static func files(in folder: String, _ names: [[UInt8]], tag: String) -> [([UInt8], String)] {
        names.map { (Array(folder.utf8) + [0x2F] + $0, "\(tag) \(escaped($0))") }
    }

    /// The proof app plus hostile demo uploads, the Latin-1 folder and NFC/NFD twin folders.
    static func hostileApp(_ label: String) throws -> ProofRoot {
        let proof = try ProofRoot(label)
        try proof.writeApp()
        try write(files(in: "public/uploads", hostileNames, tag: "demo"), under: proof.app)
        try write([(Array("public/".utf8) + latinFolder + Array("/.gitkeep".utf8), "")], under: proof.app)
        try write(canonicalTwins.map { (Array("public/".utf8) + $0 + Array("/.gitkeep".utf8), "") }, under: proof.app)
        return proof
    }

    /// What the app's users write through `current/`: hostile names in uploads, in the Latin-1
    /// folder and in both twin folders.
    static func userWrites(_ proof: ProofRoot, tag: String) throws {
        let current = proof.root + "/current"
        var files = Self.files(in: "public/uploads", hostileNames.map { Array(tag.utf8) + $0 }, tag: tag)
        files += hostileNames.suffix(5).map { (Array("public/".utf8) + latinFolder + [0x2F] + Array(tag.utf8) + $0, "\(tag) latin") }
        for twin in canonicalTwins {
            files += canonicalTwins.map { (Array("public/".utf8) + twin + [0x2F] + Array(tag.utf8) + $0, "\(tag) \(escaped(twin)) \(escaped($0))") }
        }
        try write(files, under: current)
    }

    /// `shared/` holds every file of `expected` unchanged (the tool's own files aside).
    func expectKept(_ proof: ProofRoot, _ expected: [String: String], _ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let losses = DataInventory.losses(expected, try proof.sharedData())
        #expect(losses.isEmpty, "\(step): \(losses.prefix(10))", sourceLocation: sourceLocation)
    }

    func expectExit(_ outcome: ToolRunner.Outcome, _ code: Int32, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.exitCode == code, "\(step): \(outcome)", sourceLocation: sourceLocation)
    }

    @Test func everyCommandKeepsEveryByteName() throws {
        let proof = try Self.hostileApp("bytes-commands")
        let root = proof.root
        let latinDisplay = "public/" + NameBytes.display(NameBytes.string(Self.latinFolder))

        expectExit(try proof.run(["detect", proof.app]), 0, "detect")
        let classified = try proof.run(["classify", proof.app, "--json"])
        expectExit(classified, 0, "classify")
        let paths = ((try? JSONSerialization.jsonObject(with: Data(classified.stdout.utf8))) as? [String: Any])?["paths"] as? [[String: Any]] ?? []
        let classes = Dictionary(paths.map { ($0["path"] as? String ?? "", $0["class"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(classes[latinDisplay] == "user", "the Latin-1 folder is classified as persistent: \(classes)")
        let twinsClassified = paths.filter { ($0["path"] as? String).map { $0.hasPrefix("public/caf") } ?? false }
        #expect(twinsClassified.count == 2, "both twin folders are classified: \(paths)")

        expectExit(try proof.run(["plan", "--root", root, "--from", proof.app]), 0, "plan")
        #expect(!proof.fileSystem.exists(atPath: root + "/current"), "plan changed nothing")

        // First deploy: every demo file seeded under its own bytes.
        expectExit(try proof.deploy(), 0, "first deploy")
        let seeded = try proof.sharedData()
        let demo = try DataInventory.take(proof.app + "/public/uploads")
        #expect(seeded.filter { $0.key.hasPrefix("public/uploads/") }.count == demo.count, "seeded: \(seeded.keys.sorted().prefix(5))")
        #expect(demo.count == Self.hostileNames.count + 1)  // and demo-1.jpg
        for twin in Self.canonicalTwins + [Self.latinFolder] {
            #expect(try DataInventory.take(root + "/shared").keys.contains("public/" + DataInventory.key(twin)), "shared/public/\(Self.escaped(twin))")
            #expect(proof.fileSystem.exists(atPath: root + "/current/public/" + NameBytes.string(twin) + "/.gitkeep"), "linked \(Self.escaped(twin))")
        }

        try Self.userWrites(proof, tag: "u1")
        var data = try proof.sharedData()
        #expect(data.count > seeded.count + Self.hostileNames.count)
        expectExit(try proof.run(["health-check", "--root", root]), 0, "health-check")

        // A later deploy (the release ships one more hostile demo file), `subsequent`, then `first`.
        try Self.write([(Array("public/uploads/new".utf8) + [0xE9], "new demo")], under: proof.app)
        expectExit(try proof.run(["subsequent", "--root", root, "--from", proof.app]), 0, "subsequent")
        try expectKept(proof, data, "subsequent")
        #expect(try proof.sharedData()["public/uploads/new%E9"] != nil, "the new demo file was added")
        expectExit(try proof.run(["first", "--root", root, "--from", proof.app]), 0, "first over data")
        try expectKept(proof, data, "first over data")
        data = try proof.sharedData()

        // The reported break: a real uploads folder holding byte-named files in the live release
        // (someone unpacked over it). Each unpacked twin clashes with the shipped file of its very
        // name (and only that one): recover leaves the folder as it is and says so.
        let live = root + "/current/public/uploads"
        try proof.fileSystem.removeTree(at: root + "/releases/" + (proof.liveRelease ?? "") + "/public/uploads")
        try Self.write(Self.files(in: "", Self.lossyTwins, tag: "unpacked").map { (Array($0.0.dropFirst()), $0.1) }, under: live)
        let refused = try proof.run(["recover", "--root", root])
        expectExit(refused, 1, "recover over differing copies")
        #expect(refused.stderr.contains("\(Self.lossyTwins.count) files differ in it"), "\(refused.stderr)")
        try expectKept(proof, data, "recover over differing copies")
        // The admin keeps shared/'s copies live, renaming the unpacked ones as the message says.
        for twin in Self.lossyTwins {
            let name = live + "/" + NameBytes.string(twin)
            try proof.fileSystem.rename(name, to: name + ".replaced", replacing: false)
        }
        expectExit(try proof.run(["recover", "--root", root]), 0, "recover")
        try expectKept(proof, data, "recover")
        let uploads = try proof.fileSystem.listDirectory(at: root + "/shared/public/uploads").map(NameBytes.bytes)
        for twin in Self.lossyTwins {
            let text = try? proof.fileSystem.readText(at: root + "/shared/public/uploads/" + NameBytes.string(twin) + ".replaced")
            #expect(text == "unpacked \(Self.escaped(twin))")
        }
        #expect(uploads.filter { $0.starts(with: Array("caf".utf8)) }.count == Self.lossyTwins.count * 2 + Self.canonicalTwins.count)
        // The same break met by a deploy instead of recover.
        data = try proof.sharedData()
        try proof.fileSystem.removeTree(at: root + "/releases/" + (proof.liveRelease ?? "") + "/public/uploads")
        try Self.write([(Array("b".utf8) + [0xFF, 0xFE], "unpacked again")], under: live)
        expectExit(try proof.deploy(), 0, "deploy over a real uploads folder")
        try expectKept(proof, data, "deploy over a real uploads folder")
        let again = try? proof.fileSystem.readText(at: root + "/shared/public/uploads/" + NameBytes.string([0x62, 0xFF, 0xFE]))
        #expect(again == "unpacked again")

        data = try proof.sharedData()
        expectExit(try proof.run(["rollback", "--root", root]), 0, "rollback")
        try expectKept(proof, data, "rollback")
        expectExit(try proof.run(["releases", "--root", root]), 0, "releases")
        let status = try proof.run(["status", "--root", root, "--json"])
        expectExit(status, 0, "status")
        #expect(status.stdout.contains(latinDisplay.replacingOccurrences(of: "\\", with: "\\\\")), "status names the Latin-1 folder: \(status.stdout)")

        // Backup, verify, damage, restore: every byte name back as it was.
        let backup = try proof.run(["backup", "--root", root, "--json"])
        expectExit(backup, 0, "backup")
        let id = try #require(((try? JSONSerialization.jsonObject(with: Data(backup.stdout.utf8))) as? [String: Any])?["id"] as? String)
        let backedUp = try proof.sharedData()
        #expect(backedUp.count > 2 * Self.hostileNames.count)
        expectExit(try proof.run(["backups", "--verify", "--root", root]), 0, "backups --verify")
        let damage = try ToolRunner.bash(#"cd -- "$1/shared/public/uploads" && rm -f -- u1b* && printf changed > "$(printf 'caf\xe9')""#, [root])
        expectExit(damage, 0, "damage")
        expectExit(try proof.run(["restore", id, "--root", root, "--yes"]), 0, "restore")
        let restored = try proof.sharedData()
        #expect(DataInventory.losses(backedUp, restored).isEmpty, "restore: \(DataInventory.losses(backedUp, restored).prefix(5))")

        // Scripts: the paths in them are the real bytes, and they run.
        expectExit(try proof.run(["generate", "--root", root]), 0, "generate")
        let script = try proof.fileSystem.readFile(at: root + "/shared/health-check.sh")
        #expect(Self.contains(script, Array("public/".utf8) + Self.latinFolder + [0x27]), "health-check.sh names the folder by its bytes")
        #expect(!Self.contains(script, [0xEF, 0x9F]), "no escape's UTF-8 in the script")
        for name in ["health-check.sh", "emergency-recovery.sh"] {
            let outcome = try ToolRunner(executable: "/bin/bash").run([root + "/shared/" + name], in: proof.directory.path)
            expectExit(outcome, 0, name)
        }
        try expectKept(proof, restored, "the generated scripts")
        ProofResults.record(
            suite: "hostile", scenario: "byte names (0x80-0xFF, lossy and NFC/NFD twins, a Latin-1 web-root folder) through detect, classify, plan, first/subsequent/auto, health-check, recover, rollback, releases, status, backup, backups --verify, restore, generate",
            runs: 19, outcome: "pass")
    }

    /// The reported break: a file the app wrote into an asset folder, named like a shipped file
    /// after a lossy decoding (`caf\xEA.css` beside the shipped `caf\xE9.css`), passed the drift
    /// guard and was lost. It stops the deploy now, and the file stays; so does a decomposed
    /// "café.css" beside the shipped composed one.
    @Test(arguments: ["lossy", "canonical"])
    func aWrittenFileNamedLikeAShippedOneStopsTheDeploy(_ kind: String) throws {
        let proof = try ProofRoot("bytes-drift-\(kind)")
        try proof.writeApp()
        let (shipped, written) = kind == "lossy"
            ? (Array("caf".utf8) + [0xE9], Array("caf".utf8) + [0xEA])
            : (Array("caf\u{E9}".utf8), Array("cafe\u{301}".utf8))
        try Self.write([(Array("public/css/".utf8) + shipped + Array(".css".utf8), "shipped")], under: proof.app)
        expectExit(try proof.deploy(), 0, "first deploy")
        try Self.write([(Array("public/css/".utf8) + written + Array(".css".utf8), "written by the app")], under: proof.root + "/current")
        let before = try DataInventory.take(proof.root + "/current/public/css")
        let outcome = try proof.deploy()
        #expect(outcome.exitCode == 1, "the deploy must stop: \(outcome)")
        #expect(DataInventory.losses(before, try DataInventory.take(proof.root + "/current/public/css")).isEmpty)
    }

    /// A folder named with a Latin-1 byte that the app writes into, shipped as an asset folder:
    /// the deploy stops, and the `persist-deploy.json` entry it suggests (the name as shown,
    /// `public/caf\\xE9`) keeps the folder's files in shared/ from then on.
    @Test func theSuggestedEntryForAByteNamedFolderKeepsItsFiles() throws {
        let proof = try ProofRoot("bytes-suggestion")
        try proof.writeApp()
        let folder = Array("public/caf".utf8) + [0xE9]
        try Self.write([(folder + Array("/style.css".utf8), "shipped")], under: proof.app)
        expectExit(try proof.deploy(), 0, "first deploy")
        try Self.write([(folder + Array("/photo".utf8) + [0xFF], "written by the app")], under: proof.root + "/current")
        let stopped = try proof.deploy()
        expectExit(stopped, 1, "the deploy over the written file")
        let line = try #require(stopped.stderr.split(separator: "\n").first { $0.contains("\"classify\": {") }, "\(stopped)")
        try proof.write("persist-deploy.json", "{ " + line.trimmingCharacters(in: .whitespaces) + " }\n", under: proof.app)
        expectExit(try proof.deploy(), 0, "the deploy with the suggested entry")
        let written = try? proof.fileSystem.readText(at: proof.root + "/shared/" + NameBytes.string(folder + Array("/photo".utf8) + [0xFF]))
        #expect(written == "written by the app", "the app's file is in shared/ under its own bytes")
        let seen = try? proof.fileSystem.readText(at: proof.root + "/current/" + NameBytes.string(folder + Array("/photo".utf8) + [0xFF]))
        #expect(seen == "written by the app")
    }

    /// The bundle's deploy.sh (bash) and the binary deploy an app with byte names the same way,
    /// and each reads the other's records and manifests: names in JSON records are written as
    /// their bytes by both.
    @Test func deployScriptHandlesByteNamesLikeTheBinary() throws {
        let parity = try ParityScenario("bytes-parity")
        try parity.scenario.writeLaravelApp()
        try Self.write(Self.files(in: "public/uploads", Self.hostileNames, tag: "demo"), under: parity.scenario.app)
        try Self.write([(Array("public/".utf8) + Self.latinFolder + Array("/.gitkeep".utf8), "")], under: parity.scenario.app)
        try parity.makeBundle()
        let ids = ["2026-01-01_00-00-01", "2026-01-02_00-00-01", "2026-01-03_00-00-01"]
        try parity.upload(ids[0])
        try parity.deployBoth(ids[0])
        try parity.expectSameResult("first deploy")
        for root in [parity.binaryRoot, parity.bashRoot] {
            try Self.write(Self.files(in: "public/uploads", Self.hostileNames.map { [0x75] + $0 }, tag: "user"), under: root + "/current")
            try Self.write([(Array("public/".utf8) + Self.latinFolder + Array("/p".utf8) + [0xE9], "user")], under: root + "/current")
        }
        try Self.write([(Array("public/uploads/new".utf8) + [0xFF], "new demo")], under: parity.scenario.app)
        try parity.upload(ids[1])
        try parity.deployBoth(ids[1])
        try parity.expectSameResult("second deploy")
        let binaryData = try DataInventory.take(parity.binaryRoot + "/shared/public")
        let bashData = try DataInventory.take(parity.bashRoot + "/shared/public")
        #expect(binaryData == bashData)
        #expect(bashData.count == 2 * Self.hostileNames.count + 2 + 2 + 1 + 1 + 1, "\(bashData.count)")
        // The binary deploys over the script's root and the script over the binary's.
        try parity.upload(ids[2])
        #expect(parity.scenario.run(["auto", "--root", parity.bashRoot, "--release", parity.bashRoot + "/releases/" + ids[2]]).status == 0)
        #expect(try parity.deployBash([ids[2]]).exitCode == 0)
        #expect(DataInventory.losses(bashData, try DataInventory.take(parity.bashRoot + "/shared/public")).isEmpty)
    }

    /// Random byte names (any byte but NUL and `/`, some in sub-folders), seeded, through the life
    /// of a site: deploys, rollback, cleanup, recover, backup and restore. No byte lost: the
    /// checksummed inventory of shared/, keyed by bytes, only ever grows.
    @Test(arguments: [UInt64(11), 12, 13])
    func randomByteNamesSurviveTheLifeOfASite(_ seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        var used: Set<[UInt8]> = []
        func randomName() -> [UInt8] {
            while true {
                let name = (0..<Int.random(in: 1...16, using: &generator)).map { _ in
                    var byte = UInt8.random(in: 1...255, using: &generator)
                    while byte == 0x2F { byte = UInt8.random(in: 1...255, using: &generator) }
                    return byte
                }
                if name != [0x2E], name != [0x2E, 0x2E], used.insert(name).inserted { return name }
            }
        }
        func randomFiles(_ count: Int, tag: String) -> [([UInt8], String)] {
            (0..<count).map { index in
                let path = index % 4 == 0 ? randomName() + [0x2F] + randomName() : randomName()
                return (Array("public/uploads/".utf8) + path, "\(tag) \(index)")
            }
        }
        let proof = try ProofRoot("bytes-fuzz-\(seed)")
        try proof.writeApp()
        try Self.write(randomFiles(30, tag: "demo"), under: proof.app)
        var problems: [String] = []
        var expected: [String: String] = [:]
        func step(_ name: String, _ arguments: [String]) throws {
            let outcome = try proof.run(arguments)
            if outcome.exitCode != 0 { problems.append("\(name): \(outcome)") }
            let now = try proof.sharedData()
            problems += DataInventory.losses(expected, now).map { "\(name): \($0)" }
            expected = now
        }
        try step("first deploy", ["auto", "--root", proof.root, "--from", proof.app])
        #expect(expected.count >= 30 + 1 + 3, "the demo files were seeded: \(expected.count)")
        try Self.write(randomFiles(60, tag: "user"), under: proof.root + "/current")
        expected = try proof.sharedData()
        try Self.write(randomFiles(20, tag: "new demo"), under: proof.app)
        try step("second deploy", ["auto", "--root", proof.root, "--from", proof.app])
        try step("rollback", ["rollback", "--root", proof.root])
        try step("third deploy with cleanup", ["auto", "--root", proof.root, "--from", proof.app, "--keep", "1"])
        try step("recover", ["recover", "--root", proof.root])
        try step("backup", ["backup", "--root", proof.root])
        let backedUp = expected
        let removed = try ToolRunner.bash(#"find "$1/shared/public/uploads" -mindepth 1 -maxdepth 1 -type f -print0 | head -z -n 10 | xargs -0 rm -f --"#, [proof.root])
        #expect(removed.exitCode == 0)
        let backups = try proof.run(["backups", "--root", proof.root, "--json"])
        let list = ((try? JSONSerialization.jsonObject(with: Data(backups.stdout.utf8))) as? [String: Any])?["backups"] as? [[String: Any]]
        let id = try #require(list?.first?["id"] as? String)
        expected = try proof.sharedData()
        try step("restore", ["restore", id, "--root", proof.root, "--yes"])
        problems += DataInventory.losses(backedUp, expected).map { "restore: \($0)" }
        #expect(expected.count >= 30 + 60 + 20, "\(expected.count)")
        #expect(problems.isEmpty, "seed \(seed):\n\(problems.prefix(10).joined(separator: "\n"))")
        ProofResults.record(
            suite: "fuzz", scenario: "seed \(seed): 110 random byte names through deploys, rollback, cleanup, recover, backup, restore",
            runs: 7, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
