import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Names, config files and links chosen to break quoting, parsing and link handling. Files with
/// such names must survive every command; links out of the release are never followed; the
/// generated scripts still work and execute nothing (data rules 1, 6 and 8).
@Suite struct HostileInputTests {
    /// Made with printf so the bytes are exact (one name is not UTF-8, one is 255 bytes).
    static let namesScript = #"""
        names=("with space.jpg" "q'uo\"te.jpg" $'new\nline.jpg' '$(touch PWNED-dollar).jpg' '`touch PWNED-backtick`.jpg'
               '*.jpg' '[a-z]?.jpg' '-rf.jpg' "$(printf 'bad\xff\xfe.jpg')" "$(printf 'x%.0s' {1..251}).jpg" '~home.jpg' 'semi;colon&amp|pipe.jpg')
        """#

    /// Writes one file per hostile name into `$1/$2` with the text `$3 NAME`.
    static func writeHostileFiles(into base: String, _ folder: String, tag: String) throws {
        let outcome = try ToolRunner.bash(namesScript + #"""

            mkdir -p -- "$1/$2"
            for name in "${names[@]}"; do
              case $name in x*) name="$3${name:${#3}}" ;; *) name="$3$name" ;; esac
              printf '%s %s' "$3" "$name" > "$1/$2/$name"
            done
            """#, [base, folder, tag])
        #expect(outcome.exitCode == 0, "\(outcome)")
    }

    /// The root path itself is hostile too: it lands in every generated script.
    static func hostileProof(_ label: String) throws -> ProofRoot {
        let proof = try ProofRoot(label)
        proof.root = proof.directory.path + "/root 'q' $(touch PWNED-root) `x`"
        try proof.writeApp()
        try proof.write("persist-deploy.json", #"{"classify": {"public/dl $(touch PWNED-cfg) `x` *": "user"}}"#, under: proof.app)
        try writeHostileFiles(into: proof.app, "public/uploads", tag: "demo-")
        try writeHostileFiles(into: proof.app, "public/dl $(touch PWNED-cfg) `x` *", tag: "d-")
        return proof
    }

    func pwned(_ proof: ProofRoot) throws -> String {
        try ToolRunner.bash(#"find "$1" / -xdev -maxdepth 1 -name 'PWNED*' 2>/dev/null; find "$1" -name 'PWNED*'"#, [proof.directory.path]).stdout
    }

    @Test func hostileNamesSurviveDeploysRollbackCleanupBackupAndRestore() throws {
        let proof = try Self.hostileProof("hostile-names")
        var problems: [String] = []
        func step(_ name: String, _ arguments: [String], expect: Int32 = 0) throws {
            let outcome = try proof.run(arguments)
            if outcome.exitCode != expect { problems.append("\(name): \(outcome)") }
        }
        try step("first deploy", ["auto", "--root", proof.root, "--from", proof.app])
        let seeded = try proof.sharedData()
        if seeded.keys.filter({ $0.hasPrefix("public/uploads/demo-") }).count != 13 { problems.append("not every demo file was seeded: \(seeded.keys.sorted())") }
        try Self.writeHostileFiles(into: proof.root + "/shared", "public/uploads", tag: "user-")
        try Self.writeHostileFiles(into: proof.root + "/shared", "public/dl $(touch PWNED-cfg) `x` *", tag: "u-")
        let users = try proof.sharedData()

        // The next release ships new files with hostile names, the non-UTF-8 one among them.
        try Self.writeHostileFiles(into: proof.app, "public/uploads", tag: "new-")
        try step("second deploy", ["auto", "--root", proof.root, "--from", proof.app])
        problems += DataInventory.losses(users, try proof.sharedData()).map { "after the second deploy: \($0)" }
        try step("rollback", ["rollback", "--root", proof.root])
        try step("third deploy with cleanup", ["auto", "--root", proof.root, "--from", proof.app, "--keep", "1"])
        problems += DataInventory.losses(users, try proof.sharedData()).map { "after cleanup: \($0)" }
        try step("recover", ["recover", "--root", proof.root])
        try step("backup", ["backup", "--root", proof.root])
        let backedUp = try proof.sharedData()

        // Users delete and change files; restore puts the snapshot back exactly.
        let changed = try ToolRunner.bash(#"cd -- "$1/shared/public/uploads" && rm -f -- user-*.jpg && printf changed > "user-with space.jpg""#, [proof.root])
        #expect(changed.exitCode == 0, "\(changed)")
        let backups = try proof.run(["backups", "--root", proof.root, "--json"])
        let list = (try? JSONSerialization.jsonObject(with: Data(backups.stdout.utf8)) as? [String: Any])?["backups"] as? [[String: Any]]
        let id = try #require(list?.first?["id"] as? String, "\(backups)")
        try step("restore", ["restore", id, "--root", proof.root, "--yes"])
        problems += DataInventory.losses(backedUp, try proof.sharedData()).map { "after restore: \($0)" }
        problems += proof.currentProblems(allowNone: false)

        // The generated scripts, with this root's hostile path in them, run and execute nothing.
        for script in ["health-check.sh", "emergency-recovery.sh"] {
            let outcome = try ToolRunner(executable: "/bin/bash").run([proof.root + "/shared/" + script], in: proof.directory.path)
            if outcome.exitCode != 0 { problems.append("\(script): \(outcome)") }
        }
        let found = try pwned(proof)
        if !found.isEmpty { problems.append("something was executed: \(found)") }
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
        ProofResults.record(
            suite: "hostile", scenario: "12 hostile names (quotes, newline, $( ), backticks, globs, leading -, not UTF-8, 255 bytes) in the app, shared/ and the root path: deploy, rollback, cleanup, recover, backup, restore, generated scripts",
            runs: 9, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }

    /// A decoy folder outside the root with files of known modes; the app links to it in every
    /// way a release can.
    func makeDecoy(_ proof: ProofRoot) throws -> String {
        let decoy = proof.directory.path + "/decoy"
        let outcome = try ToolRunner.bash(#"""
            mkdir -p "$1/files" "$1/cache" && printf secret > "$1/secret" && printf x > "$1/files/x"
            chmod 700 "$1" && chmod 640 "$1/secret" && chmod 711 "$1/files" && chmod 600 "$1/files/x" && chmod 750 "$1/cache"
            """#, [decoy])
        #expect(outcome.exitCode == 0, "\(outcome)")
        return decoy
    }

    @Test func linksOutOfTheReleaseAreNeverFollowed() throws {
        let proof = try ProofRoot("hostile-links")
        try proof.writeApp()
        let decoy = try makeDecoy(proof)
        let before = try DataInventory.take(decoy, modes: true)
        var problems: [String] = []
        var runs = 0
        func check(_ when: String) throws {
            problems += DataInventory.losses(before, try DataInventory.take(decoy, modes: true)).map { "\(when): decoy \($0)" }
            let extra = try DataInventory.take(decoy, modes: true).keys.filter { before[$0] == nil }
            if !extra.isEmpty { problems.append("\(when): new in the decoy: \(extra)") }
        }
        func replace(_ relative: String, withLinkTo target: String, under base: String) throws {
            try proof.fileSystem.removeTree(at: base + "/" + relative)
            try proof.fileSystem.createDirectory(at: PathName.parent(base + "/" + relative), permissions: 0o755)
            try proof.fileSystem.createSymlink(at: base + "/" + relative, target: target)
        }

        // Each persistent path of the release, and Laravel's bootstrap/, a link to the decoy.
        try replace("public/uploads", withLinkTo: decoy + "/files", under: proof.app)
        try replace("storage", withLinkTo: decoy, under: proof.app)
        try replace(".env", withLinkTo: decoy + "/secret", under: proof.app)
        try replace("bootstrap", withLinkTo: decoy, under: proof.app)
        for arguments in [["auto"], ["first"], ["auto", "--keep", "1"]] {
            let outcome = try proof.run([arguments[0], "--root", proof.root, "--from", proof.app] + arguments.dropFirst())
            runs += 1
            if outcome.exitCode != 0 { problems.append("\(arguments): \(outcome)") }
            try check("after \(arguments)")
        }
        // The live release's own links pointed at the decoy by someone: recover, deploy, rollback.
        let live = proof.root + "/current"
        try replace("public/uploads", withLinkTo: decoy + "/files", under: live)
        try replace("storage", withLinkTo: decoy, under: live)
        for arguments in [["recover"], ["rollback"], ["auto", "--from", proof.app, "--keep", "1"], ["backup"]] {
            _ = try proof.run([arguments[0], "--root", proof.root] + arguments.dropFirst())
            runs += 1
            try check("after \(arguments)")
        }
        // A persistent path below a link: refused, naming the link, before anything changes.
        try proof.fileSystem.createSymlink(at: proof.app + "/data", target: decoy)
        try proof.write("persist-deploy.json", #"{"classify": {"data/files": "user"}}"#, under: proof.app)
        let below = try proof.deploy()
        runs += 1
        if below.exitCode != 1 || !below.stderr.hasPrefix("error: ") || !below.stderr.contains("/data' is a link") {
            problems.append("a persistent path below a link: \(below)")
        }
        try check("after a persistent path below a link")
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
        ProofResults.record(
            suite: "hostile", scenario: "release paths (uploads, storage, .env, bootstrap/, a parent of a persistent path) linked to a decoy folder: never followed by seeding, copying, chmod, cleanup, recover, backup",
            runs: runs, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }

    /// Bad `persist-deploy.json` files: each is a clear error naming the file (or, for duplicate
    /// keys, a clear error too), never a crash, never a path outside the app.
    @Test func hostileConfigFilesAreClearErrors() throws {
        let proof = try ProofRoot("hostile-config")
        try proof.writeApp()
        let huge = String(repeating: "a", count: 4_000_000)
        let cases: [(String, String)] = [
            ("path traversal", #"{"classify": {"../outside": "user"}}"#),
            ("traversal inside", #"{"classify": {"public/../../etc": "user"}}"#),
            ("absolute path", #"{"classify": {"/etc": "user"}}"#),
            ("web root outside", #"{"webRoot": "../.."}"#),
            ("web root absolute", #"{"webRoot": "/etc"}"#),
            ("wrong type: webRoot", #"{"webRoot": 5}"#),
            ("wrong type: classify", #"{"classify": ["public/uploads"]}"#),
            ("wrong class", #"{"classify": {"public/uploads": "precious"}}"#),
            ("wrong top level", #"[1, 2, 3]"#),
            ("duplicate keys", #"{"webRoot": "public", "webRoot": "../.."}"#),
            ("duplicate classify keys", #"{"classify": {"public/x": "user", "public/x": "asset"}}"#),
            ("huge string", #"{"webRoot": "\#(huge)"}"#),
            ("huge number", #"{"webRoot": 1e999999}"#),
            ("deep nesting", String(repeating: "[", count: 100_000)),
            ("not JSON", "webRoot: public"),
            ("not UTF-8", "{\"webRoot\": \"pub\u{FFFD}\"}"),
            ("empty", ""),
            ("overlapping paths", #"{"classify": {"public/uploads": "user", "public/uploads/a": "user"}}"#),
            ("NUL in a path", #"{"classify": {"public/up\u0000loads": "user"}}"#),
        ]
        var problems: [String] = []
        for (name, text) in cases {
            try proof.write("persist-deploy.json", text, under: proof.app)
            for command in [["classify", proof.app, "--json"], ["plan", "--root", proof.root, "--from", proof.app]] {
                let outcome = try proof.run(command, timeout: 60)
                let clear = outcome.exitCode == 1 && outcome.stderr.hasPrefix("error: ") && outcome.stderr.contains("persist-deploy.json")
                if !clear { problems.append("\(name), \(command[0]): \(outcome.exitCode) \(outcome.stderr.prefix(300))") }
            }
        }
        #expect(!((try? proof.fileSystem.exists(proof.root + "/current")) ?? false))
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        ProofResults.record(
            suite: "hostile", scenario: "bad persist-deploy.json (traversal, absolute, wrong types, duplicate keys, 4 MB string, 1e999999, 100000-deep nesting, not JSON, NUL) through classify and plan",
            runs: cases.count * 2, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }
}
