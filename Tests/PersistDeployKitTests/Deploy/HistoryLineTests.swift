import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The one-pass reader of a history line's few fields: it must agree with the full decoder on
/// every line the tool (or deploy.sh) writes, and refuse what the decoder refuses.
@Suite struct HistoryLineTests {
    static func record(
        _ release: String, _ outcome: HistoryRecord.Outcome, from: String? = nil, path: String = "public/uploads",
        time: String = "2026-11-22T14:30:00Z"
    ) -> HistoryRecord {
        HistoryRecord(
            release: release, time: time, outcome: outcome, framework: .laravel,
            paths: [PathRecord(path: path, class: .user, action: .linked, added: 2, shadowed: 1)], host: "web-1", user: "deploy", from: from)
    }

    @Test(arguments: [
        "2026-11-22_14-30-00", "1", "20261122143000", "9fceb02d0ae598e95dc970b74767f19372d61af8",
        "with space", "quote\"and\\backslash", "new\nline", "$(rm -rf /)", "-leading", "tab\there", "ünïcödé",
        NameBytes.string([0x72, 0xE9, 0x73, 0x75, 0x6D, 0xE9]),  // Latin-1 "résumé": not UTF-8
    ])
    func agreesWithTheDecoderOnEveryName(_ name: String) throws {
        for outcome in [HistoryRecord.Outcome.activated, .prepared, .rolledBack, .bad, .adopted] {
            let text = Text.json(Self.record(name, outcome, from: outcome == .rolledBack ? name + "-from" : nil))
            let line = try #require(HistoryLine.scan(Array(text.utf8)), "\(text)")
            let decoded = try JSONDecoder().decode(HistoryRecord.self, from: Data(text.utf8))
            #expect(line.release.utf8.elementsEqual(decoded.release.utf8))
            #expect(NameBytes.bytes(line.release) == NameBytes.bytes(name))
            #expect(line.outcome == decoded.outcome)
            #expect(line.time == decoded.time)
            #expect(line.from.map { Array($0.utf8) } == decoded.from.map { Array($0.utf8) })
            #expect(line.checkpoint == nil)
        }
    }

    @Test func aReleaseKeyInsideAStringIsNotTheRecordsOwn() throws {
        let text = Text.json(Self.record("real", .activated, path: #"x","release":"fake","outcome":"bad"#))
        let line = try #require(HistoryLine.scan(Array(text.utf8)))
        #expect(line.release == "real" && line.outcome == .activated)
    }

    @Test func everyCutOfALineIsRefused() throws {
        let text = Array(Text.json(Self.record("2026-11-22_14-30-00", .activated)).utf8)
        for length in 0..<text.count {
            #expect(HistoryLine.scan(text[0..<length]) == nil, "cut at \(length): \(String(decoding: text[0..<length], as: UTF8.self))")
        }
        #expect(HistoryLine.scan(text) != nil)
    }

    @Test(arguments: [
        "", "{}", "{not json", "[1,2]", #"{"release":"a"}"#, #"{"outcome":"activated"}"#,
        #"{"release":"a","outcome":"exploded"}"#, #"{"release":1,"outcome":"activated"}"#,
        #"{"release":"a","outcome":"activated"} trailing"#, #"{"release":"a","outcome":"activated""#,
        #"{"release":"a\q","outcome":"activated"}"#,
    ])
    func foreignLinesAreRefused(_ text: String) {
        #expect(HistoryLine.scan(Array(text.utf8)) == nil)
    }

    @Test func escapesAndSurrogatePairsAreDecoded() throws {
        let text = #"{"outcome":"activated","release":"a\u00e9\ud83d\ude00\/b\n","time":"t"}"#
        let line = try #require(HistoryLine.scan(Array(text.utf8)))
        #expect(line.release == "aé😀/b\n")
    }

    @Test func aCarriedLinesCheckpointIsKeptRaw() throws {
        var record = Self.record("2026-11-22_14-30-00", .activated)
        record.checkpoint = HistoryRecord.Checkpoint(archive: ".deployment-history.2026-11-30", deployed: 3, lastLive: 5, rolledBackFrom: true)
        let line = try #require(HistoryLine.scan(Array(Text.json(record).utf8)))
        let raw = try #require(line.checkpoint)
        #expect(try JSONDecoder().decode(HistoryRecord.Checkpoint.self, from: Data(raw)) == record.checkpoint)
    }
}
