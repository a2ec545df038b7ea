import Chronology

/// The statuses of SPEC §3, worked out for a moment: a kept pass expires one year after its exam,
/// turning `retake-eligible`, `retake-requested` or `ticketed` into `failed` (SPEC §5).
public enum CaseStatus: String, Sendable, CaseIterable {
    case applied
    case approved
    case rejected
    case withdrawn
    case ticketed
    case retakeEligible = "retake-eligible"
    case retakeRequested = "retake-requested"
    case awaitingCertification = "awaiting-certification"
    case certified
    case failed

    /// Closed cases take no further steps (complaints may still be lodged).
    public var isClosed: Bool { [.rejected, .withdrawn, .certified, .failed].contains(self) }

    /// The status of `state` at `moment`.
    ///
    /// - Parameters:
    ///   - batch: the state of a batch by id (exam dates, reschedules).
    ///   - moment: the view's moment (`--as-of`, the time of event N, or now).
    public static func of(
        _ state: CaseState,
        batch: (String) -> BatchState?,
        at moment: Timestamp
    ) -> CaseStatus {
        if state.certificateNumber != nil { return .certified }
        if state.isRejected { return .rejected }
        if state.withdrawn { return .withdrawn }
        guard state.application != nil else { return .applied }
        let today = moment.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset)
        func examDate(_ result: CaseState.SubjectResult) -> LocalDate? { batch(result.batch)?.examDate }
        func keptUntil(_ result: CaseState.SubjectResult) -> LocalDate? {
            examDate(result).map(CertificationCalendar.passKeptUntil(examDate:))
        }
        let theory = state.results[.theory]
        let skill = state.results[.skill]

        if let theory, let skill, theory.passed, skill.passed {
            // Both passed: within one year of each other, or the earlier pass had lapsed.
            if let a = examDate(theory), let b = examDate(skill) {
                let (first, second) = a <= b ? (a, b) : (b, a)
                return second <= CertificationCalendar.passKeptUntil(examDate: first) ? .awaitingCertification : .failed
            }
            return .awaitingCertification
        }

        if let retake = state.retake {
            let kept = retake.subject == .theory ? skill : theory
            if let retaken = state.results[retake.subject], retaken.batch == retake.batch {
                return .failed  // the retake was scored and (not both passed) failed
            }
            if let kept, let until = keptUntil(kept), today > until { return .failed }
            if let ticket = state.ticket, ticket.batch == retake.batch,
                batch(ticket.batch)?.ticketIsValid(recordedAt: ticket.position) ?? true
            {
                return .ticketed
            }
            return .retakeRequested
        }

        if let theory, let skill {
            guard theory.passed != skill.passed else { return .failed }  // both failed
            let kept = theory.passed ? theory : skill
            if let until = keptUntil(kept), today > until { return .failed }
            return .retakeEligible
        }

        if let ticket = state.ticket, batch(ticket.batch)?.ticketIsValid(recordedAt: ticket.position) ?? true {
            return .ticketed
        }
        return state.verification?.outcome == .approved ? .approved : .applied
    }
}
