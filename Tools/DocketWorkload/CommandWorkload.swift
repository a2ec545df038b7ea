import Certification
import Chronology
import DocketJSON

/// A realistic, deterministic (seeded) stream of commands, as JSON Lines, for N cases across the
/// 2024 batches and both occupations: applications with real JPEG photos, verification (some
/// rejected), payments, withdrawals and refunds, tickets (a few late), a force-majeure reschedule
/// of batch 2024-07 (tickets re-sent), scores, publication, complaints and score corrections,
/// single-subject retakes in the next batch, certificates, and a small share of invalid commands
/// (each refused with a known code).
///
/// Commands come in time order, as client systems would send them. Only a small stub per command
/// is kept and sorted; lines are built as they are read, so a million commands need tens of MB.
public struct CommandWorkload: Sequence, Sendable {
    public let cases: Int
    public let seed: UInt64
    private let stubs: [Stub]

    struct Stub: Sendable {
        var time: Int64
        var caseIndex: Int32
        var kind: Kind
        var detail: Int16
    }

    enum Kind: UInt8, Sendable {
        case schedule, reschedule, publish
        case apply, applyInvalid, verify, reject, pay, payWrongAmount, withdraw, refund
        case ticket, ticketLate, ticketReissue, score, scoreAgain, complaint, correct, resolve
        case retake, retakePay, retakeTicket, retakeScore, certify
    }

    /// The batches: exam start (local day at 09:00 +08:00).
    static let batches: [(id: String, examDay: Int64)] = [
        ("2024-04", RFC3339.daysFromCivil(2024, 4, 20)),
        ("2024-07", RFC3339.daysFromCivil(2024, 7, 20)),
        ("2024-11", RFC3339.daysFromCivil(2024, 11, 16)),
        ("2025-04", RFC3339.daysFromCivil(2025, 4, 19)),
    ]
    /// Batch 2024-07 is moved a week (force majeure, notice §五) on 2024-07-12.
    static let rescheduledExamDay = RFC3339.daysFromCivil(2024, 7, 27)
    static let rescheduleDay = RFC3339.daysFromCivil(2024, 7, 12)
    static let day: Int64 = 86_400_000_000
    static let hour: Int64 = 3_600_000_000

    /// Exam start in µs since the epoch for batch `b` (after the reschedule for 2024-07).
    static func examStart(_ b: Int) -> Int64 {
        let d = b == 1 ? rescheduledExamDay : batches[b].examDay
        return d * day + 9 * hour - 8 * hour
    }

    /// Builds the workload for `cases` cases.
    /// - Parameter invalidShare: the share of cases that also get an invalid command.
    public init(cases: Int, seed: UInt64 = 2024, invalidShare: Double = 0.03) {
        self.cases = cases
        self.seed = seed
        var g = SeededGenerator(seed: seed)
        var stubs: [Stub] = []
        stubs.reserveCapacity(cases * 10 + 32)
        func add(_ time: Int64, _ c: Int, _ kind: Kind, _ detail: Int16 = 0) {
            stubs.append(Stub(time: time, caseIndex: Int32(c), kind: kind, detail: detail))
        }
        for b in 0..<Self.batches.count {
            let scheduleAt = b < 3 ? RFC3339.daysFromCivil(2024, 1, 8) : RFC3339.daysFromCivil(2024, 10, 28)
            add(scheduleAt * Self.day + Int64(b) * Self.hour + 1 * Self.hour, -1 - b, .schedule)
            add(Self.examStart(b) + 10 * Self.day, -1 - b, .publish)
        }
        add(Self.rescheduleDay * Self.day + 2 * Self.hour, -2, .reschedule)
        let invalidPercent = Int(invalidShare * 1000)
        for c in 0..<cases {
            let b = c % 3
            let exam = Self.examStart(b)
            let originalExam = Self.batches[b].examDay * Self.day + 1 * Self.hour
            func jitter() -> Int64 { Int64.random(in: 0..<(8 * Self.hour), using: &g) }
            let invalid = Int.random(in: 0..<1000, using: &g) < invalidPercent
            let roll = Int.random(in: 0..<100, using: &g)
            let applyAt = originalExam - Int64.random(in: 12...60, using: &g) * Self.day + jitter()
            if invalid && roll < 50 {
                // An application refused: kind chosen by detail.
                let variant = Int16(Int.random(in: 0..<5, using: &g))
                let at = variant == 4 ? originalExam - 5 * Self.day : applyAt
                add(at, c, .applyInvalid, variant)
                continue
            }
            add(applyAt, c, .apply)
            let payAt = applyAt + Int64.random(in: 0...3, using: &g) * Self.day + jitter()
            let verifyAt = applyAt + Int64.random(in: 1...4, using: &g) * Self.day + jitter()
            if invalid { add(payAt - Self.hour, c, .payWrongAmount) }
            if roll < 4 {
                add(verifyAt, c, .reject)
                if payAt < verifyAt {
                    add(payAt, c, .pay)
                    add(verifyAt + 2 * Self.day, c, .refund)
                }
                continue
            }
            add(verifyAt, c, .verify)
            add(payAt, c, .pay)
            if roll < 6 {
                let withdrawAt = Swift.max(payAt, verifyAt) + Self.day
                add(withdrawAt, c, .withdraw)
                add(withdrawAt + 2 * Self.day, c, .refund)
                continue
            }
            let ticketAt =
                b == 1
                ? RFC3339.daysFromCivil(2024, 7, 10) * Self.day + jitter()
                : (roll < 8 ? originalExam - 3 * Self.day : originalExam - 9 * Self.day) + jitter()
            add(
                Swift.max(ticketAt, Swift.max(payAt, verifyAt) + Self.hour),
                c,
                roll < 8 && b != 1 ? .ticketLate : .ticket
            )
            if b == 1 { add((Self.rescheduleDay + 3) * Self.day + jitter(), c, .ticketReissue) }
            let theory = Int16(Self.score(&g, pass: 82))
            let skill = Int16(Self.score(&g, pass: 78))
            let scoreAt = exam + 2 * Self.day + jitter()
            add(scoreAt, c, .score, 0 << 8 | theory)
            add(scoreAt + Self.hour, c, .score, 1 << 8 | skill)
            if invalid { add(scoreAt + 2 * Self.hour, c, .scoreAgain) }
            var theoryFinal = theory
            var skillFinal = skill
            if roll >= 90 {
                // A score complaint: a near miss is corrected to a pass and upheld; others dismissed.
                add(exam + 11 * Self.day + jitter(), c, .complaint)
                let nearMiss = theory >= 55 && theory < 60 ? 0 : (skill >= 55 && skill < 60 ? 1 : -1)
                if nearMiss >= 0 {
                    add(exam + 13 * Self.day + jitter(), c, .correct, Int16(nearMiss))
                    if nearMiss == 0 { theoryFinal = 60 } else { skillFinal = 60 }
                    add(exam + 14 * Self.day + jitter(), c, .resolve, 1)
                } else {
                    add(exam + 14 * Self.day + jitter(), c, .resolve, 0)
                }
            }
            let theoryPassed = theoryFinal >= 60
            let skillPassed = skillFinal >= 60
            if theoryPassed && skillPassed {
                add(exam + 20 * Self.day + jitter(), c, .certify)
            } else if theoryPassed != skillPassed {
                let subject: Int16 = theoryPassed ? 1 : 0
                let retakeExam = Self.examStart(b + 1)
                add(exam + 15 * Self.day + jitter(), c, .retake, subject)
                add(exam + 16 * Self.day + jitter(), c, .retakePay, subject)
                let ticket = Swift.max(retakeExam - 9 * Self.day, exam + 17 * Self.day) + jitter()
                add(ticket, c, .retakeTicket)
                let retakeScore = Int16(Self.score(&g, pass: 75))
                add(retakeExam + 2 * Self.day + jitter(), c, .retakeScore, subject << 8 | retakeScore)
                if retakeScore >= 60 { add(retakeExam + 20 * Self.day + jitter(), c, .certify) }
            }
        }
        stubs.sort { $0.time < $1.time || ($0.time == $1.time && $0.caseIndex < $1.caseIndex) }
        self.stubs = stubs
    }

    static func score(_ g: inout SeededGenerator, pass percent: Int) -> Int {
        Int.random(in: 0..<100, using: &g) < percent
            ? Int.random(in: 60...98, using: &g) : Int.random(in: 30...59, using: &g)
    }

    /// The number of commands.
    public var count: Int { stubs.count }

    public func makeIterator() -> AnyIterator<[UInt8]> {
        var i = 0
        let stubs = self.stubs
        let seed = self.seed
        return AnyIterator {
            guard i < stubs.count else { return nil }
            defer { i += 1 }
            var out: [UInt8] = []
            out.reserveCapacity(512)
            JSONWriter.write(Self.command(stubs[i], ordinal: i, seed: seed), into: &out)
            return out
        }
    }

    /// A case worth showing: one with a retake and a certificate (else a complaint, else the
    /// first case).
    public var showcaseCaseID: String {
        var kinds: [Int32: Set<UInt8>] = [:]
        for stub in stubs where stub.caseIndex >= 0 { kinds[stub.caseIndex, default: []].insert(stub.kind.rawValue) }
        let ordered = kinds.keys.sorted()
        if let c = ordered.first(where: {
            kinds[$0]!.isSuperset(of: [Kind.retake.rawValue, Kind.certify.rawValue, Kind.ticketReissue.rawValue])
        }) ?? ordered.first(where: { kinds[$0]!.isSuperset(of: [Kind.retake.rawValue, Kind.certify.rawValue]) })
            ?? ordered.first(where: { kinds[$0]!.contains(Kind.complaint.rawValue) })
        {
            return Self.caseID(Int(c))
        }
        return Self.caseID(0)
    }

    /// The case id of case `index`: its batch and a six-digit number.
    public static func caseID(_ index: Int) -> String {
        let n = String(index / 3 + 1)
        return batches[index % 3].id + "-" + String(repeating: "0", count: Swift.max(0, 6 - n.count)) + n
    }
}
