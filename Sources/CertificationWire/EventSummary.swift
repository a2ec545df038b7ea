import Certification

/// A one-line account of an event that a complaint supervisor understands on the phone: who
/// did what, and why when the event says why. No identity numbers.
public enum EventSummary {
    public static func summary(of event: DomainEvent) -> String {
        switch event {
        case .batchEvent(let e):
            switch e {
            case .scheduled(let start, let occupations):
                return
                    "batch scheduled: exam starts \(start) for \(occupations.map(\.rawValue).joined(separator: ", "))"
            case .rescheduled(let start, let reason):
                return "batch rescheduled to \(start) (force majeure): \(reason); earlier tickets are void"
            case .scoresPublished:
                return "scores published"
            }
        case .caseEvent(let e):
            return summary(of: e)
        }
    }

    public static func summary(of event: CaseEvent) -> String {
        switch event {
        case .applied(let a):
            return
                "applied for \(a.occupation.rawValue) (\(a.occupation.chineseName)) level \(a.level) in batch \(a.batch), eligibility \(a.eligibility.condition.rawValue), \(a.candidate.idDocument.type.rawValue)"
        case .documentsVerified(let v):
            switch v.outcome {
            case .approved: return "documents approved: identity, photo and eligibility evidence checked"
            case .rejected: return "documents rejected: " + erasable(v.reasons.joined(separator: "; "))
            }
        case .paid(let p):
            return
                "paid \(p.amountYuan) yuan for \(p.subjects.map(\.rawValue).joined(separator: " and ")) (ref \(p.paymentRef))"
        case .refunded(let r):
            return "refunded \(r.amountYuan) yuan of payment \(r.paymentRef): \(erasable(r.reason))"
        case .withdrawn(let w):
            return "withdrew the application: \(erasable(w.reason))"
        case .ticketSent(let t):
            let late = t.late ? " — LATE: sent less than 7 days before the exam (audit finding)" : ""
            return "admission ticket \(t.ticketNumber) for batch \(t.batch) sent by \(t.channel.rawValue)\(late)"
        case .scored(let s):
            return
                "\(s.subject.rawValue) scored \(s.score) (\(s.score >= Subject.passMark ? "passed" : "failed")) in batch \(s.batch)"
        case .scoreCorrected(let c):
            return
                "\(c.subject.rawValue) corrected to \(c.score) (\(c.score >= Subject.passMark ? "passed" : "failed")) under complaint \(c.complaintID): \(erasable(c.reason))"
        case .retakeRequested(let r):
            return "retake of \(r.subject.rawValue) requested in batch \(r.batch)"
        case .certified(let c):
            return "certified: certificate \(c.certificateNumber) sent by \(c.channel.rawValue)"
        case .complaintLodged(let l):
            return
                "\(l.category.rawValue) complaint \(l.complaintID) received by \(l.channel.rawValue): \(erasable(l.summary))"
        case .complaintResolved(let r):
            return "complaint \(r.complaintID) \(r.outcome.rawValue): \(erasable(r.resolution))"
        case .noteAdded(let n):
            return (n.complaintID.map { "note on complaint \($0): " } ?? "note: ") + erasable(n.text)
        case .personalDataErased(let e):
            let what = e.groups == .all ? "all personal data" : "contact, photo and free text"
            return "\(what) erased (\(e.basis)): \(e.reason)"
        case .holdPlaced(let h):
            return "legal hold \(h.holdID) placed: \(h.reason)"
        case .holdReleased(let h):
            return "legal hold \(h.holdID) released: \(h.reason)"
        }
    }

    /// A free text, or `[erased]` once its personal data was erased.
    static func erasable(_ text: String) -> String { text.isEmpty ? "[erased]" : text }
}
