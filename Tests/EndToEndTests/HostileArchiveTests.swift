import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Archives built to attack the deploy, run as root (as CI runs it): nothing is written outside
/// the folder the archive is unpacked into, nothing dangerous is deployed, and the message names
/// what was wrong.
@Suite struct HostileArchiveTests {
    /// One attack: the members it adds to a normal app, and the words of the refusal.
    enum Attack: String, CaseIterable, CustomTestStringConvertible {
        case traversal, absoluteName, writeThroughLink, overwriteThroughLink, hardLinkAbsolute, hardLinkUp
        case hardLinkThroughLink, longName, deepName, damaged

        var testDescription: String { rawValue }

        func add(to tar: inout TarBuilder, outside: String, marker: String) {
            switch self {
            case .traversal: tar.file("../../\(marker)-traversal", "escaped")
            case .absoluteName: tar.file("\(outside)/\(marker)-absolute", "escaped")
            case .writeThroughLink:
                tar.symlink("public/a", to: outside)
                tar.file("public/a/\(marker)-through", "escaped")
            case .overwriteThroughLink:
                tar.symlink("public/c", to: outside + "/victim")
                tar.file("public/c", "overwritten")
            case .hardLinkAbsolute: tar.hardLink("public/h", to: outside + "/victim")
            case .hardLinkUp: tar.hardLink("public/h", to: "../../outside/victim")
            case .hardLinkThroughLink:
                tar.symlink("public/s", to: outside)
                tar.hardLink("public/h", to: "public/s/victim")
            case .longName: tar.file("public/" + String(repeating: "n", count: 300), "long")
            case .deepName: tar.file(String(repeating: "deepfolder/", count: 400) + "file", "deep")
            case .damaged: tar.add("public/broken", type: "0", mode: 0o644, contents: Array("cut short".utf8))
            }
        }

        var words: String {
            switch self {
            case .traversal, .hardLinkUp: "climbs out of the release"
            case .absoluteName, .hardLinkAbsolute: "absolute name"
            case .writeThroughLink, .hardLinkThroughLink: "which the archive makes a link"
            case .overwriteThroughLink: "both a link and a file"
            case .longName: "Linux allows 255"
            case .deepName: "bytes Linux allows"
            case .damaged: "not a tar archive this tool can read"
            }
        }
    }

    /// A Laravel app like `ProofRoot.writeApp`'s, as archive members.
    static func app(_ tar: inout TarBuilder) {
        tar.directory("./")
        tar.file("./artisan", "#!/usr/bin/env php\n")
        tar.file("./composer.json", #"{"require": {"laravel/framework": "^11.0"}}"#)
        tar.file("./.env.example", "APP_KEY=\n")
        tar.file("./public/index.php", "<?php echo 'hello';\n")
        tar.file("./public/css/app.css", "body{}\n")
        tar.file("./public/uploads/demo-1.jpg", "demo image 1")
        tar.file("./storage/logs/.gitignore", "*\n!.gitignore\n")
        tar.file("./bootstrap/app.php", "<?php\n")
    }

    /// Everything in `directory` that must never be deployed: device nodes, FIFOs, sockets,
    /// setuid or setgid files, anything every user may write (links aside).
    static func dangerous(in directory: String) throws -> [String] {
        let outcome = try ToolRunner.bash(
            #"find "$1" \( -type b -o -type c -o -type p -o -type s -o -perm /6000 -o \( -perm -o+w ! -type l \) \) -printf '%M %p\n'"#,
            [directory])
        return outcome.stdout.split(separator: "\n").map(String.init)
    }

    @Test(arguments: Attack.allCases)
    func isRefusedBeforeAnythingIsWritten(attack: Attack) throws {
        let proof = try ProofRoot("hostile-archive")
        try proof.writeApp()
        #expect(try proof.deploy().exitCode == 0)
        let live = proof.liveRelease
        let outside = proof.directory.path + "/outside"
        try proof.write("victim", "the victim's own text", under: outside)
        let marker = "PWNED-\(UUID().uuidString)"
        var tar = TarBuilder()
        Self.app(&tar)
        attack.add(to: &tar, outside: outside, marker: marker)
        let archive = proof.directory.path + "/release.tar.gz"
        try tar.write(gzipTo: archive)
        if attack == .damaged {
            // Cut inside the last member: the stream ends in the middle of its contents.
            _ = try ToolRunner.bash(#"gzip -dc -- "$1" | head -c 5000 | gzip -n > "$1.cut" && mv -- "$1.cut" "$1""#, [archive])
        }
        let before = try DataInventory.take(proof.directory.path)

        let outcome = try proof.run(["auto", "--root", proof.root, "--from", archive, "--json"])
        var problems: [String] = []
        if outcome.exitCode != 1 { problems.append("exit \(outcome.exitCode), not 1") }
        if !outcome.stderr.contains(attack.words) { problems.append("the message lacks '\(attack.words)'") }
        if !outcome.stdout.contains("\"error\":") { problems.append("no JSON error object on stdout") }
        if proof.liveRelease != live { problems.append("current moved to \(proof.liveRelease ?? "nothing")") }
        // Nothing anywhere changed: not outside, not in the root (no staging left behind).
        let after = try DataInventory.take(proof.directory.path)
        let changed = Set(after.keys).symmetricDifference(before.keys).filter { !$0.hasPrefix("./root/.persist-deploy") }
            .union(before.keys.filter { after[$0] != nil && after[$0] != before[$0] && !$0.hasPrefix("./root/.persist-deploy") })
        if !changed.isEmpty { problems.append("changed on disk: \(changed.sorted().prefix(5))") }
        let escaped = try ToolRunner.bash(#"find / -xdev -maxdepth 3 -name "$1*" 2>/dev/null"#, [marker]).stdout
        if !escaped.isEmpty { problems.append("written outside: \(escaped)") }
        #expect(problems.isEmpty, "\(attack.rawValue): \(problems)\n\(outcome)")
        ProofResults.record(suite: "hostile", scenario: "archive with \(attack.rawValue): refused before extraction, nothing written",
                            runs: 1, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }

    /// Under a usual umask `tar` drops the bits itself; the warning still names every such entry.
    @Test func bitsTarDropsUnderAUsualUmaskAreNamed() throws {
        let proof = try ProofRoot("hostile-modes-umask")
        var tar = TarBuilder()
        Self.app(&tar)
        tar.file("public/setuid.php", "<?php", mode: 0o4755)
        tar.file("public/uploads/setgid.php", "<?php", mode: 0o2755)
        tar.directory("public/shared-tmp", mode: 0o1777)
        tar.file("public/shared-tmp/app.js", "1", mode: 0o666)
        let archive = proof.directory.path + "/release.tar.gz"
        try tar.write(gzipTo: archive)
        let outcome = try ToolRunner.bash(#"umask 022 && "$1" auto --root "$2" --from "$3" --json"#, [proof.tool.executable, proof.root, archive])
        #expect(outcome.exitCode == 0, "\(outcome)")
        let report = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
        let warnings = report?["warnings"] as? [String] ?? []
        #expect(warnings.contains(
            "4 files or folders in the archive had setuid, setgid, sticky or write-for-everyone bits, which were removed: "
                + "'public/setuid.php', 'public/shared-tmp', 'public/shared-tmp/app.js', 'public/uploads/setgid.php'."), "\(warnings)")
        #expect(try Self.dangerous(in: proof.root).isEmpty)
    }

    @Test func specialFilesAreLeftOutAndModesRestricted() throws {
        let proof = try ProofRoot("hostile-special")
        var tar = TarBuilder()
        Self.app(&tar)
        // In the web root, and in a folder that becomes persistent (seeded into shared/).
        for folder in ["public", "public/uploads"] {
            tar.special("\(folder)/null-device", type: "3", major: 1, minor: 3)
            tar.special("\(folder)/disk", type: "4", major: 7, minor: 0)
            tar.special("\(folder)/pipe", type: "6")
            tar.file("\(folder)/setuid.php", "<?php", mode: 0o4755)
            tar.file("\(folder)/setgid.php", "<?php", mode: 0o2777)
        }
        tar.directory("public/shared-tmp", mode: 0o1777)
        tar.file("public/shared-tmp/app.js", "1", mode: 0o666)
        let archive = proof.directory.path + "/release.tar.gz"
        try tar.write(gzipTo: archive)

        // As root a plain umask of 0 keeps every mode the archive asks for, unless the tool stops it.
        let outcome = try ToolRunner.bash(#"umask 000 && "$1" auto --root "$2" --from "$3" --json"#, [proof.tool.executable, proof.root, archive])
        var problems: [String] = []
        if outcome.exitCode != 0 { problems.append("exit \(outcome.exitCode)") }
        let report = try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
        let warnings = (report?["warnings"] as? [String] ?? []).joined(separator: "\n")
        for words in ["6 device nodes, FIFOs or sockets", "public/null-device", "were left out", "setuid, setgid"] where !warnings.contains(words) {
            problems.append("the warnings do not say '\(words)'")
        }
        problems += try Self.dangerous(in: proof.root).map { "deployed: \($0)" }
        if !proof.fileSystem.exists(atPath: proof.root + "/shared/public/uploads/setuid.php") {
            problems.append("the app's own files were not deployed")
        }
        #expect(problems.isEmpty, "\(problems)\n\(outcome)")
        ProofResults.record(suite: "hostile", scenario: "archive with device nodes, FIFOs, setuid/setgid/sticky/world-writable: dropped or restricted, said",
                            runs: 1, outcome: problems.isEmpty ? "pass" : "FAIL: \(problems[0])")
    }

    @Test func aPlanOfAHostileArchiveIsRefusedToo() throws {
        let proof = try ProofRoot("hostile-plan")
        var tar = TarBuilder()
        Self.app(&tar)
        tar.symlink("public/a", to: "/etc")
        tar.file("public/a/cron.d/evil", "* * * * * root true")
        let archive = proof.directory.path + "/release.tar.gz"
        try tar.write(gzipTo: archive)
        let outcome = try proof.run(["plan", "--root", proof.root, "--from", archive])
        #expect(outcome.exitCode == 1, "\(outcome)")
        #expect(outcome.stderr.contains("'public/a/cron.d/evil' lies below 'public/a'"), "\(outcome)")
        #expect(!FileManager.default.fileExists(atPath: "/etc/cron.d/evil"))
    }
}
