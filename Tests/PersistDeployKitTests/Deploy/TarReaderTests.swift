import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The tar headers the archive check reads, against archives built byte by byte and by GNU tar.
@Suite struct TarReaderTests {
    func members(_ bytes: [UInt8]) throws -> [TarMember] {
        var offset = 0
        var reader = TarReader { count in
            let chunk = Array(bytes[min(offset, bytes.count)..<min(offset + count, bytes.count)])
            offset += chunk.count
            return chunk
        }
        var found: [TarMember] = []
        while let member = try reader.next() { found.append(member) }
        return found
    }

    @Test func readsEveryKindAndLongNames() throws {
        var tar = TarBuilder()
        let long = String(repeating: "a", count: 150) + "/" + String(repeating: "b", count: 120)
        tar.file("plain.txt", "hello", mode: 0o4755)
        tar.file(long, "deep")
        tar.symlink("link", to: String(repeating: "t", count: 140))
        tar.hardLink("hard", to: "plain.txt")
        tar.directory("folder/")
        tar.special("dev", type: "3")
        tar.special("fifo", type: "6")
        let found = try members(tar.bytes + [UInt8](repeating: 0, count: 1024))
        #expect(found.map { String(decoding: $0.name, as: UTF8.self) } == ["plain.txt", long, "link", "hard", "folder/", "dev", "fifo"])
        #expect(found.map(\.kind) == [.file, .file, .symlink, .hardLink, .directory, .characterDevice, .fifo])
        #expect(found[0].mode == 0o4755)
        #expect(found[2].linkName == Array(String(repeating: "t", count: 140).utf8))
    }

    @Test func readsWhatGNUTarWritesInPaxFormat() throws {
        let temporary = try TemporaryDirectory("tar-pax")
        defer { temporary.remove() }
        let name = String(repeating: "é", count: 80) + "/file"
        let script = #"cd "$1" && mkdir -p -- "${2%/*}" && printf x > "$2" && ln -s target link && tar --format=pax -cf out.tar -- "$2" link"#
        #expect(try ToolRunner.bash(script, [temporary.path, name]).exitCode == 0)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: temporary.path + "/out.tar")))
        let found = try members(bytes)
        #expect(found.map { String(decoding: $0.name, as: UTF8.self) } == [name, "link"])
        #expect(found.last?.linkName == Array("target".utf8))
    }

    @Test func aDamagedHeaderIsAnErrorNotACrash() throws {
        var tar = TarBuilder()
        tar.file("a.txt", "hello")
        var bytes = tar.bytes
        bytes[10] ^= 0xff  // the checksum no longer matches
        #expect(throws: TarReader.Damaged.self) { try members(bytes) }
        #expect(throws: TarReader.Damaged.self) { try members(Array(tar.bytes.prefix(300))) }
    }

    @Test func theRulesNameTheMemberThatBreaksThem() throws {
        func judge(_ build: (inout TarBuilder) -> Void) throws -> ToolError? {
            var tar = TarBuilder()
            build(&tar)
            do {
                _ = try ArchiveInspection.judge(try members(tar.bytes), archive: "app.tar.gz", base: "/srv/site/releases/.staging-1")
                return nil
            } catch {
                return error as? ToolError
            }
        }
        #expect(try judge { $0.file("./ok/file.txt"); $0.symlink("./ok/link", to: "/etc") } == nil, "a link alone is app content")
        #expect(try judge { $0.file("a/../../x") }?.message.contains("'a/../../x' climbs out") == true)
        #expect(try judge { $0.file("/etc/x") }?.message.contains("'/etc/x' is an absolute name") == true)
        #expect(try judge { $0.symlink("./d", to: "/tmp"); $0.file("d//x") }?.message.contains("'d//x' lies below 'd'") == true)
        #expect(try judge { $0.hardLink("h", to: "x/../../etc/passwd") }?.message.contains("climbs out") == true)
        let special = try ArchiveInspection.judge(
            try members({ var tar = TarBuilder(); tar.special("./p", type: "6"); tar.special("d", type: "4"); return tar.bytes }()),
            archive: "a", base: "/b")
        #expect(special.special == [Array("./p".utf8), Array("d".utf8)])
    }
}
