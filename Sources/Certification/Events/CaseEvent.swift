import Chronology

/// An event of a case stream (`case-<caseId>`), SPEC §3. The envelope (position, version, times,
/// actor, command id) travels beside it; this is the `data`.
public enum CaseEvent: Sendable, Hashable {
    case applied(Applied)
    case documentsVerified(DocumentsVerified)
    case paid(Paid)
    case refunded(Refunded)
    case withdrawn(Withdrawn)
    case ticketSent(TicketSent)
    case scored(Scored)
    case scoreCorrected(ScoreCorrected)
    case retakeRequested(RetakeRequested)
    case certified(Certified)
    case complaintLodged(ComplaintLodged)
    case complaintResolved(ComplaintResolved)
    case noteAdded(NoteAdded)
    case personalDataErased(PersonalDataErased)
    case holdPlaced(HoldPlaced)
    case holdReleased(HoldReleased)

    /// The event type name of the wire format.
    public var typeName: String {
        switch self {
        case .applied: return "Applied"
        case .documentsVerified: return "DocumentsVerified"
        case .paid: return "Paid"
        case .refunded: return "Refunded"
        case .withdrawn: return "Withdrawn"
        case .ticketSent: return "TicketSent"
        case .scored: return "Scored"
        case .scoreCorrected: return "ScoreCorrected"
        case .retakeRequested: return "RetakeRequested"
        case .certified: return "Certified"
        case .complaintLodged: return "ComplaintLodged"
        case .complaintResolved: return "ComplaintResolved"
        case .noteAdded: return "NoteAdded"
        case .personalDataErased: return "PersonalDataErased"
        case .holdPlaced: return "HoldPlaced"
        case .holdReleased: return "HoldReleased"
        }
    }

    public struct Applied: Sendable, Hashable {
        public var batch: String
        public var occupation: Occupation
        public var level: Int
        public var candidate: Candidate
        public var photo: PhotoRecord
        public var eligibility: Eligibility
        public init(
            batch: String,
            occupation: Occupation,
            level: Int,
            candidate: Candidate,
            photo: PhotoRecord,
            eligibility: Eligibility
        ) {
            self.batch = batch
            self.occupation = occupation
            self.level = level
            self.candidate = candidate
            self.photo = photo
            self.eligibility = eligibility
        }
    }

    public struct DocumentsVerified: Sendable, Hashable {
        public enum Outcome: String, Sendable, CaseIterable { case approved, rejected }
        public var outcome: Outcome
        public var identityMatches: Bool
        public var photoCompliant: Bool
        public var eligibilityEvidence: Bool
        public var reasons: [String]
        public init(
            outcome: Outcome,
            identityMatches: Bool,
            photoCompliant: Bool,
            eligibilityEvidence: Bool,
            reasons: [String]
        ) {
            self.outcome = outcome
            self.identityMatches = identityMatches
            self.photoCompliant = photoCompliant
            self.eligibilityEvidence = eligibilityEvidence
            self.reasons = reasons
        }
    }

    public struct Paid: Sendable, Hashable {
        public var paymentRef: String
        public var amountYuan: Int
        public var subjects: [Subject]
        public init(paymentRef: String, amountYuan: Int, subjects: [Subject]) {
            self.paymentRef = paymentRef
            self.amountYuan = amountYuan
            self.subjects = subjects
        }
    }

    public struct Refunded: Sendable, Hashable {
        public var paymentRef: String
        public var amountYuan: Int
        public var reason: String
        public init(paymentRef: String, amountYuan: Int, reason: String) {
            self.paymentRef = paymentRef
            self.amountYuan = amountYuan
            self.reason = reason
        }
    }

    public struct Withdrawn: Sendable, Hashable {
        public var reason: String
        public init(reason: String) { self.reason = reason }
    }

    public struct TicketSent: Sendable, Hashable {
        public var ticketNumber: String
        public var channel: Candidate.Contact.Channel
        /// The sitting's batch.
        public var batch: String
        /// Sent after exam start − 7 days: accepted, and an audit finding.
        public var late: Bool
        public init(ticketNumber: String, channel: Candidate.Contact.Channel, batch: String, late: Bool) {
            self.ticketNumber = ticketNumber
            self.channel = channel
            self.batch = batch
            self.late = late
        }
    }

    public struct Scored: Sendable, Hashable {
        public var subject: Subject
        public var score: Int
        /// The sitting's batch.
        public var batch: String
        public init(subject: Subject, score: Int, batch: String) {
            self.subject = subject
            self.score = score
            self.batch = batch
        }
    }

    public struct ScoreCorrected: Sendable, Hashable {
        public var subject: Subject
        public var score: Int
        public var complaintID: String
        public var reason: String
        public init(subject: Subject, score: Int, complaintID: String, reason: String) {
            self.subject = subject
            self.score = score
            self.complaintID = complaintID
            self.reason = reason
        }
    }

    public struct RetakeRequested: Sendable, Hashable {
        public var subject: Subject
        public var batch: String
        public init(subject: Subject, batch: String) {
            self.subject = subject
            self.batch = batch
        }
    }

    public struct Certified: Sendable, Hashable {
        public var certificateNumber: String
        public var channel: Candidate.Contact.Channel
        public init(certificateNumber: String, channel: Candidate.Contact.Channel) {
            self.certificateNumber = certificateNumber
            self.channel = channel
        }
    }

    public struct ComplaintLodged: Sendable, Hashable {
        public enum Channel: String, Sendable, CaseIterable {
            case phone
            case email
            case inPerson = "in-person"
            case web
        }
        public enum Category: String, Sendable, CaseIterable { case score, fee, ticket, certificate, conduct, other }
        public var complaintID: String
        public var channel: Channel
        public var category: Category
        public var summary: String
        public init(complaintID: String, channel: Channel, category: Category, summary: String) {
            self.complaintID = complaintID
            self.channel = channel
            self.category = category
            self.summary = summary
        }
    }

    public struct ComplaintResolved: Sendable, Hashable {
        public enum Outcome: String, Sendable, CaseIterable { case upheld, dismissed }
        public var complaintID: String
        public var outcome: Outcome
        public var resolution: String
        public init(complaintID: String, outcome: Outcome, resolution: String) {
            self.complaintID = complaintID
            self.outcome = outcome
            self.resolution = resolution
        }
    }
}

extension CaseEvent {
    /// A supervisor's note on a case (SPEC §3 `add-note`), optionally about one of its
    /// complaints: what was said on the phone, what was checked, what comes next.
    public struct NoteAdded: Sendable, Hashable {
        /// The most characters a note may have.
        public static let maximumCharacters = 2_000
        public var text: String
        /// The complaint of this case the note is about, if any.
        public var complaintID: String?
        public init(text: String, complaintID: String?) {
            self.text = text
            self.complaintID = complaintID
        }
    }
}

/// An event of a batch stream (`batch-<batchId>`).
public enum BatchEvent: Sendable, Hashable {
    case scheduled(examStartsAt: Timestamp, occupations: [Occupation])
    case rescheduled(examStartsAt: Timestamp, reason: String)
    case scoresPublished

    /// The event type name of the wire format.
    public var typeName: String {
        switch self {
        case .scheduled: return "BatchScheduled"
        case .rescheduled: return "BatchRescheduled"
        case .scoresPublished: return "ScoresPublished"
        }
    }
}
