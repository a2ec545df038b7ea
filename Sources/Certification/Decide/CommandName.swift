/// The commands of SPEC §3 by wire name, with the one role each admits and the kind of stream
/// it targets. The runner checks these before it looks at a command's data (SPEC §5's order).
public enum CommandName: String, Sendable, CaseIterable {
    case scheduleBatch = "schedule-batch"
    case rescheduleBatch = "reschedule-batch"
    case publishScores = "publish-scores"
    case apply
    case verifyDocuments = "verify-documents"
    case recordPayment = "record-payment"
    case refund
    case withdraw
    case sendTicket = "send-ticket"
    case recordScore = "record-score"
    case correctScore = "correct-score"
    case requestRetake = "request-retake"
    case certify
    case lodgeComplaint = "lodge-complaint"
    case resolveComplaint = "resolve-complaint"
    case addNote = "add-note"
    case erasePersonalData = "erase-personal-data"
    case placeHold = "place-hold"
    case releaseHold = "release-hold"

    /// What a command targets.
    public enum Target: String, Sendable {
        case `case`
        case batch
    }

    public var target: Target {
        switch self {
        case .scheduleBatch, .rescheduleBatch, .publishScores: return .batch
        default: return .case
        }
    }

    /// The one role allowed to issue the command.
    public var role: Actor.Role {
        switch self {
        case .scheduleBatch, .rescheduleBatch: return .admin
        case .publishScores, .sendTicket, .recordScore: return .examiner
        case .apply, .withdraw, .requestRetake: return .portal
        case .verifyDocuments: return .registrar
        case .recordPayment, .refund: return .payments
        case .correctScore, .lodgeComplaint, .resolveComplaint, .addNote: return .supervisor
        case .certify: return .certifier
        case .erasePersonalData, .placeHold, .releaseHold: return .privacyOfficer
        }
    }

    /// Whether the command creates its target stream (and so needs it not to exist).
    public var createsTarget: Bool { self == .apply || self == .scheduleBatch }
}
