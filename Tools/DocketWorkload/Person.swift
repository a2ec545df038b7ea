import Certification
import Chronology
import DocketJSON

/// A generated candidate: a name, a birth date, a valid identity number for their region, a
/// contact, and an eligibility claim that meets the notice.
struct Person {
    var name: String
    var birthDate: LocalDate
    var region: String
    var documentType: String
    var idNumber: String
    var channel: String
    var address: String
    var occupation: Occupation
    var eligibility: JSONValue

    static let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "欧阳", "司马"]
    static let given = [
        "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "子涵", "浩然",
    ]
    static let areaCodes = ["110101", "310104", "440305", "510107", "330106", "420102", "320102", "610113"]

    init(index: Int, seed: UInt64) {
        var g = SeededGenerator(seed: seed &* 1_000_003 &+ UInt64(index))
        occupation = index % 2 == 0 ? .blockchainOperator : .aiTrainer
        name = Self.surnames.randomElement(using: &g)! + Self.given.randomElement(using: &g)!
        let year = Int.random(in: 1972...2004, using: &g)
        birthDate = LocalDate(
            year: year,
            month: Int.random(in: 1...12, using: &g),
            day: Int.random(in: 1...28, using: &g)
        )!
        let kind = Int.random(in: 0..<100, using: &g)
        switch kind {
        case 0..<88:
            region = "mainland"
            documentType = "resident-id-card"
            idNumber = Self.residentID(
                area: Self.areaCodes.randomElement(using: &g)!,
                birth: birthDate,
                serial: index % 1000
            )
        case 88..<93:
            region = "hongkong"
            documentType = "hkmo-travel-permit"
            idNumber = "H" + String(format8: Int.random(in: 0..<100_000_000, using: &g))
        case 93..<96:
            region = "taiwan"
            documentType = "taiwan-travel-permit"
            idNumber = String(format8: Int.random(in: 0..<100_000_000, using: &g))
        default:
            region = "foreign"
            documentType = "passport"
            idNumber = "E" + String(format8: Int.random(in: 0..<100_000_000, using: &g))
        }
        if Int.random(in: 0..<2, using: &g) == 0 {
            channel = "wechat"
            address = "wx_c\(index)"
        } else {
            channel = "email"
            address = "candidate\(index)@example.cn"
        }
        switch (occupation, Int.random(in: 0..<10, using: &g)) {
        case (.blockchainOperator, 0..<5):
            eligibility = .object([
                "condition": .string("graduate"), "schoolLevel": .string("undergraduate"), "major": .string("computer"),
                "evidence": .array([
                    .object(["kind": .string("chsi-verification-code"), "reference": .string("CHSI\(index)")])
                ]),
            ])
        case (.blockchainOperator, 5..<8):
            eligibility = .object([
                "condition": .string("work-5y"), "occupation": .string("software-engineer"), "yearsOfWork": .int(6),
                "evidence": .array([
                    .object(["kind": .string("work-experience-pledge"), "reference": .string("pledge-\(index)")])
                ]),
            ])
        case (.blockchainOperator, _):
            eligibility = .object([
                "condition": .string("l5-cert-plus-3y"),
                "certificate": .object(["number": .string("L5-\(index)"), "occupation": .string("computer-programmer")]
                ),
                "yearsSinceCertificate": .int(4),
                "evidence": .array([
                    .object(["kind": .string("certificate"), "reference": .string("L5-\(index)")]),
                    .object(["kind": .string("work-experience-pledge"), "reference": .string("pledge-\(index)")]),
                ]),
            ])
        case (.aiTrainer, 0..<6):
            eligibility = .object([
                "condition": .string("age16-intending"), "occupation": .string("call-center-agent"),
                "evidence": .array([.object(["kind": .string("work-pledge"), "reference": .string("pledge-\(index)")])]
                ),
            ])
        case (.aiTrainer, _):
            eligibility = .object([
                "condition": .string("age16-working"), "occupation": .string("ai-trainer"),
                "evidence": .array([
                    .object(["kind": .string("work-experience-pledge"), "reference": .string("pledge-\(index)")])
                ]),
            ])
        }
    }

    /// A resident ID card number with a correct MOD 11-2 check character.
    static func residentID(area: String, birth: LocalDate, serial: Int) -> String {
        let body = area + birth.description.replacingDashes + String(format3: serial)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body.utf8, weights).reduce(0) { $0 + Int($1.0 - 48) * $1.1 }
        let checks = Array("10X98765432")
        return body + String(checks[sum % 11])
    }

    func application(batch: String, photo: String) -> JSONValue {
        .object([
            "batch": .string(batch), "occupation": .string(occupation.rawValue), "level": .int(occupation.level),
            "candidate": .object([
                "name": .string(name), "birthDate": .string(birthDate.description), "region": .string(region),
                "idDocument": .object(["type": .string(documentType), "number": .string(idNumber)]),
                "contact": .object(["channel": .string(channel), "address": .string(address)]),
            ]),
            "photo": .object(["jpegBase64": .string(photo)]),
            "eligibility": eligibility,
        ])
    }
}

extension String {
    init(format8 n: Int) {
        let digits = String(n)
        self = String(repeating: "0", count: Swift.max(0, 8 - digits.count)) + digits
    }

    init(format3 n: Int) {
        let digits = String(n)
        self = String(repeating: "0", count: Swift.max(0, 3 - digits.count)) + digits
    }

    var replacingDashes: String { String(filter { $0 != "-" }) }
}

/// The workload's photos: a few generated portraits (base64), reused across candidates, and one
/// too small to accept.
enum Photos {
    static let valid: [String] = (0..<4).map { i in
        Base64.encode(
            PortraitJPEG.make(width: 295, height: 413, seed: UInt64(i + 1), sizeRange: 44_000...78_000)
        )
    }
    static let tooSmall = Base64.encode(PortraitJPEG.make(width: 88, height: 132, seed: 9, sizeRange: 1...100_000))
}
