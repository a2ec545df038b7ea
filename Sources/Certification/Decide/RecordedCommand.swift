/// The command that would have produced a recorded event. `verify` re-runs a history through the
/// rules by deciding these against the state before each event: imported histories that broke
/// a rule are then reported with the rule's code.
public enum RecordedCommand {
    /// The case command behind `event` (an application is re-checked from its photo's recorded
    /// facts, since the bytes may not be in this store).
    public static func command(for event: CaseEvent) -> CaseCommand {
        switch event {
        case .applied(let a):
            var data = ApplyDecision.Data(
                batch: a.batch,
                occupation: a.occupation,
                level: a.level,
                candidate: a.candidate,
                photoBase64: "",
                eligibility: a.eligibility
            )
            data.recordedPhoto = a.photo
            return .apply(data)
        case .documentsVerified(let v): return .verifyDocuments(v)
        case .paid(let p): return .recordPayment(p)
        case .refunded(let r): return .refund(r)
        case .withdrawn(let w): return .withdraw(w)
        case .ticketSent(let t): return .sendTicket(ticketNumber: t.ticketNumber, channel: t.channel)
        case .scored(let s): return .recordScore(subject: s.subject, score: s.score)
        case .scoreCorrected(let c): return .correctScore(c)
        case .retakeRequested(let r): return .requestRetake(r)
        case .certified(let c): return .certify(certificateNumber: c.certificateNumber)
        case .complaintLodged(let l): return .lodgeComplaint(l)
        case .complaintResolved(let r): return .resolveComplaint(r)
        case .noteAdded(let n): return .addNote(n)
        case .personalDataErased(let e): return .erasePersonalData(e)
        case .holdPlaced(let h): return .placeHold(h)
        case .holdReleased(let h): return .releaseHold(h)
        }
    }

    /// The batch command behind `event`.
    public static func command(for event: BatchEvent) -> BatchCommand {
        switch event {
        case .scheduled(let start, let occupations): return .schedule(examStartsAt: start, occupations: occupations)
        case .rescheduled(let start, let reason): return .reschedule(examStartsAt: start, reason: reason)
        case .scoresPublished: return .publishScores
        }
    }
}
