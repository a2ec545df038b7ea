import Chronology

/// Decisions for the steps between application and ticket: document verification (§三(三)) and
/// payment (§三(三), 附件2).
public enum EarlyStepDecisions {
    /// What these decisions need beyond the case's events.
    public typealias Context = CaseContext

    static func common(_ state: CaseState, _ context: Context, command: String, role: Actor.Role) -> Rejection? {
        guard context.actor.role == role else {
            return Rejection(
                .roleNotAllowed,
                "\(command) is for the \(role.rawValue) role, not \(context.actor.role.rawValue)",
                field: "actor.role"
            )
        }
        guard state.application != nil else { return Rejection(.caseNotFound, "no such case", field: "case") }
        return nil
    }

    /// `verify-documents`: once per case; `approved` needs every check true, `rejected` a reason.
    public static func verifyDocuments(
        _ verified: CaseEvent.DocumentsVerified,
        state: CaseState,
        context: Context
    ) -> Result<[CaseEvent], Rejection> {
        if let rejection = common(state, context, command: "verify-documents", role: .registrar) {
            return .failure(rejection)
        }
        switch verified.outcome {
        case .approved:
            for (name, ok) in [
                ("identityMatches", verified.identityMatches), ("photoCompliant", verified.photoCompliant),
                ("eligibilityEvidence", verified.eligibilityEvidence),
            ] where !ok {
                return .failure(
                    Rejection(
                        .invalidField,
                        "approved needs every check true; \(name) is false (reject with a reason instead)",
                        field: "data.checks.\(name)"
                    )
                )
            }
        case .rejected:
            guard verified.reasons.contains(where: { !$0.trimmingWhitespace.isEmpty }) else {
                return .failure(
                    Rejection(
                        .invalidField,
                        "a rejection needs at least one reason the candidate can act on",
                        field: "data.reasons"
                    )
                )
            }
        }
        guard !context.status.isClosed else {
            return .failure(Rejection(.caseClosed, "the case is \(context.status.rawValue)"))
        }
        guard state.verification == nil else {
            return .failure(
                Rejection(
                    .alreadyVerified,
                    "the documents were already \(state.verification!.outcome.rawValue); verification happens once per case"
                )
            )
        }
        return .success([.documentsVerified(verified)])
    }

    /// `record-payment`: the amount is 80 × the subjects owed and unpaid for the coming sitting,
    /// the subjects exactly those; a reference is recorded once (again on the same case:
    /// accepted, nothing appended; on another case: refused).
    public static func recordPayment(
        _ paid: CaseEvent.Paid,
        state: CaseState,
        context: Context
    ) -> Result<[CaseEvent], Rejection> {
        if let rejection = common(state, context, command: "record-payment", role: .payments) {
            return .failure(rejection)
        }
        guard !paid.paymentRef.trimmingWhitespace.isEmpty else {
            return .failure(Rejection(.missingField, "give the payment reference", field: "data.paymentRef"))
        }
        guard paid.amountYuan > 0 else {
            return .failure(
                Rejection(.invalidField, "the amount is a positive number of yuan", field: "data.amountYuan")
            )
        }
        guard !paid.subjects.isEmpty, Set(paid.subjects).count == paid.subjects.count else {
            return .failure(
                Rejection(.invalidField, "list each subject paid for once (theory, skill)", field: "data.subjects")
            )
        }
        // The same reference again on this case is a retry: accepted, nothing appended.
        if state.payments.contains(where: { $0.reference == paid.paymentRef }) { return .success([]) }
        // A rejected case is closed, but the specific code tells the payer more.
        if state.isRejected {
            return .failure(Rejection(.documentsRejected, "the documents were rejected; nothing can be paid"))
        }
        guard !context.status.isClosed else {
            return .failure(Rejection(.caseClosed, "the case is \(context.status.rawValue)"))
        }
        // Then the rules in the order SPEC §3 lists them, except that nothing-to-pay comes before
        // wrong-amount (with nothing owed every amount is wrong, so nothing-to-pay would be
        // unreachable); see docs/DECISIONS.md.
        let owed = state.subjectsOwed.subtracting(state.subjectsPaidForSitting)
        guard !owed.isEmpty, state.ticket == nil else {
            return .failure(Rejection(.nothingToPay, "every subject of the coming sitting is paid"))
        }
        let fee = (state.application?.occupation.feePerSubjectYuan ?? 80) * owed.count
        guard paid.amountYuan == fee else {
            return .failure(
                Rejection(
                    .wrongAmount,
                    "the amount owed is \(fee) yuan (80 × \(owed.count) subject\(owed.count == 1 ? "" : "s")), not \(paid.amountYuan)",
                    field: "data.amountYuan"
                )
            )
        }
        if let other = context.caseWithPaymentRef(paid.paymentRef), other != context.caseID {
            return .failure(
                Rejection(
                    .paymentRefReused,
                    "payment reference \(paid.paymentRef) is already recorded on another case",
                    field: "data.paymentRef"
                )
            )
        }
        guard Set(paid.subjects) == owed else {
            return .failure(
                Rejection(
                    .invalidField,
                    "the subjects owed are \(owed.map(\.rawValue).sorted().joined(separator: ", "))",
                    field: "data.subjects"
                )
            )
        }
        return .success([.paid(paid)])
    }

    /// `withdraw`: by the candidate (portal), before any score is recorded.
    public static func withdraw(
        _ withdrawn: CaseEvent.Withdrawn,
        state: CaseState,
        context: Context
    ) -> Result<[CaseEvent], Rejection> {
        if let rejection = common(state, context, command: "withdraw", role: .portal) { return .failure(rejection) }
        guard !withdrawn.reason.trimmingWhitespace.isEmpty else {
            return .failure(Rejection(.missingField, "give the reason for withdrawing", field: "data.reason"))
        }
        guard !context.status.isClosed else {
            return .failure(Rejection(.caseClosed, "the case is \(context.status.rawValue)"))
        }
        guard state.results.isEmpty else {
            return .failure(
                Rejection(.notWithdrawable, "a score is already recorded; the case can no longer be withdrawn")
            )
        }
        return .success([.withdrawn(withdrawn)])
    }

    /// `refund`: the full amount of one payment, once, for a rejected or withdrawn case that
    /// paid and did not sit.
    public static func refund(
        _ refunded: CaseEvent.Refunded,
        state: CaseState,
        context: Context
    ) -> Result<[CaseEvent], Rejection> {
        if let rejection = common(state, context, command: "refund", role: .payments) { return .failure(rejection) }
        guard !refunded.paymentRef.trimmingWhitespace.isEmpty else {
            return .failure(
                Rejection(.missingField, "give the reference of the payment to refund", field: "data.paymentRef")
            )
        }
        guard refunded.amountYuan > 0 else {
            return .failure(
                Rejection(.invalidField, "the amount is a positive number of yuan", field: "data.amountYuan")
            )
        }
        guard !refunded.reason.trimmingWhitespace.isEmpty else {
            return .failure(Rejection(.missingField, "give the reason for the refund", field: "data.reason"))
        }
        guard let payment = state.payments.first(where: { $0.reference == refunded.paymentRef }) else {
            return .failure(
                Rejection(.notRefundable, "no payment \(refunded.paymentRef) on this case", field: "data.paymentRef")
            )
        }
        guard payment.amountYuan == refunded.amountYuan else {
            return .failure(
                Rejection(
                    .wrongAmount,
                    "a refund is the full amount of the payment: \(payment.amountYuan) yuan",
                    field: "data.amountYuan"
                )
            )
        }
        guard state.isRejected || state.withdrawn else {
            return .failure(Rejection(.notRefundable, "only rejected or withdrawn cases are refunded"))
        }
        guard state.results.isEmpty else {
            return .failure(Rejection(.notRefundable, "the candidate sat the exam; the fee is not refunded"))
        }
        guard !payment.refunded else {
            return .failure(
                Rejection(
                    .notRefundable,
                    "payment \(refunded.paymentRef) was already refunded",
                    field: "data.paymentRef"
                )
            )
        }
        return .success([.refunded(refunded)])
    }
}
