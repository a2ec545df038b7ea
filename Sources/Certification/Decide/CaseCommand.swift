/// The commands whose target is a case stream (SPEC §3), with their data typed.
public enum CaseCommand: Sendable, Hashable {
    case apply(ApplyDecision.Data)
    case verifyDocuments(CaseEvent.DocumentsVerified)
    case recordPayment(CaseEvent.Paid)
    case refund(CaseEvent.Refunded)
    case withdraw(CaseEvent.Withdrawn)
    case sendTicket(ticketNumber: String, channel: Candidate.Contact.Channel)
    case recordScore(subject: Subject, score: Int)
    case correctScore(CaseEvent.ScoreCorrected)
    case requestRetake(CaseEvent.RetakeRequested)
    case certify(certificateNumber: String)
    case lodgeComplaint(CaseEvent.ComplaintLodged)
    case resolveComplaint(CaseEvent.ComplaintResolved)
    case addNote(CaseEvent.NoteAdded)
    case erasePersonalData(CaseEvent.PersonalDataErased)
    case placeHold(CaseEvent.HoldPlaced)
    case releaseHold(CaseEvent.HoldReleased)

    /// The command's wire name.
    public var name: CommandName {
        switch self {
        case .apply: return .apply
        case .verifyDocuments: return .verifyDocuments
        case .recordPayment: return .recordPayment
        case .refund: return .refund
        case .withdraw: return .withdraw
        case .sendTicket: return .sendTicket
        case .recordScore: return .recordScore
        case .correctScore: return .correctScore
        case .requestRetake: return .requestRetake
        case .certify: return .certify
        case .lodgeComplaint: return .lodgeComplaint
        case .resolveComplaint: return .resolveComplaint
        case .addNote: return .addNote
        case .erasePersonalData: return .erasePersonalData
        case .placeHold: return .placeHold
        case .releaseHold: return .releaseHold
        }
    }
}
