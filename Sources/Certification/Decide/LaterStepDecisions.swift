import Chronology

/// Decisions from the ticket to the certificate: `send-ticket` (§三(四)), `record-score`,
/// `correct-score` (§四(五)), `request-retake` (§三(六)) and `certify` (§三(七)).
///
/// Each checks the role and the case first, then the data's shapes, then the rules in the order
/// SPEC §3 lists their codes (SPEC §5).
public enum LaterStepDecisions {
    static func closed(_ context: CaseContext) -> Rejection? {
        context.status.isClosed ? Rejection(.caseClosed, "the case is \(context.status.rawValue)") : nil
    }

    static func blank(_ text: String, _ message: String, field: String) -> Rejection? {
        text.trimmingWhitespace.isEmpty ? Rejection(.missingField, message, field: field) : nil
    }

    static func scoreRange(_ score: Int) -> Rejection? {
        (0...100).contains(score)
            ? nil
            : Rejection(.scoreOutOfRange, "a score is a whole number from 0 to 100, not \(score)", field: "data.score")
    }

    /// The current sitting's ticket if it is still valid (no reschedule of its batch came after it).
    static func validTicket(_ state: CaseState, _ context: CaseContext) -> CaseState.Ticket? {
        guard let ticket = state.ticket, ticket.batch == state.sittingBatch else { return nil }
        guard context.batch(ticket.batch)?.ticketIsValid(recordedAt: ticket.position) ?? true else { return nil }
        return ticket
    }

    /// `send-ticket`: approved documents, the sitting paid, the exam not started; sent to the
    /// candidate's own channel. Later than exam start − 7 days is accepted and marked `late`.
    public static func sendTicket(
        ticketNumber: String,
        channel: Candidate.Contact.Channel,
        state: CaseState,
        context: CaseContext
    ) -> Result<[CaseEvent], Rejection> {
        if let r = EarlyStepDecisions.common(state, context, command: "send-ticket", role: .examiner) {
            return .failure(r)
        }
        if let r = blank(ticketNumber, "give the ticket number", field: "data.ticketNumber") { return .failure(r) }
        let own = state.application!.candidate.contact.channel
        guard channel == own else {
            return .failure(
                Rejection(
                    .invalidField,
                    "tickets go to the candidate's own channel, which is \(own.rawValue)",
                    field: "data.channel"
                )
            )
        }
        if state.isRejected {
            return .failure(Rejection(.documentsRejected, "the documents were rejected; no ticket can be sent"))
        }
        if let r = closed(context) { return .failure(r) }
        guard state.verification?.outcome == .approved else {
            return .failure(Rejection(.notVerified, "the documents have not been verified yet"))
        }
        let unpaid = state.subjectsOwed.subtracting(state.subjectsPaidForSitting)
        guard unpaid.isEmpty else {
            let list = unpaid.map(\.rawValue).sorted().joined(separator: " and ")
            return .failure(Rejection(.notPaid, "the fee for \(list) has not been paid"))
        }
        let batchID = state.sittingBatch ?? ""
        guard let start = context.batch(batchID)?.examStartsAt else {
            return .failure(Rejection(.batchNotFound, "batch \(batchID) has not been scheduled"))
        }
        guard context.at < start else {
            return .failure(
                Rejection(
                    .examStarted,
                    "the exam of batch \(batchID) started at \(start); a ticket is no longer useful"
                )
            )
        }
        if let other = context.caseWithTicketNumber(ticketNumber), other != context.caseID {
            return .failure(
                Rejection(
                    .ticketNumberTaken,
                    "ticket number \(ticketNumber) was already sent for another case",
                    field: "data.ticketNumber"
                )
            )
        }
        let late = CertificationCalendar.ticketIsLate(sentAt: context.at, examStartsAt: start)
        return .success([.ticketSent(.init(ticketNumber: ticketNumber, channel: channel, batch: batchID, late: late))])
    }

    /// `record-score`: one score per subject per sitting, 0–100, only for a ticketed sitting,
    /// at or after the exam start.
    public static func recordScore(
        subject: Subject,
        score: Int,
        state: CaseState,
        context: CaseContext
    ) -> Result<[CaseEvent], Rejection> {
        if let r = EarlyStepDecisions.common(state, context, command: "record-score", role: .examiner) {
            return .failure(r)
        }
        if let r = scoreRange(score) { return .failure(r) }
        if let r = closed(context) { return .failure(r) }
        let batchID = state.sittingBatch ?? ""
        guard let start = context.batch(batchID)?.examStartsAt else {
            return .failure(Rejection(.batchNotFound, "batch \(batchID) has not been scheduled"))
        }
        guard context.at >= start else {
            return .failure(
                Rejection(.examNotHeld, "the exam of batch \(batchID) starts at \(start); score it after that")
            )
        }
        guard validTicket(state, context) != nil else {
            return .failure(Rejection(.noTicket, "no valid ticket was sent for the sitting in batch \(batchID)"))
        }
        if let existing = state.results[subject], existing.batch == batchID {
            return .failure(
                Rejection(
                    .alreadyScored,
                    "\(subject.rawValue) already has a score (\(existing.score)) for batch \(batchID); a supervisor corrects scores",
                    field: "data.subject"
                )
            )
        }
        guard state.subjectsOwed.contains(subject) else {
            return .failure(
                Rejection(
                    .subjectNotSat,
                    "\(subject.rawValue) is not sat at this sitting (a retake of the other subject)",
                    field: "data.subject"
                )
            )
        }
        return .success([.scored(.init(subject: subject, score: score, batch: batchID))])
    }

    /// `correct-score`: by a supervisor, with a reason, while a `score` complaint on this case is
    /// open; corrects the subject's latest score; refused once certified.
    public static func correctScore(
        _ corrected: CaseEvent.ScoreCorrected,
        state: CaseState,
        context: CaseContext
    ) -> Result<[CaseEvent], Rejection> {
        if let r = EarlyStepDecisions.common(state, context, command: "correct-score", role: .supervisor) {
            return .failure(r)
        }
        if let r = scoreRange(corrected.score) { return .failure(r) }
        if let r = blank(corrected.complaintID, "name the score complaint", field: "data.complaintId") {
            return .failure(r)
        }
        if let r = blank(corrected.reason, "give the reason for the correction", field: "data.reason") {
            return .failure(r)
        }
        guard state.results[corrected.subject] != nil else {
            return .failure(
                Rejection(
                    .subjectNotSat,
                    "\(corrected.subject.rawValue) has no score to correct",
                    field: "data.subject"
                )
            )
        }
        guard state.certificateNumber == nil else {
            return .failure(Rejection(.alreadyCertified, "the case is certified; its scores can no longer change"))
        }
        guard state.hasOpenScoreComplaint else {
            return .failure(
                Rejection(
                    .noOpenScoreComplaint,
                    "a score is corrected only while a score complaint on the case is open"
                )
            )
        }
        guard let complaint = state.complaints.last(where: { $0.id == corrected.complaintID }) else {
            return .failure(
                Rejection(
                    .complaintNotFound,
                    "no complaint \(corrected.complaintID) on this case",
                    field: "data.complaintId"
                )
            )
        }
        guard complaint.isOpen else {
            return .failure(
                Rejection(
                    .complaintClosed,
                    "complaint \(corrected.complaintID) is already resolved",
                    field: "data.complaintId"
                )
            )
        }
        guard complaint.category == .score else {
            return .failure(
                Rejection(
                    .noOpenScoreComplaint,
                    "complaint \(corrected.complaintID) is about \(complaint.category.rawValue), not a score",
                    field: "data.complaintId"
                )
            )
        }
        return .success([.scoreCorrected(corrected)])
    }

    /// `request-retake`: one single-subject retake of the failed subject while the other pass is
    /// kept, in a batch whose exam starts no later than one year after that pass's exam.
    public static func requestRetake(
        _ requested: CaseEvent.RetakeRequested,
        state: CaseState,
        context: CaseContext
    ) -> Result<[CaseEvent], Rejection> {
        if let r = EarlyStepDecisions.common(state, context, command: "request-retake", role: .portal) {
            return .failure(r)
        }
        guard BatchDecider.parseBatchID(requested.batch) != nil else {
            return .failure(Rejection(.invalidField, "a batch id is YYYY-MM, such as 2024-07", field: "data.batch"))
        }
        // Rejected, withdrawn and certified cases are closed; a failed one gets the retake's own
        // reason (both failed, retake used, window expired), which tells the candidate more.
        if context.status.isClosed, context.status != .failed {
            return .failure(Rejection(.caseClosed, "the case is \(context.status.rawValue)"))
        }
        let passed = Subject.allCases.filter { state.results[$0]?.passed == true }
        let failed = Subject.allCases.filter { state.results[$0]?.passed == false }
        guard state.retake == nil else {
            return .failure(Rejection(.retakeAlreadyUsed, "the case's one retake was already requested"))
        }
        guard passed.count == 1, failed.count == 1 else {
            let why =
                failed.count == 2
                ? "both subjects were failed; a new application is needed"
                : "a retake needs one subject passed and the other failed"
            return .failure(Rejection(.retakeNotApplicable, why))
        }
        guard failed[0] == requested.subject else {
            return .failure(
                Rejection(
                    .retakeNotApplicable,
                    "only the failed subject, \(failed[0].rawValue), can be retaken",
                    field: "data.subject"
                )
            )
        }
        let kept = state.results[passed[0]]!
        guard let keptExam = context.batch(kept.batch)?.examDate else {
            return .failure(Rejection(.batchNotFound, "batch \(kept.batch) has not been scheduled"))
        }
        let until = CertificationCalendar.passKeptUntil(examDate: keptExam)
        guard CertificationCalendar.passIsKept(examDate: keptExam, at: context.at) else {
            return .failure(
                Rejection(
                    .retakeWindowExpired,
                    "the \(passed[0].rawValue) pass was kept until \(until); the window is closed"
                )
            )
        }
        guard let target = context.batch(requested.batch), let start = target.examStartsAt,
            let targetDate = target.examDate
        else {
            return .failure(
                Rejection(.batchNotFound, "batch \(requested.batch) has not been scheduled", field: "data.batch")
            )
        }
        guard target.occupations.contains(state.application!.occupation) else {
            return .failure(
                Rejection(
                    .invalidField,
                    "batch \(requested.batch) does not examine \(state.application!.occupation.rawValue)",
                    field: "data.batch"
                )
            )
        }
        guard targetDate <= until else {
            return .failure(
                Rejection(
                    .retakeWindowExpired,
                    "batch \(requested.batch) sits on \(targetDate), after the \(passed[0].rawValue) pass lapses (\(until)); choose an earlier batch",
                    field: "data.batch"
                )
            )
        }
        if let rejection = CertificationCalendar.registrationRejection(
            batchID: requested.batch,
            examStartsAt: start,
            at: context.at,
            field: "data.batch"
        ) {
            return .failure(rejection)
        }
        return .success([.retakeRequested(requested)])
    }

    /// `certify`: both subjects passed within one year of each other, scores published for the
    /// deciding sitting (the later pass's), a unique certificate number; sent to the candidate's
    /// channel.
    public static func certify(
        certificateNumber: String,
        state: CaseState,
        context: CaseContext
    ) -> Result<[CaseEvent], Rejection> {
        if let r = EarlyStepDecisions.common(state, context, command: "certify", role: .certifier) {
            return .failure(r)
        }
        if let r = blank(certificateNumber, "give the certificate number", field: "data.certificateNumber") {
            return .failure(r)
        }
        guard state.certificateNumber == nil else {
            return .failure(
                Rejection(.alreadyCertified, "the case was already certified (\(state.certificateNumber!))")
            )
        }
        if context.status.isClosed, context.status != .failed {
            return .failure(Rejection(.caseClosed, "the case is \(context.status.rawValue)"))
        }
        guard let theory = state.results[.theory], let skill = state.results[.skill], theory.passed, skill.passed
        else {
            return .failure(Rejection(.notPassed, "both subjects must be passed"))
        }
        let dates = [theory, skill].map { context.batch($0.batch)?.examDate }
        guard let a = dates[0], let b = dates[1] else {
            return .failure(Rejection(.batchNotFound, "a sitting's batch has not been scheduled"))
        }
        let (first, second) = a <= b ? (a, b) : (b, a)
        guard second <= CertificationCalendar.passKeptUntil(examDate: first) else {
            return .failure(
                Rejection(.notPassed, "the passes were more than a year apart (\(first) and \(second))")
            )
        }
        let deciding = a <= b ? skill.batch : theory.batch
        guard context.batch(deciding)?.scoresPublishedAt != nil else {
            return .failure(Rejection(.scoresNotPublished, "the scores of batch \(deciding) have not been published"))
        }
        if let other = context.caseWithCertificateNumber(certificateNumber), other != context.caseID {
            return .failure(
                Rejection(
                    .certificateNumberTaken,
                    "certificate number \(certificateNumber) is already held by another case",
                    field: "data.certificateNumber"
                )
            )
        }
        let channel = state.application!.candidate.contact.channel
        return .success([.certified(.init(certificateNumber: certificateNumber, channel: channel))])
    }
}
