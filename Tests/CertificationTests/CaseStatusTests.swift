import Chronology
import Testing

@testable import Certification

/// Every status of SPEC §3, reached, and the time-dependent edges on both sides.
@Suite struct CaseStatusTests {
    static func at(_ text: String) -> Timestamp { RFC3339.parse(text)! }

    /// Batches 2024-04 (exam 2024-04-20) and 2024-07 (exam 2024-07-20), each scheduled at position 1/2.
    static func batches(rescheduleAprilAt position: UInt64? = nil) -> [String: BatchState] {
        var april = BatchState()
        april.evolve(
            with: .scheduled(examStartsAt: at("2024-04-20T09:00:00+08:00"), occupations: [.blockchainOperator]),
            at: Fold.anyTime,
            position: 1
        )
        if let position {
            april.evolve(
                with: .rescheduled(examStartsAt: at("2024-04-27T09:00:00+08:00"), reason: "storm"),
                at: Fold.anyTime,
                position: position
            )
        }
        var july = BatchState()
        july.evolve(
            with: .scheduled(examStartsAt: at("2024-07-20T09:00:00+08:00"), occupations: [.blockchainOperator]),
            at: Fold.anyTime,
            position: 2
        )
        return ["2024-04": april, "2024-07": july]
    }

    static func status(
        _ events: [CaseEvent],
        at moment: String = "2024-05-01T12:00:00+08:00",
        batches: [String: BatchState] = batches()
    ) -> CaseStatus {
        var state = CaseState()
        for (i, event) in events.enumerated() { state.evolve(with: event, at: Fold.anyTime, position: UInt64(10 + i)) }
        return CaseStatus.of(state, batch: { batches[$0] }, at: at(moment))
    }

    static let applied = EvolveTests.applied
    static let approved = EvolveTests.approved
    static let paid = CaseEvent.paid(.init(paymentRef: "PAY1", amountYuan: 160, subjects: [.theory, .skill]))
    static let ticket = CaseEvent.ticketSent(.init(ticketNumber: "T1", channel: .wechat, batch: "2024-04", late: false))
    static func score(_ subject: Subject, _ score: Int, _ batch: String = "2024-04") -> CaseEvent {
        .scored(.init(subject: subject, score: score, batch: batch))
    }
    static var sat: [CaseEvent] { [applied, approved, paid, ticket] }

    @Test func theEarlyStatuses() {
        #expect(Self.status([Self.applied]) == .applied)
        #expect(Self.status([Self.applied, Self.approved]) == .approved)
        #expect(
            Self.status([
                Self.applied,
                .documentsVerified(
                    .init(
                        outcome: .rejected,
                        identityMatches: true,
                        photoCompliant: false,
                        eligibilityEvidence: true,
                        reasons: ["photo"]
                    )
                ),
            ]) == .rejected
        )
        #expect(Self.status([Self.applied, Self.approved, Self.paid, .withdrawn(.init(reason: "x"))]) == .withdrawn)
        #expect(Self.status(Self.sat) == .ticketed)
        // A sat exam with only one score so far stays ticketed.
        #expect(Self.status(Self.sat + [Self.score(.theory, 70)]) == .ticketed)
    }

    @Test func aRescheduleAfterTheTicketReturnsTheCaseToApproved() {
        #expect(Self.status(Self.sat, batches: Self.batches(rescheduleAprilAt: 50)) == .approved)
        // A new ticket after the reschedule is valid again.
        let again = CaseEvent.ticketSent(.init(ticketNumber: "T2", channel: .wechat, batch: "2024-04", late: false))
        var batches = Self.batches(rescheduleAprilAt: 12)
        #expect(Self.status(Self.sat + [again], batches: batches) == .ticketed)
        batches = Self.batches()
        #expect(Self.status(Self.sat + [again], batches: batches) == .ticketed)
    }

    @Test func onePassAndOneFailIsRetakeEligibleThroughTheLastDayOfTheYear() {
        let history = Self.sat + [Self.score(.theory, 80), Self.score(.skill, 40)]
        #expect(Self.status(history, at: "2025-04-20T23:59:59+08:00") == .retakeEligible)
        #expect(Self.status(history, at: "2025-04-21T00:00:00+08:00") == .failed)
    }

    @Test func bothFailedIsFailedAndBothPassedAwaitsTheCertificate() {
        #expect(Self.status(Self.sat + [Self.score(.theory, 59), Self.score(.skill, 0)]) == .failed)
        #expect(Self.status(Self.sat + [Self.score(.theory, 60), Self.score(.skill, 100)]) == .awaitingCertification)
        #expect(
            Self.status(
                Self.sat + [
                    Self.score(.theory, 60), Self.score(.skill, 100),
                    .certified(.init(certificateNumber: "S1", channel: .wechat)),
                ]
            ) == .certified
        )
    }

    @Test func aRetakeIsRequestedThenTicketedThenDecided() {
        let requested =
            Self.sat + [
                Self.score(.theory, 80), Self.score(.skill, 40),
                .retakeRequested(.init(subject: .skill, batch: "2024-07")),
            ]
        #expect(Self.status(requested, at: "2024-06-01T12:00:00+08:00") == .retakeRequested)
        let ticketed =
            requested + [
                .paid(.init(paymentRef: "PAY2", amountYuan: 80, subjects: [.skill])),
                .ticketSent(.init(ticketNumber: "R1", channel: .wechat, batch: "2024-07", late: false)),
            ]
        #expect(Self.status(ticketed, at: "2024-07-15T12:00:00+08:00") == .ticketed)
        #expect(
            Self.status(ticketed + [Self.score(.skill, 75, "2024-07")], at: "2024-08-01T12:00:00+08:00")
                == .awaitingCertification
        )
        #expect(Self.status(ticketed + [Self.score(.skill, 50, "2024-07")], at: "2024-08-01T12:00:00+08:00") == .failed)
        // The kept pass expires while the retake is still pending.
        #expect(Self.status(ticketed, at: "2025-04-21T00:00:00+08:00") == .failed)
        #expect(Self.status(ticketed, at: "2025-04-20T12:00:00+08:00") == .ticketed)
    }

    @Test func everyStatusIsReachable() {
        let reached: Set<CaseStatus> = [
            Self.status([Self.applied]), Self.status([Self.applied, Self.approved]), Self.status(Self.sat),
            Self.status([
                Self.applied,
                .documentsVerified(
                    .init(
                        outcome: .rejected,
                        identityMatches: false,
                        photoCompliant: true,
                        eligibilityEvidence: true,
                        reasons: ["id"]
                    )
                ),
            ]),
            Self.status([Self.applied, .withdrawn(.init(reason: "x"))]),
            Self.status(Self.sat + [Self.score(.theory, 80), Self.score(.skill, 40)]),
            Self.status(
                Self.sat + [
                    Self.score(.theory, 80), Self.score(.skill, 40),
                    .retakeRequested(.init(subject: .skill, batch: "2024-07")),
                ]
            ),
            Self.status(Self.sat + [Self.score(.theory, 80), Self.score(.skill, 80)]),
            Self.status(Self.sat + [.certified(.init(certificateNumber: "S", channel: .email))]),
            Self.status(Self.sat + [Self.score(.theory, 10), Self.score(.skill, 10)]),
        ]
        #expect(reached == Set(CaseStatus.allCases))
        #expect(CaseStatus.allCases.filter(\.isClosed) == [.rejected, .withdrawn, .certified, .failed])
    }
}
