import PersistDeployKit
import Testing

@Suite struct JSONParserTests {
    private func parse(_ text: String, strict: Bool = false) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8), rejectDuplicateKeys: strict)
    }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#"{"a": [1, -2.5e3, true, false, null], "b": {"c": "d\n\u00e9\ud83d\ude00\"/"}}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]))
        #expect(object["b"]?.objectValue?["c"] == .string("d\né😀\"/"))
    }

    @Test func keepsKeyOrderAndLines() throws {
        let object = try #require(try parse("{\n  \"z\": 1,\n  \"a\": 2\n}").objectValue)
        #expect(object.keys == ["z", "a"])
        #expect(object.line(of: "a") == 3)
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "line 1: expected a key in double quotes"),
        ("{\"a\" 1}", "line 1: expected ':' after the key \"a\""),
        ("[1 2]", "line 1: expected ',' or ']' in a list"),
        ("{\n\"a\": tru}", "line 2: unexpected text where 'true' or another value was expected"),
        ("{\"a\": \"x", "line 1: the document ends inside a string"),
        ("{} x", "line 1: unexpected text after the end of the document"),
        ("", "line 1: the document ends where a value was expected"),
        ("01.", "line 1: '01.' is not a number"),
    ])
    func reportsWhatIsWrongAndWhere(_ text: String, _ message: String) {
        #expect(throws: JSONParseError.self) { try parse(text) }
        do {
            _ = try parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func duplicateKeysAreAnErrorOnlyWhenAsked() throws {
        let text = "{\"a\": 1,\n \"a\": 2}"
        #expect(try parse(text).objectValue?["a"] == .number(1))
        #expect(throws: JSONParseError(message: "the key \"a\" appears twice in one object", line: 2)) { try parse(text, strict: true) }
    }

    @Test func acceptsAByteOrderMark() throws {
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == .object(JSONObject()))
    }
}
