import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// `shared/health-check.sh` compares a file recorded with a SHA-256 (one written within two
/// seconds of the recording: every file of a release copied in from a fresh build) by digest.
/// GNU sha256sum escapes a name holding a backslash or a newline and starts its line with '\',
/// so a digest taken from its output never matched: the script warned "changed in place" on
/// every run while the binary passed.
@Suite struct ScriptDigestNamesTests {
    @Test func aShippedFileNamedWithABackslashOrNewlineIsNoDriftForTheScript() throws {
        let proof = try ProofRoot("script-digest-names")
        try proof.writeApp()
        try proof.write("public/css/we\\ird.css", "a{}\n", under: proof.app)
        try proof.write("public/css/new\nline.css", "b{}\n", under: proof.app)
        #expect(try proof.deploy().exitCode == 0)
        let tree = try String(decoding: proof.fileSystem.readFile(at: proof.root + "/.persist-deploy/manifests/\(try #require(proof.liveRelease)).tree"), as: UTF8.self)
        #expect(tree.contains("we\\ird.css"))
        let binary = try proof.run(["health-check", "--root", proof.root])
        #expect(binary.exitCode == 0, "\(binary)")
        let script = try ToolRunner.bash(#"bash "$1""#, [proof.root + "/shared/health-check.sh"])
        #expect(!script.stdout.contains("changed in place"), "\(script.stdout)")
        #expect(script.exitCode == 0, "\(script)")

        // A change the size and time do not show (same length, time put back) is still seen by digest.
        try ToolRunner.bash(#"t=$(stat -c %y "$1") && printf 'c{}\n' >"$1" && touch -d "$t" "$1""#, [proof.root + "/current/public/css/we\\ird.css"])
        let changed = try ToolRunner.bash(#"bash "$1""#, [proof.root + "/shared/health-check.sh"])
        #expect(changed.stdout.contains("changed in place"), "\(changed.stdout)")
    }
}
