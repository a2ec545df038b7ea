import Chronology

/// What a case decision needs beyond the case's own events: the command's time and actor, the
/// case's status at that time, the batches, and the write side's cross-case look-ups.
///
/// The look-ups are closures so the domain stays free of I/O: the caller answers them from its
/// index (and, for a batch of pipelined commands, from the decisions it has already taken).
public struct CaseContext {
    public var at: Timestamp
    public var actor: Actor
    /// This case's id.
    public var caseID: String
    /// The case's status at `at` (closed cases take no further steps).
    public var status: CaseStatus
    /// The batch states by id.
    public var batch: (String) -> BatchState?
    /// The case that recorded a payment reference, if any did.
    public var caseWithPaymentRef: (String) -> String?
    /// The case a ticket number was sent for, if any.
    public var caseWithTicketNumber: (String) -> String?
    /// The case holding a certificate number, if any.
    public var caseWithCertificateNumber: (String) -> String?
    /// The case a complaint id was lodged on, if any.
    public var caseWithComplaintID: (String) -> String?

    public init(
        at: Timestamp,
        actor: Actor,
        status: CaseStatus,
        caseID: String,
        batch: @escaping (String) -> BatchState? = { _ in nil },
        caseWithPaymentRef: @escaping (String) -> String? = { _ in nil },
        caseWithTicketNumber: @escaping (String) -> String? = { _ in nil },
        caseWithCertificateNumber: @escaping (String) -> String? = { _ in nil },
        caseWithComplaintID: @escaping (String) -> String? = { _ in nil }
    ) {
        self.at = at
        self.actor = actor
        self.status = status
        self.caseID = caseID
        self.batch = batch
        self.caseWithPaymentRef = caseWithPaymentRef
        self.caseWithTicketNumber = caseWithTicketNumber
        self.caseWithCertificateNumber = caseWithCertificateNumber
        self.caseWithComplaintID = caseWithComplaintID
    }
}
