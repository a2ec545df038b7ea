import Chronology
import Testing

@testable import Certification

@Suite struct IdentityNumberTests {
    static let field = "data.candidate.idDocument.number"
    static let birth = LocalDate("1995-06-01")!

    /// A valid number for a birth date, with its check character computed independently here.
    static func validNumber(region: String = "110101", birth: String = "19950601", serial: String = "123") -> String {
        let body = region + birth + serial
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    static func check(
        _ number: String,
        _ type: IdentityDocumentType = .residentIDCard,
        birth: LocalDate = birth
    ) -> Result<String, Rejection> {
        IdentityNumber.check(number, type: type, birthDate: birth, field: field)
    }

    @Test func aValidResidentIDCardNumberIsAccepted() throws {
        let number = Self.validNumber()
        #expect(try Self.check(number).get() == number)
        #expect(try Self.check("11010519491231002X", birth: LocalDate("1949-12-31")!).get() == "11010519491231002X")
    }

    @Test func aLowerCaseXCheckCharacterIsAcceptedAndNormalised() throws {
        let number = "11010519491231002x"
        #expect(try Self.check(number, birth: LocalDate("1949-12-31")!).get() == "11010519491231002X")
    }

    @Test func aWrongCheckCharacterIsRefused() {
        var chars = Array(Self.validNumber())
        chars[17] = chars[17] == "0" ? "1" : "0"
        guard case .failure(let r) = Self.check(String(chars)) else { return #expect(Bool(false)) }
        #expect(r.code == .idNumberInvalid && r.field == Self.field)
    }

    @Test(arguments: ["1101011995060112", "11010119950601123X1", "1101011995O601123X", "110101199506011239 "])
    func aMalformedNumberIsRefused(number: String) {
        guard case .failure(let r) = Self.check(number) else { return #expect(Bool(false)) }
        #expect(r.code == .idNumberInvalid)
    }

    @Test func anImpossibleEmbeddedDateIsRefused() {
        let number = Self.validNumber(birth: "19950230")
        guard case .failure(let r) = Self.check(number) else { return #expect(Bool(false)) }
        #expect(r.code == .idNumberInvalid)
    }

    @Test func anEmbeddedBirthDateThatDiffersFromTheDeclaredOneIsRefused() {
        let number = Self.validNumber(birth: "19950602")
        guard case .failure(let r) = Self.check(number) else { return #expect(Bool(false)) }
        #expect(r.code == .idBirthdateMismatch)
    }

    @Test(arguments: [
        (IdentityDocumentType.beijingSocialSecurityCard, "11010119950601123X", true),
        (.beijingSocialSecurityCard, "1101011995060112", false),
        (.hkmoResidentIDCard, "A123456(7)", true), (.hkmoResidentIDCard, "1234567(8)", true),
        (.hkmoResidentIDCard, "A12345", false),
        (.hkmoResidencePermit, "810000199506011234", true), (.hkmoResidencePermit, "110000199506011234", false),
        (.hkmoTravelPermit, "H12345678", true), (.hkmoTravelPermit, "X12345678", false),
        (.hkmoPassport, "K12345678", true), (.hkmoPassport, "12345678", false),
        (.taiwanResidencePermit, "83000019950601123X", true), (.taiwanResidencePermit, "81000019950601123X", false),
        (.taiwanTravelPermit, "12345678", true), (.taiwanTravelPermit, "1234567", false),
        (.foreignPermanentResidenceID, "USA123456789012", true),
        (.foreignPermanentResidenceID, "932000199506011234", true),
        (.foreignPermanentResidenceID, "US123456789012", false),
        (.passport, "E12345678", true), (.passport, "E1", false),
        (.hkmoResidentIDCard, "AB1234567", true), (.hkmoResidentIDCard, "A123456A", true),
        (.hkmoResidentIDCard, "A123456(7", false), (.hkmoResidentIDCard, "4123456(7)", false),
        (.hkmoTravelPermit, "M1234567890", true), (.hkmoTravelPermit, "H123456789", false),
        (.taiwanTravelPermit, "1234567890B", true), (.taiwanTravelPermit, "123456789", false),
        (.passport, "E1234567890123456789", true), (.passport, "E12345678901234567890", false),
    ])
    func otherDocumentTypesGetAFormatCheck(type: IdentityDocumentType, number: String, accepted: Bool) {
        switch Self.check(number, type) {
        case .success: #expect(accepted, "\(type) \(number)")
        case .failure(let r): #expect(!accepted && r.code == .idNumberInvalid, "\(type) \(number)")
        }
    }

    @Test func numbersAreMaskedForViews() {
        #expect(IdentityNumber.mask("11010119950601123X") == "110101********123X")
        #expect(IdentityNumber.mask("A123456(7)") == "******6(7)")
        #expect(IdentityNumber.mask("E12") == "***")
    }

    @Test func regionsAllowOnlyTheirDocuments() {
        #expect(Region.mainland.allowedDocuments == [.residentIDCard, .beijingSocialSecurityCard])
        #expect(!Region.taiwan.allowedDocuments.contains(.passport))
        #expect(Region.foreign.allowedDocuments.contains(.passport))
        #expect(Region.allCases.flatMap(\.allowedDocuments).count == IdentityDocumentType.allCases.count + 4)
    }
}
