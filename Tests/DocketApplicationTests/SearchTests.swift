import Certification
import CertificationWire
import DocketApplication
import DocketTestSupport
import Testing

/// Candidate search as a supervisor on the phone uses it: names told apart, exact names first,
/// pages that say how many more there are.
@Suite struct SearchTests {
    static let april = Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")

    /// Five candidates whose names contain 马艳 (two exactly), one 张伟.
    static func namesake() throws -> Fixture {
        let names = ["马艳红", "马艳", "司马艳", "马艳", "马艳芳", "张伟"]
        var lines = [april]
        for (i, name) in names.enumerated() {
            let number = Line.residentNumber(birth: "19\(80 + i)0315", sequence: i + 1)
            lines.append(Line.apply("2024-04-00000\(i + 1)", number: number, name: name))
        }
        lines.append(Line.withdraw("2024-04-000004"))
        return try Fixture(lines)
    }

    @Test func exactNamesComeFirstAndEachHitCanBeToldApart() throws {
        let f = try Self.namesake()
        let answer = try f.service.search("马艳", disclosure: .masked)
        #expect(answer.total == 5)
        #expect(answer.hits.prefix(2).map(\.name) == ["马艳", "马艳"])
        #expect(Set(answer.hits.dropFirst(2).map(\.name)) == ["马艳红", "司马艳", "马艳芳"])
        let exact = answer.hits.prefix(2)
        #expect(exact.map(\.birthDate) == ["1981-**-**", "1983-**-**"])
        #expect(exact.map(\.status) == ["applied", "withdrawn"])
        #expect(exact.allSatisfy { $0.occupation == "blockchain-operator" && $0.batch == "2024-04" })
    }

    @Test func pagesSayHowManyMoreThereAre() throws {
        let f = try Self.namesake()
        let first = try f.service.search("马艳", offset: 0, limit: 2, disclosure: .masked)
        #expect(first.hits.count == 2 && first.total == 5 && first.remaining == 3 && first.nextOffset == 2)
        let last = try f.service.search("马艳", offset: 4, limit: 2, disclosure: .masked)
        #expect(last.hits.count == 1 && last.remaining == 0 && last.nextOffset == nil)
        let all = try (0..<3).flatMap { try f.service.search("马艳", offset: $0 * 2, limit: 2, disclosure: .masked).hits }
        #expect(Set(all.map(\.caseID)).count == 5)
    }

    @Test func aFullNumberFindsItsCaseAndAPartialOneNothing() throws {
        let f = try Self.namesake()
        let number = Line.residentNumber(birth: "19810315", sequence: 2)
        let found = try f.service.search(number, disclosure: .masked)
        #expect(found.byIdentityNumber && found.hits.map(\.caseID) == ["2024-04-000002"])
        #expect(found.hits[0].idNumber == Disclosure.masked.identityNumber(number))
        #expect(try f.service.search(String(number.dropLast()), disclosure: .masked).total == 0)
        // Registrars and auditors see the number and birth date in full.
        let full = try f.service.search(number, disclosure: .full)
        #expect(full.hits[0].idNumber == number && full.hits[0].birthDate == "1981-03-15")
    }

    @Test(arguments: [(0, 50), (-1, 50), (0, 501)])
    func aPageOutOfRangeIsRefused(offset: Int, limit: Int) throws {
        let f = try Fixture([Self.april])
        if offset >= 0, limit <= DocketService.maximumSearchPage {
            #expect(throws: Never.self) { try f.service.search("马", offset: offset, limit: limit, disclosure: .masked) }
        } else {
            let error = #expect(throws: DocketError.self) {
                try f.service.search("马", offset: offset, limit: limit, disclosure: .masked)
            }
            #expect(error?.field == (offset < 0 ? "offset" : "limit"))
        }
    }
}
