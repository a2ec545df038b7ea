import Foundation
import Testing

@testable import DocketJSON

@Suite struct JSONParserTests {
    @Test func aCommandParsesWithItsMembersInOrder() throws {
        let text =
            #"{"command":"apply","commandId":"c-0001","case":"2024-04-000001","at":"2024-03-02T10:15:00+08:00","actor":{"id":"portal","role":"portal"},"expectedVersion":0,"data":{"level":4,"candidate":{"name":"张伟"}}}"#
        let value = try JSONParser.parse(text)
        guard case .object(let object) = value else { return #expect(Bool(false)) }
        #expect(object.keys == ["command", "commandId", "case", "at", "actor", "expectedVersion", "data"])
        #expect(value["actor"]?["role"] == .string("portal"))
        #expect(value["data"]?["candidate"]?["name"] == .string("张伟"))
        guard case .number(let level) = value["data"]?["level"] else { return #expect(Bool(false)) }
        #expect(level.int64 == 4)
        #expect(JSONWriter.string(value) == text)
    }

    @Test(arguments: [
        ("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "a\"b\\c/d\u{08}\u{0C}\n\r\t"),
        ("\"\\u00e9\\u4E2D\"", "é中"),
        ("\"\\ud83d\\ude00\"", "😀"),
        ("\"plain 张伟 😀\"", "plain 张伟 😀"),
    ])
    func escapesDecode(text: String, expected: String) throws {
        #expect(try JSONParser.parse(text) == .string(expected))
    }

    @Test(arguments: ["0", "-0", "12", "-3.25", "1e10", "2.5E-3", "1E+2"])
    func numbersKeepTheirLiteral(text: String) throws {
        #expect(try JSONParser.parse(text) == .number(JSONNumber(text: text)))
    }

    @Test(arguments: [
        ("", "ends where a value"), ("{", "ends inside an object"), ("[1,]", "unexpected character ']'"),
        ("{\"a\":1,}", "expected a member name"), ("{'a':1}", "expected a member name"), ("01", "leading zeros"),
        ("1.", "digits after '.'"), ("-", "digit after '-'"), ("1e", "exponent"), ("tru", "ends inside 'true'"),
        ("nul", "ends inside 'null'"), ("\"abc", "ends inside a string"), ("\"a\u{01}b\"", "control character"),
        ("\"\\x\"", "invalid escape"), ("\"\\u12G4\"", "four hexadecimal digits"), ("\"\\ud800\"", "low surrogate"),
        ("\"\\udc00\"", "lone low surrogate"), ("{\"a\":1,\"a\":2}", "appears twice"),
        ("[1] 2", "after the JSON value"),
        ("{\"a\" 1}", "expected ':'"), ("NaN", "unexpected character 'N'"),
    ])
    func invalidTextIsRefusedWithAReason(text: String, reason: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.message.contains(reason), "\(text): \(error.message)")
        }
    }

    @Test func errorsGiveLineAndColumn() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": 1,\n  \"b\": tru\n}")
            Issue.record("accepted")
        } catch {
            // The first wrong character: the line break after "tru".
            #expect(error.line == 3)
            #expect(error.column == 11)
            #expect(error.message.contains("expected 'true'"))
        }
    }

    @Test func invalidUTF8IsRefused() throws {
        for bad: [UInt8] in [[0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8]] {
            let text: [UInt8] = [0x22] + bad + [0x22]
            #expect(throws: JSONParseError.self) { _ = try JSONParser.parse(text) }
        }
        #expect(try JSONParser.parse([0x22, 0xE4, 0xB8, 0xAD, 0x22]) == .string("中"))
    }

    @Test func nestingIsCapped() throws {
        let deep =
            String(repeating: "[", count: JSONParser.maximumDepth)
            + String(repeating: "]", count: JSONParser.maximumDepth)
        _ = try JSONParser.parse(deep)
        let tooDeep = "[" + deep + "]"
        #expect(throws: JSONParseError.self) { _ = try JSONParser.parse(tooDeep) }
    }

    @Test func sameCommandIgnoresKeyOrderButNotValues() throws {
        let a = try JSONParser.parse(#"{"command":"withdraw","data":{"reason":"x","n":[1,2]}}"#)
        let b = try JSONParser.parse(#"{"data":{"n":[1,2],"reason":"x"},"command":"withdraw"}"#)
        let c = try JSONParser.parse(#"{"data":{"n":[2,1],"reason":"x"},"command":"withdraw"}"#)
        #expect(a.isSame(as: b))
        #expect(!a.isSame(as: c))
        #expect(a != b)
    }

    @Test func writerEscapesWhatJSONRequiresAndFoundationReadsItBack() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{07} 张伟 😀"
        let text = JSONWriter.string(
            .object(JSONObject([("k", .string(tricky)), ("n", .number(JSONNumber(text: "-1.5e3")))]))
        )
        let back = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(back?["k"] as? String == tricky)
        #expect(try JSONParser.parse(text)["k"] == .string(tricky))
    }

    /// Agrees with Foundation on a corpus of documents (values, not formatting).
    @Test func agreesWithFoundationOnValidDocuments() throws {
        let corpus = [
            #"{"a":[1,2,{"b":null,"c":true,"d":false}],"e":"x\u0041y","f":-0.5}"#,
            #"[[],{},[{}],"",0]"#,
            #"{"photo":{"jpegBase64":"/9j/4AAQSkZJRgABAQAAAQABAAD="}}"#,
        ]
        for text in corpus {
            let ours = JSONWriter.string(try JSONParser.parse(text))
            let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            let oursBack = try JSONSerialization.jsonObject(with: Data(ours.utf8), options: [.fragmentsAllowed])
            #expect(NSDictionary(dictionary: ["v": theirs]).isEqual(to: ["v": oursBack]), "\(text)")
        }
    }
}

/// Objects with many keys: duplicates are found wherever they are, without a quadratic search.
@Suite struct WideObjectTests {
    static func object(keys: Int, duplicateAt: Int? = nil) -> [UInt8] {
        var text = "{"
        for k in 0..<keys {
            if k > 0 { text += "," }
            text += "\"k\(duplicateAt == k ? 0 : k)\":\(k)"
        }
        return Array((text + "}").utf8)
    }

    @Test(arguments: [1, 15, 16, 17, 20_000, 99_999])
    func aDuplicateKeyIsFoundAtAnyPlace(place: Int) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Self.object(keys: 100_000, duplicateAt: place)) }
    }

    @Test func aHundredThousandDistinctKeysParseInOrder() throws {
        let value = try JSONParser.parse(Self.object(keys: 100_000))
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.count == 100_000)
        #expect(object.keys.first == "k0" && object.keys.last == "k99999")
        #expect(object["k54321"] == .int(54_321))
    }
}
