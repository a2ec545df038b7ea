import Chronology

/// A case as its events have made it: the fold of `evolve` over its stream (the Decider's state).
/// This is the one fold of a case: the write side decides on it, views and replays show it, and
/// read models store it.
///
/// `evolve` is total: it never fails, whatever the events, so imported histories that broke a
/// rule still fold (verify reports them separately). Time-dependent status (a kept pass expiring)
/// is computed for a moment by the view, not stored here.
public struct CaseState: Sendable, Hashable {
    /// One subject's latest result (a correction replaces the score).
    public struct SubjectResult: Sendable, Hashable {
        public var score: Int
        /// The batch of the sitting that produced the score.
        public var batch: String
        public var passed: Bool { score >= Subject.passMark }
    }

    /// One payment and whether it was refunded.
    public struct Payment: Sendable, Hashable {
        public var reference: String
        public var amountYuan: Int
        public var subjects: [Subject]
        public var refunded: Bool
    }

    /// A ticket for the current sitting, with the log position it was recorded at (a reschedule
    /// of its batch recorded later voids it).
    public struct Ticket: Sendable, Hashable {
        public var number: String
        public var batch: String
        public var late: Bool
        public var position: UInt64
    }

    /// A complaint and whether it is still open.
    public struct Complaint: Sendable, Hashable {
        public var id: String
        public var category: CaseEvent.ComplaintLodged.Category
        public var outcome: CaseEvent.ComplaintResolved.Outcome?
        public var isOpen: Bool { outcome == nil }
    }

    /// The stream version this state reflects.
    public private(set) var version: UInt64 = 0
    public private(set) var application: CaseEvent.Applied?
    public private(set) var verification: CaseEvent.DocumentsVerified?
    public private(set) var payments: [Payment] = []
    /// The batch of the current sitting: the application's, then the retake's.
    public private(set) var sittingBatch: String?
    public private(set) var ticket: Ticket?
    /// Each subject's latest result.
    public private(set) var results: [Subject: SubjectResult] = [:]
    /// The subjects owed at the current sitting (both at first, the retaken one after a retake).
    public private(set) var subjectsOwed: Set<Subject> = []
    public private(set) var retake: CaseEvent.RetakeRequested?
    public private(set) var withdrawn = false
    public private(set) var certificateNumber: String?
    public private(set) var complaints: [Complaint] = []
    /// Ticket numbers sent late (audit findings `ticket-late`).
    public private(set) var lateTickets: [String] = []
    /// Notes added by supervisors.
    public private(set) var noteCount = 0
    /// The business time of the application (its `at`).
    public private(set) var appliedAt: Timestamp?
    /// The business time of the latest event: a command's `at` is never earlier (SPEC §3).
    public private(set) var lastAt: Timestamp?
    /// The log position of the latest event.
    public private(set) var lastPosition: UInt64 = 0
    /// When the certificate was issued (the `Certified` event's business time).
    public private(set) var certifiedAt: Timestamp?
    /// The personal data groups of this case that can no longer be read (issue 17): erased by
    /// an erasure, or sealed under keys this reader does not have.
    public private(set) var erasedGroups: PersonalDataGroups = []
    /// The groups erased by the case's `PersonalDataErased` events, less those that gained new
    /// data since (what `already-erased` looks at).
    public private(set) var erasedByEvent: PersonalDataGroups = []
    /// Legal holds placed on the case, open and released, in order.
    public private(set) var holds: [Hold] = []

    /// A legal hold.
    public struct Hold: Sendable, Hashable {
        public var id: String
        public var reason: String
        public var isOpen: Bool
    }

    /// The holds still open.
    public var openHolds: [Hold] { holds.filter(\.isOpen) }

    /// Whether a payment of a rejected or withdrawn case that sat no exam is still to be
    /// refunded (the `refund-due` finding).
    public var hasRefundDue: Bool {
        (isRejected || withdrawn) && results.isEmpty && payments.contains { !$0.refunded }
    }

    /// A case with no events.
    public init() {}

    /// The state after `event`, which happened at business time `at` and was recorded at log
    /// position `position`.
    public func evolved(with event: CaseEvent, at: Timestamp, position: UInt64) -> CaseState {
        var next = self
        next.evolve(with: event, at: at, position: position)
        return next
    }

    /// Applies `event` (business time `at`, log position `position`) in place. Total: never fails.
    public mutating func evolve(with event: CaseEvent, at: Timestamp, position: UInt64) {
        version += 1
        lastAt = at
        lastPosition = position
        // New personal data after an erasure (a complaint's summary) is sealed under a new key:
        // its group is no longer wholly erased.
        erasedGroups.subtract(event.personalGroups.subtracting(event.erasedGroups))
        erasedByEvent.subtract(event.personalGroups)
        switch event {
        case .applied(let applied):
            appliedAt = at
            application = applied
            erasedGroups.formUnion(CaseEvent.applied(applied).erasedGroups)
            sittingBatch = applied.batch
            subjectsOwed = Set(Subject.allCases)
        case .documentsVerified(let verified):
            verification = verified
        case .paid(let paid):
            payments.append(
                Payment(
                    reference: paid.paymentRef,
                    amountYuan: paid.amountYuan,
                    subjects: paid.subjects,
                    refunded: false
                )
            )
        case .refunded(let refunded):
            if let i = payments.firstIndex(where: { $0.reference == refunded.paymentRef && !$0.refunded }) {
                payments[i].refunded = true
            }
        case .withdrawn:
            withdrawn = true
        case .ticketSent(let sent):
            ticket = Ticket(number: sent.ticketNumber, batch: sent.batch, late: sent.late, position: position)
            if sent.late { lateTickets.append(sent.ticketNumber) }
        case .scored(let scored):
            results[scored.subject] = SubjectResult(score: scored.score, batch: scored.batch)
        case .scoreCorrected(let corrected):
            let batch = results[corrected.subject]?.batch ?? sittingBatch ?? ""
            results[corrected.subject] = SubjectResult(score: corrected.score, batch: batch)
        case .retakeRequested(let requested):
            retake = requested
            sittingBatch = requested.batch
            subjectsOwed = [requested.subject]
            ticket = nil
        case .certified(let certified):
            certificateNumber = certified.certificateNumber
            certifiedAt = at
        case .complaintLodged(let lodged):
            complaints.append(Complaint(id: lodged.complaintID, category: lodged.category, outcome: nil))
        case .complaintResolved(let resolved):
            if let i = complaints.firstIndex(where: { $0.id == resolved.complaintID && $0.isOpen }) {
                complaints[i].outcome = resolved.outcome
            }
        case .noteAdded:
            noteCount += 1
        case .personalDataErased(let erased):
            erasedGroups.formUnion(erased.groups)
            erasedByEvent.formUnion(erased.groups)
            if let application, case .applied(let stripped) = CaseEvent.applied(application).erasing(erased.groups) {
                self.application = stripped
            }
            if erased.groups.contains(.details), let verification,
                case .documentsVerified(let stripped) = CaseEvent.documentsVerified(verification).erasing(.details)
            {
                self.verification = stripped
            }
        case .holdPlaced(let placed):
            holds.append(Hold(id: placed.holdID, reason: placed.reason, isOpen: true))
        case .holdReleased(let released):
            if let i = holds.firstIndex(where: { $0.id == released.holdID && $0.isOpen }) { holds[i].isOpen = false }
        }
    }

    /// Yuan paid in all.
    public var paidYuan: Int { payments.reduce(0) { $0 + $1.amountYuan } }
    /// Yuan refunded in all (a refund is the full amount of one payment).
    public var refundedYuan: Int { payments.filter(\.refunded).reduce(0) { $0 + $1.amountYuan } }
    /// Subjects of the current sitting that have been paid for (and not refunded).
    public var subjectsPaidForSitting: Set<Subject> {
        let relevant = retake == nil ? payments : payments.filter { $0.subjects == [retake!.subject] }
        return Set(relevant.filter { !$0.refunded }.flatMap(\.subjects)).intersection(subjectsOwed)
    }
    /// Documents were checked and rejected: the case is closed.
    public var isRejected: Bool { verification?.outcome == .rejected }
    /// Both subjects have a passing latest score.
    public var bothPassed: Bool { Subject.allCases.allSatisfy { results[$0]?.passed == true } }
    /// An open complaint about scores (needed to correct one).
    public var hasOpenScoreComplaint: Bool { complaints.contains { $0.isOpen && $0.category == .score } }
}
