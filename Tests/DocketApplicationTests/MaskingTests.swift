import Certification
import CertificationWire
import Chronology
import DocketApplication
import DocketJSON
import DocketTestSupport
import Foundation
import Testing

/// What a masked reader is shown must not give the identity number away: the test tries to
/// rebuild it from everything a masked view shows beside it, and must fail to.
@Suite struct MaskingTests {
    static let april = Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")
    static let number = "110101199506011232"

    /// Every 18-character number that fits a masked number (`110101********1232`) and a masked
    /// birth date (`1995-**-**`): each day of the year, with the check character as shown.
    static func candidates(masked: String, birthDate: String) -> [String] {
        let shown = Array(masked)
        guard shown.count == 18, let year = Int(birthDate.prefix(4)), birthDate.hasSuffix("-**-**") else {
            return []
        }
        var out: [String] = []
        var day = LocalDate(year: year, month: 1, day: 1)!
        while day.year == year {
            let digits = String(format: "%04d%02d%02d", day.year, day.month, day.day)
            let guess = String(shown[0..<6]) + digits + String(shown[14..<17])
            let check = Line.residentNumber(
                region: String(shown[0..<6]),
                birth: digits,
                sequence: Int(String(shown[14..<17]))!
            )
            if check.last == shown[17] { out.append(guess + String(shown[17])) }
            day = day.adding(days: 1)
        }
        return out
    }

    @Test func noMaskedOutputShowsTheNumberOrTheWholeBirthDate() throws {
        let f = try Fixture([Self.april] + Line.happyPath("2024-04-000001", n: 1, number: Self.number))
        try f.service.updateReadModels()
        var outputs: [String] = []
        outputs.append(
            String(
                decoding: try f.service.caseView("2024-04-000001", disclosure: .masked, purpose: .testing).json,
                as: UTF8.self
            )
        )
        for entry in try f.service.timeline("2024-04-000001", disclosure: .masked, purpose: .testing) {
            var out: [UInt8] = []
            entry.write(into: &out)
            outputs.append(String(decoding: out, as: UTF8.self))
        }
        for step in try f.service.replay("2024-04-000001", disclosure: .masked, purpose: .testing) {
            var out: [UInt8] = []
            step.write(into: &out)
            outputs.append(String(decoding: out, as: UTF8.self))
        }
        outputs.append(JSONWriter.string(try f.service.search("张伟", disclosure: .masked).json))
        for output in outputs {
            #expect(!output.contains(Self.number))
            #expect(!output.contains("1995-06-01"))
        }
        // What they show: the masked number and the birth year.
        let view = try f.service.caseView("2024-04-000001", disclosure: .masked, purpose: .testing).value
        let masked = try #require(view["candidate"]?["idDocument"]?["number"]?.stringValue)
        let birth = try #require(view["candidate"]?["birthDate"]?.stringValue)
        #expect(masked == "110101********1232" && birth == "1995-**-**")
        // From those, many numbers fit: the true one cannot be told from the rest.
        let fits = Self.candidates(masked: masked, birthDate: birth)
        #expect(fits.contains(Self.number))
        #expect(fits.count >= 20)
    }

    @Test func registrarsAndAuditorsSeeTheWholeNumber() throws {
        let f = try Fixture([Self.april, Line.apply("2024-04-000001", number: Self.number)])
        let view = try f.service.caseView("2024-04-000001", disclosure: .full, purpose: .testing).value
        #expect(view["candidate"]?["idDocument"]?["number"]?.stringValue == Self.number)
        #expect(view["candidate"]?["birthDate"]?.stringValue == "1995-06-01")
        #expect(Disclosure.of(.registrar) == .full && Disclosure.of(.auditor) == .full)
        #expect([Actor.Role.supervisor, .reporter, .portal, .admin].allSatisfy { Disclosure.of($0) == .masked })
    }
}
