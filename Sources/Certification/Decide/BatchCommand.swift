import Chronology

/// The commands whose target is a batch stream (SPEC §3), with their typed data.
public enum BatchCommand: Sendable, Hashable {
    case schedule(examStartsAt: Timestamp, occupations: [Occupation])
    case reschedule(examStartsAt: Timestamp, reason: String)
    case publishScores

    /// The wire name of the command.
    public var name: String {
        switch self {
        case .schedule: return "schedule-batch"
        case .reschedule: return "reschedule-batch"
        case .publishScores: return "publish-scores"
        }
    }

    /// The one role allowed to issue it.
    public var role: Actor.Role {
        switch self {
        case .schedule, .reschedule: return .admin
        case .publishScores: return .examiner
        }
    }
}
