import Chronology
import Testing

@testable import Certification

/// Given these events, the state is: the fold of `evolve` (SPEC §2, §5).
@Suite struct EvolveTests {
    static let applied = CaseEvent.applied(
        .init(
            batch: "2024-04",
            occupation: .blockchainOperator,
            level: 4,
            candidate: Candidate(
                name: "张伟",
                birthDate: LocalDate("1995-06-01")!,
                region: .mainland,
                idDocument: .init(type: .residentIDCard, number: "11010119950601123X"),
                contact: .init(channel: .wechat, address: "wx_zhangwei")
            ),
            photo: PhotoRecord(sha256: String(repeating: "ab", count: 32), widthPx: 295, heightPx: 413, bytes: 52_311),
            eligibility: Eligibility(
                condition: .graduate,
                evidence: [.init(kind: "chsi-verification-code", reference: "A1B2C3D4E5F6")]
            )
        )
    )
    static let approved = CaseEvent.documentsVerified(
        .init(outcome: .approved, identityMatches: true, photoCompliant: true, eligibilityEvidence: true, reasons: [])
    )

    static func fold(_ events: [CaseEvent]) -> CaseState {
        var state = CaseState()
        for (i, event) in events.enumerated() { state.evolve(with: event, at: Fold.anyTime, position: UInt64(100 + i)) }
        return state
    }

    @Test func theHappyPathFoldsToACertifiedCase() {
        let state = Self.fold([
            Self.applied, Self.approved,
            .paid(.init(paymentRef: "PAY1", amountYuan: 160, subjects: [.theory, .skill])),
            .ticketSent(.init(ticketNumber: "T1", channel: .wechat, batch: "2024-04", late: false)),
            .scored(.init(subject: .theory, score: 78, batch: "2024-04")),
            .scored(.init(subject: .skill, score: 60, batch: "2024-04")),
            .certified(.init(certificateNumber: "S1", channel: .wechat)),
        ])
        #expect(state.version == 7)
        #expect(state.paidYuan == 160 && state.refundedYuan == 0)
        #expect(state.subjectsPaidForSitting == [.theory, .skill])
        #expect(state.bothPassed)
        #expect(state.results[.skill]?.passed == true)
        #expect(state.certificateNumber == "S1")
        #expect(state.ticket?.number == "T1" && state.ticket?.position == 103)
        #expect(state.lateTickets.isEmpty)
    }

    @Test func aScoreOf59FailsAnd60Passes() {
        #expect(
            Self.fold([Self.applied, .scored(.init(subject: .theory, score: 59, batch: "2024-04"))]).results[.theory]?
                .passed == false
        )
        #expect(
            Self.fold([Self.applied, .scored(.init(subject: .theory, score: 60, batch: "2024-04"))]).results[.theory]?
                .passed == true
        )
    }

    @Test func aRefundIsTheFullAmountOfOnePaymentOnce() {
        let state = Self.fold([
            Self.applied, .paid(.init(paymentRef: "PAY1", amountYuan: 160, subjects: [.theory, .skill])),
            .withdrawn(.init(reason: "moved")),
            .refunded(.init(paymentRef: "PAY1", amountYuan: 160, reason: "withdrawn")),
            .refunded(.init(paymentRef: "PAY1", amountYuan: 160, reason: "again")),
        ])
        #expect(state.withdrawn)
        #expect(state.refundedYuan == 160)
        #expect(state.subjectsPaidForSitting.isEmpty)
    }

    @Test func aCorrectionReplacesTheLatestScoreAndKeepsItsSitting() {
        let state = Self.fold([
            Self.applied, .scored(.init(subject: .theory, score: 55, batch: "2024-04")),
            .complaintLodged(.init(complaintID: "CP-1", channel: .phone, category: .score, summary: "re-mark")),
            .scoreCorrected(.init(subject: .theory, score: 61, complaintID: "CP-1", reason: "marking error")),
        ])
        #expect(state.results[.theory] == .init(score: 61, batch: "2024-04"))
        #expect(state.hasOpenScoreComplaint)
    }

    @Test func aRetakeMovesTheSittingAndOwesOneSubject() {
        let state = Self.fold([
            Self.applied, Self.approved,
            .paid(.init(paymentRef: "PAY1", amountYuan: 160, subjects: [.theory, .skill])),
            .ticketSent(.init(ticketNumber: "T1", channel: .wechat, batch: "2024-04", late: false)),
            .scored(.init(subject: .theory, score: 80, batch: "2024-04")),
            .scored(.init(subject: .skill, score: 40, batch: "2024-04")),
            .retakeRequested(.init(subject: .skill, batch: "2024-07")),
        ])
        #expect(state.sittingBatch == "2024-07")
        #expect(state.subjectsOwed == [.skill])
        #expect(state.ticket == nil)
        #expect(state.subjectsPaidForSitting.isEmpty)
        let paid = state.evolved(
            with: .paid(.init(paymentRef: "PAY2", amountYuan: 80, subjects: [.skill])),
            at: Fold.anyTime,
            position: 200
        )
        #expect(paid.subjectsPaidForSitting == [.skill])
        #expect(paid.paidYuan == 240)
    }

    @Test func complaintsOpenAndResolve() {
        var state = Self.fold([
            Self.applied,
            .complaintLodged(.init(complaintID: "CP-1", channel: .web, category: .fee, summary: "charged twice")),
        ])
        #expect(state.complaints.map(\.isOpen) == [true])
        #expect(!state.hasOpenScoreComplaint)
        state.evolve(
            with: .complaintResolved(.init(complaintID: "CP-1", outcome: .upheld, resolution: "refunded")),
            at: Fold.anyTime,
            position: 300
        )
        #expect(state.complaints.first?.outcome == .upheld)
    }

    @Test func aLateTicketIsAFinding() {
        let state = Self.fold([
            Self.applied, .ticketSent(.init(ticketNumber: "T9", channel: .email, batch: "2024-04", late: true)),
        ])
        #expect(state.lateTickets == ["T9"])
    }

    @Test func evolveIsTotalEvenForHistoriesThatBreakTheRules() {
        // An imported history in an order no command would produce still folds.
        let state = Self.fold([
            .refunded(.init(paymentRef: "X", amountYuan: 80, reason: "?")),
            .scored(.init(subject: .skill, score: 100, batch: "2024-11")),
            .complaintResolved(.init(complaintID: "nope", outcome: .dismissed, resolution: "")),
            .certified(.init(certificateNumber: "S9", channel: .email)),
            Self.applied,
        ])
        #expect(state.version == 5)
        #expect(state.application != nil && state.certificateNumber == "S9")
    }

    @Test func aRescheduleVoidsTicketsRecordedBeforeIt() {
        var batch = BatchState()
        let start = RFC3339.parse("2024-04-20T09:00:00+08:00")!
        batch.evolve(with: .scheduled(examStartsAt: start, occupations: [.aiTrainer]), at: Fold.anyTime, position: 1)
        #expect(batch.ticketIsValid(recordedAt: 50))
        batch.evolve(
            with: .rescheduled(examStartsAt: RFC3339.parse("2024-04-27T09:00:00+08:00")!, reason: "storm"),
            at: Fold.anyTime,
            position: 60
        )
        #expect(!batch.ticketIsValid(recordedAt: 50))
        #expect(batch.ticketIsValid(recordedAt: 61))
        #expect(batch.examDate == LocalDate("2024-04-27")!)
        batch.evolve(with: .scoresPublished, at: Fold.anyTime, position: 90)
        batch.evolve(with: .scoresPublished, at: Fold.anyTime, position: 95)
        #expect(batch.scoresPublishedAt == 90)
        #expect(batch.version == 4)
    }
}
