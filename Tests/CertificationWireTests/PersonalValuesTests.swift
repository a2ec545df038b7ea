import DocketJSON
import Testing

@testable import CertificationWire

/// The box values' direct reader agrees with the JSON reader, and leaves to it what it does not
/// read itself (escapes, other shapes).
@Suite struct PersonalValuesTests {
    @Test(arguments: [
        #"["张伟","1995-06-01","11010119950601123X",null,null,["A1B2C3D4E5F6"]]"#,
        #"["wx_zhangwei","ab12"]"#,
        #"[[]]"#,
        #"[["reason one","reason two"]]"#,
        #"["a note"]"#,
        #"[]"#,
    ])
    func theDirectReaderAgreesWithTheJSONReader(text: String) throws {
        let bytes = Array(text.utf8)
        let direct = try #require(PersonalValues.parse(bytes))
        #expect(JSONValue.array(direct) == (try JSONParser.parse(bytes)))
    }

    @Test(arguments: [
        #"["a \"quoted\" word"]"#, #"["x",]"#, #"["x""#, #"[1]"#, #"[[null]]"#, #"["x"] "#, #"{"a":1}"#, "",
    ])
    func anythingElseIsLeftToTheJSONReader(text: String) {
        #expect(PersonalValues.parse(Array(text.utf8)) == nil)
    }
}
