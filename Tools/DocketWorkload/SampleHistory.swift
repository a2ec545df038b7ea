import Chronology
import EventLog

/// A realistic, deterministic event history for benchmarks and demos: cases across the 2024
/// batches and both occupations, about seven events each (more with a retake or complaint), interleaved in time order as a real log
/// receives them (a case's events lie weeks apart). `Applied` carries about 550 bytes of data
/// (≈ 750 bytes as an interchange line) with a random photo hash, as real ones do.
///
/// Events are produced lazily: only a small stub per event is sorted, so a million events need
/// tens of megabytes, not gigabytes.
public struct SampleHistory: Sequence, Sendable {
    public let cases: Int
    public let seed: UInt64
    private let stubs: [Stub]

    struct Stub: Sendable {
        var time: Int64
        var caseIndex: Int32
        var kind: UInt8
        var detail: UInt8
    }

    enum Kind: UInt8 {
        case scheduled, applied, verified, rejected, paid, ticket, scoredTheory, scoredSkill, published
        case certified, complaint, resolved, withdrawn, refunded
        case retakeRequested, retakePaid, retakeTicket, retakeScored
    }

    static let batches: [(id: String, examDay: Int64)] = [
        ("2024-04", RFC3339.daysFromCivil(2024, 4, 20)),
        ("2024-07", RFC3339.daysFromCivil(2024, 7, 20)),
        ("2024-11", RFC3339.daysFromCivil(2024, 11, 16)),
    ]

    /// Builds the history of `cases` cases.
    public init(cases: Int, seed: UInt64 = 2024) {
        self.cases = cases
        self.seed = seed
        var g = SeededGenerator(seed: seed)
        var stubs: [Stub] = []
        stubs.reserveCapacity(cases * 10 + 16)
        let day: Int64 = 86_400_000_000
        for (b, batch) in Self.batches.enumerated() {
            let exam = batch.examDay * day + 9 * 3_600_000_000 - 8 * 3_600_000_000
            stubs.append(
                Stub(time: exam - 70 * day, caseIndex: Int32(-1 - b), kind: Kind.scheduled.rawValue, detail: 0)
            )
            stubs.append(
                Stub(time: exam + 10 * day, caseIndex: Int32(-1 - b), kind: Kind.published.rawValue, detail: 0)
            )
        }
        for c in 0..<cases {
            let batch = Self.batches[c % 3]
            let exam = batch.examDay * day + 1 * 3_600_000_000
            var t = exam - Int64.random(in: 20...60, using: &g) * day - Int64.random(in: 0..<day, using: &g)
            func add(_ kind: Kind, after minDays: Int64, _ maxDays: Int64, detail: UInt8 = 0) {
                t += Int64.random(in: minDays...maxDays, using: &g) * day + Int64.random(in: 0..<(day / 4), using: &g)
                stubs.append(Stub(time: t, caseIndex: Int32(c), kind: kind.rawValue, detail: detail))
            }
            add(.applied, after: 0, 0)
            let roll = Int.random(in: 0..<100, using: &g)
            if roll < 4 {
                add(.rejected, after: 1, 5)
                continue
            }
            add(.verified, after: 1, 5)
            add(.paid, after: 0, 3)
            if roll < 7 {
                add(.withdrawn, after: 1, 4)
                add(.refunded, after: 2, 6)
                continue
            }
            t = Swift.max(t, exam - 8 * day)
            add(.ticket, after: 0, 1)
            t = exam
            let theoryPass = Int.random(in: 0..<100, using: &g) < 85
            let skillPass = Int.random(in: 0..<100, using: &g) < 80
            add(.scoredTheory, after: 0, 0, detail: theoryPass ? 1 : 0)
            add(.scoredSkill, after: 0, 0, detail: skillPass ? 1 : 0)
            if roll < 12 {
                add(.complaint, after: 11, 14)
                add(.resolved, after: 2, 10)
            }
            if theoryPass && skillPass {
                add(.certified, after: 20, 35)
            } else if theoryPass != skillPass, c % 3 < 2 {
                // One subject kept: a single-subject retake in the next batch, then maybe a certificate.
                let subject: UInt8 = theoryPass ? 1 : 0
                add(.retakeRequested, after: 12, 20, detail: subject)
                add(.retakePaid, after: 0, 2, detail: subject)
                let retakeExam = Self.batches[c % 3 + 1].examDay * day + 1 * 3_600_000_000
                t = retakeExam - 8 * day
                add(.retakeTicket, after: 0, 1, detail: subject)
                t = retakeExam
                let retakePass = Int.random(in: 0..<100, using: &g) < 70
                add(.retakeScored, after: 0, 0, detail: subject | (retakePass ? 2 : 0))
                if retakePass { add(.certified, after: 20, 35) }
            }
        }
        stubs.sort { $0.time < $1.time || ($0.time == $1.time && $0.caseIndex < $1.caseIndex) }
        self.stubs = stubs
    }

    /// The number of events.
    public var count: Int { stubs.count }

    public func makeIterator() -> AnyIterator<SampleEvent> {
        var i = 0
        let stubs = self.stubs
        let seed = self.seed
        return AnyIterator {
            guard i < stubs.count else { return nil }
            defer { i += 1 }
            return Self.materialize(stubs[i], ordinal: i, seed: seed)
        }
    }

    /// The `case-…` stream id of case `index`.
    public static func caseStream(_ index: Int) -> String { "case-" + caseID(index) }

    static func caseID(_ index: Int) -> String {
        let batch = batches[index % 3].id
        let n = String(index / 3 + 1)
        return batch + "-" + String(repeating: "0", count: Swift.max(0, 6 - n.count)) + n
    }

    static let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"]
    static let given = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超"]
    static let majors = ["computer", "automation", "electronic-information", "finance", "economics-trade"]

    static func materialize(_ stub: Stub, ordinal: Int, seed: UInt64) -> SampleEvent {
        let at = Timestamp(microseconds: stub.time / 1_000_000 * 1_000_000, utcOffsetSeconds: 28_800)
        let commandID = "c-" + String(ordinal + 1)
        if stub.caseIndex < 0 {
            let batch = batches[Int(-stub.caseIndex - 1)]
            if stub.kind == Kind.scheduled.rawValue {
                let exam = Timestamp(
                    microseconds: batch.examDay * 86_400_000_000 + 3_600_000_000,
                    utcOffsetSeconds: 28_800
                )
                return SampleEvent(
                    stream: "batch-" + batch.id,
                    type: "BatchScheduled",
                    at: at,
                    actorID: "admin-01",
                    role: "admin",
                    commandID: commandID,
                    dataJSON: "{\"examStartsAt\":\"\(exam)\",\"occupations\":[\"blockchain-operator\",\"ai-trainer\"]}"
                )
            }
            return SampleEvent(
                stream: "batch-" + batch.id,
                type: "ScoresPublished",
                at: at,
                actorID: "exam-office",
                role: "examiner",
                commandID: commandID,
                dataJSON: "{}"
            )
        }
        let c = Int(stub.caseIndex)
        var g = SeededGenerator(seed: seed ^ UInt64(c) &* 0x2545_F491_4F6C_DD1D)
        let stream = caseStream(c)
        /// An event of this case at this stub's time.
        func event(_ type: String, _ actorID: String, _ role: String, _ data: String) -> SampleEvent {
            SampleEvent(
                stream: stream,
                type: type,
                at: at,
                actorID: actorID,
                role: role,
                commandID: commandID,
                dataJSON: data
            )
        }
        let occupation = c % 2 == 0 ? "blockchain-operator" : "ai-trainer"
        let batch = batches[c % 3].id
        switch Kind(rawValue: stub.kind)! {
        case .applied:
            let name =
                surnames[Int.random(in: 0..<surnames.count, using: &g)]
                + given[Int.random(in: 0..<given.count, using: &g)]
            let year = Int.random(in: 1970...2004, using: &g)
            let month = Int.random(in: 1...12, using: &g)
            let dayOfMonth = Int.random(in: 1...28, using: &g)
            let birth = String(year) + "-" + pad2(month) + "-" + pad2(dayOfMonth)
            let number = residentID(
                region: 110_101 + Int.random(in: 0..<50, using: &g),
                birth: (year, month, dayOfMonth),
                serial: Int.random(in: 0..<1000, using: &g)
            )
            let hash = (0..<4).map { _ in hex64(g.next()) }.joined()
            let width = Int.random(in: 295...413, using: &g)
            let photoBytes = Int.random(in: 41_000...80_000, using: &g)
            let contact =
                c % 3 == 0
                ? "{\"channel\":\"email\",\"address\":\"candidate\(c)@example.cn\"}"
                : "{\"channel\":\"wechat\",\"address\":\"wx_\(hex64(g.next()).prefix(10))\"}"
            let eligibility =
                occupation == "blockchain-operator"
                ? "{\"condition\":\"graduate\",\"schoolLevel\":\"undergraduate\",\"major\":\"\(majors[c % majors.count])\",\"graduating\":false,\"evidence\":[{\"kind\":\"chsi-verification-code\",\"reference\":\"\(hex64(g.next()).prefix(12).uppercased())\"}]}"
                : "{\"condition\":\"age16-working\",\"occupation\":\"call-center-agent\",\"evidence\":[{\"kind\":\"work-experience-pledge\",\"reference\":\"pledge-\(c)\"}]}"
            let data =
                "{\"batch\":\"\(batch)\",\"occupation\":\"\(occupation)\",\"level\":\(occupation == "blockchain-operator" ? 4 : 5),"
                + "\"candidate\":{\"name\":\"\(name)\",\"birthDate\":\"\(birth)\",\"region\":\"mainland\","
                + "\"idDocument\":{\"type\":\"resident-id-card\",\"number\":\"\(number)\"},\"contact\":\(contact)},"
                + "\"photo\":{\"sha256\":\"\(hash)\",\"widthPx\":\(width),\"heightPx\":\(width * 4 / 3),\"bytes\":\(photoBytes)},"
                + "\"eligibility\":\(eligibility)}"
            return event("Applied", "portal", "portal", data)
        case .verified:
            return event(
                "DocumentsVerified",
                "registrar-0\(c % 7 + 1)",
                "registrar",
                "{\"outcome\":\"approved\",\"checks\":{\"identityMatches\":true,\"photoCompliant\":true,\"eligibilityEvidence\":true},\"reasons\":[]}"
            )
        case .rejected:
            return event(
                "DocumentsVerified",
                "registrar-0\(c % 7 + 1)",
                "registrar",
                "{\"outcome\":\"rejected\",\"checks\":{\"identityMatches\":true,\"photoCompliant\":false,\"eligibilityEvidence\":true},\"reasons\":[\"photo background is not plain\"]}"
            )
        case .paid:
            return event(
                "Paid",
                "payments",
                "payments",
                "{\"paymentRef\":\"PAY\(hex64(g.next()).prefix(16).uppercased())\",\"amountYuan\":160,\"subjects\":[\"theory\",\"skill\"]}"
            )
        case .ticket:
            return event(
                "TicketSent",
                "exam-office",
                "examiner",
                "{\"ticketNumber\":\"T\(batch.filter { $0 != "-" })\(String(100_000 + c))\",\"channel\":\"\(c % 3 == 0 ? "email" : "wechat")\",\"late\":false}"
            )
        case .scoredTheory, .scoredSkill:
            let subject = stub.kind == Kind.scoredTheory.rawValue ? "theory" : "skill"
            let score = stub.detail == 1 ? Int.random(in: 60...98, using: &g) : Int.random(in: 20...59, using: &g)
            return event(
                "Scored",
                "exam-office",
                "examiner",
                "{\"subject\":\"\(subject)\",\"score\":\(score),\"batch\":\"\(batch)\"}"
            )
        case .certified:
            return event(
                "Certified",
                "cert-office",
                "certifier",
                "{\"certificateNumber\":\"S\(String(2024_000_000 + c))\",\"channel\":\"\(c % 3 == 0 ? "email" : "wechat")\"}"
            )
        case .complaint:
            return event(
                "ComplaintLodged",
                "supervisor-02",
                "supervisor",
                "{\"complaintId\":\"CP-\(c)\",\"channel\":\"phone\",\"category\":\"score\",\"summary\":\"candidate asks for the theory paper to be re-marked\"}"
            )
        case .resolved:
            return event(
                "ComplaintResolved",
                "supervisor-02",
                "supervisor",
                "{\"complaintId\":\"CP-\(c)\",\"outcome\":\"dismissed\",\"resolution\":\"re-marking confirmed the original score\"}"
            )
        case .withdrawn:
            return event("Withdrawn", "portal", "portal", "{\"reason\":\"schedule conflict with work\"}")
        case .refunded:
            return event(
                "Refunded",
                "payments",
                "payments",
                "{\"paymentRef\":\"PAY\(hex64(g.next()).prefix(16).uppercased())\",\"amountYuan\":160,\"reason\":\"withdrawn before the exam\"}"
            )
        case .retakeRequested, .retakePaid, .retakeTicket, .retakeScored:
            let subject = stub.detail & 1 == 1 ? "skill" : "theory"
            let retakeBatch = batches[c % 3 + 1].id
            switch Kind(rawValue: stub.kind)! {
            case .retakeRequested:
                return event(
                    "RetakeRequested",
                    "portal",
                    "portal",
                    "{\"subject\":\"\(subject)\",\"batch\":\"\(retakeBatch)\"}"
                )
            case .retakePaid:
                return event(
                    "Paid",
                    "payments",
                    "payments",
                    "{\"paymentRef\":\"PAY\(hex64(g.next()).prefix(16).uppercased())\",\"amountYuan\":80,\"subjects\":[\"\(subject)\"]}"
                )
            case .retakeTicket:
                return event(
                    "TicketSent",
                    "exam-office",
                    "examiner",
                    "{\"ticketNumber\":\"R\(retakeBatch.filter { $0 != "-" })\(String(100_000 + c))\",\"channel\":\"\(c % 3 == 0 ? "email" : "wechat")\",\"late\":false}"
                )
            default:
                let score =
                    stub.detail & 2 == 2 ? Int.random(in: 60...95, using: &g) : Int.random(in: 25...59, using: &g)
                return event(
                    "Scored",
                    "exam-office",
                    "examiner",
                    "{\"subject\":\"\(subject)\",\"score\":\(score),\"batch\":\"\(retakeBatch)\"}"
                )
            }
        case .scheduled, .published:
            fatalError("batch events are handled above")
        }
    }

    /// A resident-id-card number with a valid ISO 7064 MOD 11-2 check character.
    public static func residentID(region: Int, birth: (Int, Int, Int), serial: Int) -> String {
        let s = String(region) + String(birth.0) + pad2(birth.1) + pad2(birth.2) + String(format3(serial))
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(s.utf8, weights).reduce(0) { $0 + Int($1.0 - 48) * $1.1 }
        let check = Array("10X98765432")[sum % 11]
        return s + String(check)
    }

    static func pad2(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }
    static func format3(_ n: Int) -> String { String(repeating: "0", count: 3 - String(n).count) + String(n) }
    static func hex64(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
