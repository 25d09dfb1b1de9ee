import PersistDeployTestSupport
import Testing

@testable import PersistDeployKit

@Suite struct NameBytesTests {
    @Test func validUTF8IsItsOwnString() {
        for name in ["uploads", "café", "名前", "a b'c$(x)", "-rf", "\u{1F600}"] {
            #expect(NameBytes.string(Array(name.utf8)) == name)
            #expect(NameBytes.bytes(name) == Array(name.utf8))
        }
    }

    @Test func everyByteSequenceRoundTrips() {
        var generator = SystemRandomNumberGenerator()
        var samples: [[UInt8]] = (0x80...0xFF).map { [UInt8(ascii: "a"), UInt8($0), UInt8(ascii: "z")] }
        samples += [[0xEF, 0x9E, 0x80], [0xEF, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80],
                    [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xFF, 0xFE]]
        for _ in 0..<2000 {
            samples.append((0..<Int.random(in: 1...12, using: &generator)).map { _ in UInt8.random(in: 1...255, using: &generator) })
        }
        for bytes in samples {
            #expect(NameBytes.bytes(NameBytes.string(bytes)) == bytes, "\(bytes)")
        }
    }

    @Test func namesEqualAfterLossyDecodingStayDifferent() {
        let latin1 = NameBytes.string([0x63, 0x61, 0x66, 0xE9])  // "caf\xE9"
        let other = NameBytes.string([0x63, 0x61, 0x66, 0xEA])
        let replacement = NameBytes.string(Array("caf\u{FFFD}".utf8))
        #expect(Set([latin1, other, replacement].map(NameBytes.Key.init)).count == 3)
        #expect(NameBytes.display(latin1) == "caf\\xE9")
    }

    @Test func canonicallyEquivalentNamesAreDifferentKeys() {
        let composed = "caf\u{E9}"
        let decomposed = "cafe\u{301}"
        #expect(composed == decomposed)  // Swift's own ==: the reason Key exists
        #expect(NameBytes.Key(composed) != NameBytes.Key(decomposed))
        #expect(Set([NameBytes.Key(composed), NameBytes.Key(decomposed)]).count == 2)
    }

    @Test func cStringCarriesTheRawBytes() {
        let name = NameBytes.string([0x78, 0xFF, 0x79])
        let passed: [UInt8] = NameBytes.withCString(name) { pointer in
            var out: [UInt8] = []
            var cursor = pointer
            while cursor.pointee != 0 { out.append(UInt8(bitPattern: cursor.pointee)); cursor += 1 }
            return out
        }
        #expect(passed == [0x78, 0xFF, 0x79])
    }

    @Test func cStrings() {
        let name = NameBytes.string([0x78, 0xFF, 0x79])
        #expect(NameBytes.cString(name) == [0x78, -1, 0x79, 0])
        #expect(NameBytes.string(cString: [0x78, -1, 0x79, 0]) == name)
    }

    @Test func displayInsideJSONEscapesItsBackslash() {
        let name = NameBytes.string([0x61, 0xE9])
        #expect(NameBytes.display(name) == "a\\xE9")
        #expect(NameBytes.display("\"" + name + "\"", backslash: "\\\\") == "\"a\\\\xE9\"")
        #expect(NameBytes.display("plain") == "plain")
    }

    /// What `display` shows, `parsingDisplay` reads back to the same name (persist-deploy.json).
    @Test func theDisplayFormReadsBackToTheName() {
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 1...10, using: &generator)).map { _ in UInt8.random(in: 1...255, using: &generator) }
                .filter { $0 != UInt8(ascii: "\\") }
            let name = NameBytes.string(bytes)
            #expect(NameBytes.bytes(NameBytes.parsingDisplay(NameBytes.display(name))) == bytes, "\(bytes)")
        }
        #expect(NameBytes.bytes(NameBytes.parsingDisplay("caf\\xe9")) == Array("caf".utf8) + [0xE9])
        #expect(NameBytes.parsingDisplay("a\\x41") == "a\\x41", "only bytes that display would escape")
        #expect(NameBytes.parsingDisplay("a\\xE") == "a\\xE")
        #expect(NameBytes.parsingDisplay("\\xC3\\xA9") == "\u{E9}", "valid UTF-8 bytes are the character")
    }

    /// Names sort as their bytes do, whatever escapes they hold.
    @Test func randomNamesSortByTheirBytes() {
        var generator = SeededGenerator(seed: 9)
        let pool: [UInt8] = [0x41, 0x7A, 0x80, 0xA9, 0xC3, 0xE9, 0xEF, 0x9E, 0x9F, 0xBF, 0xFF]
        let names = (0..<600).map { _ in
            (0..<Int.random(in: 1...6, using: &generator)).map { _ in pool.randomElement(using: &generator)! }
        }
        let sorted = names.map(NameBytes.string).sorted(by: NameBytes.precedes).map(NameBytes.bytes)
        #expect(sorted == names.sorted { $0.lexicographicallyPrecedes($1) })
    }
}
