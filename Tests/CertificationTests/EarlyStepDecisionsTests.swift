import Chronology
import Testing

@testable import Certification

@Suite struct EarlyStepDecisionsTests {
    static let registrar = Actor(id: "registrar-01", role: .registrar)
    static let payments = Actor(id: "payments", role: .payments)

    static func context(
        _ actor: Actor,
        status: CaseStatus = .applied,
        refOwner: String? = nil
    ) -> EarlyStepDecisions.Context {
        .init(
            at: RFC3339.parse("2024-03-05T10:00:00+08:00")!,
            actor: actor,
            status: status,
            caseID: "2024-04-000001",
            caseWithPaymentRef: { _ in refOwner }
        )
    }

    static func state(_ events: [CaseEvent]) -> CaseState {
        var state = CaseState()
        for (i, e) in events.enumerated() { state.evolve(with: e, at: Fold.anyTime, position: UInt64(i + 1)) }
        return state
    }

    static let applied = state([EvolveTests.applied])
    static let approve = CaseEvent.DocumentsVerified(
        outcome: .approved,
        identityMatches: true,
        photoCompliant: true,
        eligibilityEvidence: true,
        reasons: []
    )

    static func code<T>(_ result: Result<T, Rejection>) -> RejectionCode? {
        if case .failure(let r) = result { return r.code }
        return nil
    }

    @Test func documentsAreVerifiedOnceByARegistrar() throws {
        #expect(
            try EarlyStepDecisions.verifyDocuments(
                Self.approve,
                state: Self.applied,
                context: Self.context(Self.registrar)
            ).get() == [.documentsVerified(Self.approve)]
        )
        #expect(
            Self.code(
                EarlyStepDecisions.verifyDocuments(
                    Self.approve,
                    state: Self.applied,
                    context: Self.context(Self.payments)
                )
            ) == .roleNotAllowed
        )
        #expect(
            Self.code(
                EarlyStepDecisions.verifyDocuments(
                    Self.approve,
                    state: CaseState(),
                    context: Self.context(Self.registrar)
                )
            ) == .caseNotFound
        )
        let verified = Self.state([EvolveTests.applied, .documentsVerified(Self.approve)])
        #expect(
            Self.code(
                EarlyStepDecisions.verifyDocuments(
                    Self.approve,
                    state: verified,
                    context: Self.context(Self.registrar, status: .approved)
                )
            ) == .alreadyVerified
        )
        #expect(
            Self.code(
                EarlyStepDecisions.verifyDocuments(
                    Self.approve,
                    state: Self.applied,
                    context: Self.context(Self.registrar, status: .withdrawn)
                )
            ) == .caseClosed
        )
    }

    @Test func approvalNeedsEveryCheckAndRejectionAReason() {
        var partial = Self.approve
        partial.photoCompliant = false
        guard
            case .failure(let r) = EarlyStepDecisions.verifyDocuments(
                partial,
                state: Self.applied,
                context: Self.context(Self.registrar)
            )
        else { return #expect(Bool(false)) }
        #expect(r.code == .invalidField && r.field == "data.checks.photoCompliant")
        let noReason = CaseEvent.DocumentsVerified(
            outcome: .rejected,
            identityMatches: true,
            photoCompliant: false,
            eligibilityEvidence: true,
            reasons: [" "]
        )
        #expect(
            Self.code(
                EarlyStepDecisions.verifyDocuments(noReason, state: Self.applied, context: Self.context(Self.registrar))
            ) == .invalidField
        )
        var reasoned = noReason
        reasoned.reasons = ["the background is not white"]
        #expect(
            Self.code(
                EarlyStepDecisions.verifyDocuments(reasoned, state: Self.applied, context: Self.context(Self.registrar))
            ) == nil
        )
    }

    @Test(arguments: [(159, RejectionCode.wrongAmount as RejectionCode?), (160, nil), (161, .wrongAmount)])
    func aFirstSittingCosts160Yuan(amount: Int, expected: RejectionCode?) {
        let pay = CaseEvent.Paid(paymentRef: "PAY1", amountYuan: amount, subjects: [.theory, .skill])
        #expect(
            Self.code(EarlyStepDecisions.recordPayment(pay, state: Self.applied, context: Self.context(Self.payments)))
                == expected
        )
    }

    @Test func theSubjectsMustBeThoseOwedCheckedAfterTheAmount() {
        let wrongSubjects = CaseEvent.Paid(paymentRef: "PAY1", amountYuan: 160, subjects: [.theory])
        #expect(
            Self.code(
                EarlyStepDecisions.recordPayment(
                    wrongSubjects,
                    state: Self.applied,
                    context: Self.context(Self.payments)
                )
            ) == .invalidField
        )
        let both = CaseEvent.Paid(paymentRef: "PAY1", amountYuan: 80, subjects: [.theory])
        #expect(
            Self.code(EarlyStepDecisions.recordPayment(both, state: Self.applied, context: Self.context(Self.payments)))
                == .wrongAmount
        )
    }

    @Test func aReferenceIsRecordedOnce() throws {
        let pay = CaseEvent.Paid(paymentRef: "PAY1", amountYuan: 160, subjects: [.theory, .skill])
        let paid = Self.state([EvolveTests.applied, .paid(pay)])
        // The same reference again on the same case: accepted, nothing appended.
        #expect(
            try EarlyStepDecisions.recordPayment(
                pay,
                state: paid,
                context: Self.context(Self.payments, refOwner: "2024-04-000001")
            ).get() == []
        )
        // On another case: refused.
        #expect(
            Self.code(
                EarlyStepDecisions.recordPayment(
                    pay,
                    state: Self.applied,
                    context: Self.context(Self.payments, refOwner: "2024-04-000099")
                )
            ) == .paymentRefReused
        )
    }

    @Test func nothingIsOwedOnceTheSittingIsPaidOrTheDocumentsRejected() {
        let paid = Self.state([
            EvolveTests.applied, .paid(.init(paymentRef: "PAY1", amountYuan: 160, subjects: [.theory, .skill])),
        ])
        let again = CaseEvent.Paid(paymentRef: "PAY2", amountYuan: 160, subjects: [.theory, .skill])
        #expect(
            Self.code(EarlyStepDecisions.recordPayment(again, state: paid, context: Self.context(Self.payments)))
                == .nothingToPay
        )
        let rejected = Self.state([
            EvolveTests.applied,
            .documentsVerified(
                .init(
                    outcome: .rejected,
                    identityMatches: false,
                    photoCompliant: true,
                    eligibilityEvidence: true,
                    reasons: ["id"]
                )
            ),
        ])
        #expect(
            Self.code(EarlyStepDecisions.recordPayment(again, state: rejected, context: Self.context(Self.payments)))
                == .documentsRejected
        )
        #expect(
            Self.code(
                EarlyStepDecisions.recordPayment(
                    again,
                    state: Self.applied,
                    context: Self.context(Self.payments, status: .certified)
                )
            ) == .caseClosed
        )
    }
}

@Suite struct WithdrawAndRefundTests {
    typealias T = EarlyStepDecisionsTests
    static let portal = Actor(id: "portal", role: .portal)
    static let pay = CaseEvent.paid(.init(paymentRef: "PAY1", amountYuan: 160, subjects: [.theory, .skill]))
    static let refund = CaseEvent.Refunded(paymentRef: "PAY1", amountYuan: 160, reason: "withdrawn before the exam")

    @Test func aCandidateWithdrawsBeforeAnyScoreButNotAfter() throws {
        let paid = T.state([EvolveTests.applied, Self.pay])
        #expect(
            try EarlyStepDecisions.withdraw(.init(reason: "moved"), state: paid, context: T.context(Self.portal)).get()
                == [.withdrawn(.init(reason: "moved"))]
        )
        let scored = T.state([
            EvolveTests.applied, Self.pay, .scored(.init(subject: .theory, score: 70, batch: "2024-04")),
        ])
        #expect(
            T.code(
                EarlyStepDecisions.withdraw(
                    .init(reason: "moved"),
                    state: scored,
                    context: T.context(Self.portal, status: .ticketed)
                )
            ) == .notWithdrawable
        )
        #expect(
            T.code(
                EarlyStepDecisions.withdraw(
                    .init(reason: "moved"),
                    state: paid,
                    context: T.context(Self.portal, status: .withdrawn)
                )
            ) == .caseClosed
        )
        #expect(
            T.code(EarlyStepDecisions.withdraw(.init(reason: ""), state: paid, context: T.context(Self.portal)))
                == .missingField
        )
    }

    @Test func aWithdrawnCaseThatPaidIsRefundedInFullOnce() throws {
        let withdrawn = T.state([EvolveTests.applied, Self.pay, .withdrawn(.init(reason: "moved"))])
        let context = T.context(T.payments, status: .withdrawn)
        #expect(
            try EarlyStepDecisions.refund(Self.refund, state: withdrawn, context: context).get() == [
                .refunded(Self.refund)
            ]
        )
        var partial = Self.refund
        partial.amountYuan = 80
        #expect(T.code(EarlyStepDecisions.refund(partial, state: withdrawn, context: context)) == .wrongAmount)
        let refunded = withdrawn.evolved(with: .refunded(Self.refund), at: Fold.anyTime, position: 99)
        #expect(T.code(EarlyStepDecisions.refund(Self.refund, state: refunded, context: context)) == .notRefundable)
        var unknown = Self.refund
        unknown.paymentRef = "PAY9"
        #expect(T.code(EarlyStepDecisions.refund(unknown, state: withdrawn, context: context)) == .notRefundable)
    }

    @Test func anOpenCaseOrOneThatSatIsNotRefunded() {
        let open = T.state([EvolveTests.applied, Self.pay])
        #expect(
            T.code(EarlyStepDecisions.refund(Self.refund, state: open, context: T.context(T.payments)))
                == .notRefundable
        )
        let rejectedAfterSitting = T.state([
            EvolveTests.applied, Self.pay, .scored(.init(subject: .theory, score: 50, batch: "2024-04")),
            .documentsVerified(
                .init(
                    outcome: .rejected,
                    identityMatches: false,
                    photoCompliant: true,
                    eligibilityEvidence: true,
                    reasons: ["id"]
                )
            ),
        ])
        #expect(
            T.code(
                EarlyStepDecisions.refund(
                    Self.refund,
                    state: rejectedAfterSitting,
                    context: T.context(T.payments, status: .rejected)
                )
            ) == .notRefundable
        )
        #expect(
            T.code(EarlyStepDecisions.refund(Self.refund, state: open, context: T.context(Self.portal)))
                == .roleNotAllowed
        )
    }
}
