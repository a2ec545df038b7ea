import Chronology

/// Identity-number checks (SPEC §2 "Apply" and §5): the full ISO 7064 MOD 11-2 check and embedded
/// birth date for `resident-id-card`, a format check for every other document type, and masking
/// for every view that is not entitled to the full number.
public enum IdentityNumber {
    /// The weights of GB 11643's MOD 11-2 check over the first 17 digits.
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// The check character for each remainder of the weighted sum modulo 11.
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// Checks `number` for its document type and returns it normalised (upper case; a lower-case
    /// `x` check character is accepted).
    ///
    /// - Parameters:
    ///   - field: the JSON path to name in a rejection.
    /// - Returns: the normalised number, or the rejection: `id-number-invalid` for a malformed
    ///   number, an impossible embedded date or a wrong check character; `id-birthdate-mismatch`
    ///   when a resident ID card's embedded date differs from `birthDate`.
    public static func check(
        _ number: String,
        type: IdentityDocumentType,
        birthDate: LocalDate,
        field: String
    ) -> Result<String, Rejection> {
        let normalised = number.uppercased()
        switch type {
        case .residentIDCard:
            let chars = Array(normalised)
            guard chars.count == 18, chars[0..<17].allSatisfy(\.isASCIIDigit),
                chars[17].isASCIIDigit || chars[17] == "X"
            else {
                return .failure(
                    Rejection(
                        .idNumberInvalid,
                        "a resident ID card number is 17 digits and a check digit or X (18 characters)",
                        field: field
                    )
                )
            }
            guard
                let embedded = LocalDate(
                    year: Int(String(chars[6..<10]))!,
                    month: Int(String(chars[10..<12]))!,
                    day: Int(String(chars[12..<14]))!
                )
            else {
                return .failure(
                    Rejection(.idNumberInvalid, "characters 7–14 of the number are not a real date", field: field)
                )
            }
            guard chars[17] == checkCharacter(of: chars) else {
                return .failure(
                    Rejection(
                        .idNumberInvalid,
                        "the check character does not match the first 17 digits; check the number for a typing error",
                        field: field
                    )
                )
            }
            guard embedded == birthDate else {
                return .failure(
                    Rejection(
                        .idBirthdateMismatch,
                        "the number's birth date (\(embedded)) differs from the declared birth date (\(birthDate))",
                        field: field
                    )
                )
            }
            return .success(normalised)
        default:
            guard let format = formats[type], format.pattern.matches(normalised) else {
                return .failure(
                    Rejection(
                        .idNumberInvalid,
                        "a \(type.rawValue) number looks like \(formats[type]?.example ?? "?")",
                        field: field
                    )
                )
            }
            return .success(normalised)
        }
    }

    /// The MOD 11-2 check character of the first 17 digits of `chars`.
    static func checkCharacter(of chars: [Character]) -> Character {
        var sum = 0
        for i in 0..<17 { sum += Int(chars[i].asciiValue! - 48) * weights[i] }
        return checkCharacters[sum % 11]
    }

    /// Masks an identity number for views: an 18-character number keeps its first 6 and last 4
    /// characters (`110101********123X`); any other keeps only its last 4 (`******567A`).
    public static func mask(_ number: String) -> String {
        let chars = Array(number)
        if chars.count == 18 { return String(chars[0..<6]) + String(repeating: "*", count: 8) + String(chars[14...]) }
        guard chars.count > 4 else { return String(repeating: "*", count: chars.count) }
        return String(repeating: "*", count: chars.count - 4) + String(chars.suffix(4))
    }

    /// Format checks for the documents other than the resident ID card (docs/DECISIONS.md).
    static let formats: [IdentityDocumentType: (pattern: NumberPattern, example: String)] = {
        let digit = NumberPattern.Class.digits
        let upper = NumberPattern.Class.letters
        func one(_ chars: String) -> NumberPattern.Class { .set(Set(chars.utf8)) }
        let digitOrX = NumberPattern.Class.set(Set("0123456789X".utf8))
        return [
            // The Beijing social security number is the holder's citizen number.
            .beijingSocialSecurityCard: (.init([[(digit, 17, 17), (digitOrX, 1, 1)]]), "17 digits and a digit or X"),
            // Hong Kong: 1–2 letters, 6 digits, a check digit or A (brackets optional); Macau:
            // 1/5/7, 6 digits, a check digit (brackets optional).
            .hkmoResidentIDCard: (
                .init([
                    [(upper, 1, 2), (digit, 6, 6), (one("0123456789A"), 1, 1)],
                    [(upper, 1, 2), (digit, 6, 6), (one("("), 1, 1), (one("0123456789A"), 1, 1), (one(")"), 1, 1)],
                    [(one("157"), 1, 1), (digit, 6, 6), (digit, 1, 1)],
                    [(one("157"), 1, 1), (digit, 6, 6), (one("("), 1, 1), (digit, 1, 1), (one(")"), 1, 1)],
                ]),
                "A123456(7) or 1234567(8)"
            ),
            // Residence permits use the citizen-number layout with 810000 (HK) or 820000 (Macau).
            .hkmoResidencePermit: (
                .init([[(one("8"), 1, 1), (one("12"), 1, 1), (one("0"), 4, 4), (digit, 11, 11), (digitOrX, 1, 1)]]),
                "810000 or 820000 followed by 12 characters"
            ),
            // 往来内地通行证: H or M and 8 digits (10 on older cards).
            .hkmoTravelPermit: (
                .init([[(one("HM"), 1, 1), (digit, 8, 8)], [(one("HM"), 1, 1), (digit, 10, 10)]]), "H12345678"
            ),
            .hkmoPassport: (.init([[(upper, 1, 2), (digit, 6, 9)]]), "K12345678"),
            .taiwanResidencePermit: (
                .init([[(one("8"), 1, 1), (one("3"), 1, 1), (one("0"), 4, 4), (digit, 11, 11), (digitOrX, 1, 1)]]),
                "830000 followed by 12 characters"
            ),
            // 台胞证: 8 digits (10 digits and a letter on older cards).
            .taiwanTravelPermit: (.init([[(digit, 8, 8)], [(digit, 10, 10), (upper, 0, 1)]]), "12345678"),
            // Old permanent residence cards: 3 letters and 12 digits; from 2023: 18 characters starting with 9.
            .foreignPermanentResidenceID: (
                .init([[(upper, 3, 3), (digit, 12, 12)], [(one("9"), 1, 1), (digit, 16, 16), (digitOrX, 1, 1)]]),
                "ABC123456789012 or 9 followed by 17 characters"
            ),
            .passport: (.init([[(.lettersAndDigits, 5, 20)]]), "5 to 20 letters and digits"),
        ]
    }()
}

/// A whole-string pattern over ASCII: alternatives, each a sequence of character classes with
/// repeat counts. Written by hand because `Regex` is compiled per use here (it is not `Sendable`,
/// so it cannot be cached in a static), and these formats need nothing more.
struct NumberPattern: Sendable {
    enum Class: Sendable {
        case digits
        case letters
        case lettersAndDigits
        case set(Set<UInt8>)

        func contains(_ b: UInt8) -> Bool {
            switch self {
            case .digits: return b >= 0x30 && b <= 0x39
            case .letters: return b >= 0x41 && b <= 0x5A
            case .lettersAndDigits: return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A)
            case .set(let s): return s.contains(b)
            }
        }
    }

    typealias Step = (Class, Int, Int)
    let alternatives: [[Step]]

    init(_ alternatives: [[Step]]) { self.alternatives = alternatives }

    func matches(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return alternatives.contains { Self.match($0[...], bytes[...]) }
    }

    /// Matches `steps` against all of `bytes`, trying each repeat count (inputs are short).
    private static func match(_ steps: ArraySlice<Step>, _ bytes: ArraySlice<UInt8>) -> Bool {
        guard let (cls, low, high) = steps.first else { return bytes.isEmpty }
        var count = 0
        var i = bytes.startIndex
        while count < low {
            guard i < bytes.endIndex, cls.contains(bytes[i]) else { return false }
            i += 1
            count += 1
        }
        while true {
            if match(steps.dropFirst(), bytes[i...]) { return true }
            guard count < high, i < bytes.endIndex, cls.contains(bytes[i]) else { return false }
            i += 1
            count += 1
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
