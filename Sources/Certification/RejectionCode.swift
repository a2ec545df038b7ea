/// The stable codes of a refused command (SPEC §3, "Error codes"). Scripts match on these.
public enum RejectionCode: String, Sendable, CaseIterable {
    // General
    case invalidJSON = "invalid-json"
    case unknownCommand = "unknown-command"
    case missingField = "missing-field"
    case invalidField = "invalid-field"
    case roleNotAllowed = "role-not-allowed"
    case caseNotFound = "case-not-found"
    case caseExists = "case-exists"
    case caseClosed = "case-closed"
    case batchNotFound = "batch-not-found"
    case batchExists = "batch-exists"
    case versionConflict = "version-conflict"
    case commandIDReused = "command-id-reused"
    case outOfOrder = "out-of-order"
    // Apply
    case registrationClosed = "registration-closed"
    case idDocumentNotAllowed = "id-document-not-allowed"
    case idNumberInvalid = "id-number-invalid"
    case idBirthdateMismatch = "id-birthdate-mismatch"
    case photoNotJPEG = "photo-not-jpeg"
    case photoTooSmall = "photo-too-small"
    case photoSizeOutOfRange = "photo-size-out-of-range"
    case eligibilityConditionInvalid = "eligibility-condition-invalid"
    case eligibilityNotMet = "eligibility-not-met"
    case duplicateApplication = "duplicate-application"
    // Later steps
    case alreadyVerified = "already-verified"
    case notVerified = "not-verified"
    case documentsRejected = "documents-rejected"
    case wrongAmount = "wrong-amount"
    case nothingToPay = "nothing-to-pay"
    case paymentRefReused = "payment-ref-reused"
    case notPaid = "not-paid"
    case examStarted = "exam-started"
    case examNotHeld = "exam-not-held"
    case noTicket = "no-ticket"
    case alreadyScored = "already-scored"
    case scoreOutOfRange = "score-out-of-range"
    case subjectNotSat = "subject-not-sat"
    case retakeNotApplicable = "retake-not-applicable"
    case retakeAlreadyUsed = "retake-already-used"
    case retakeWindowExpired = "retake-window-expired"
    case notPassed = "not-passed"
    case scoresNotPublished = "scores-not-published"
    case alreadyCertified = "already-certified"
    case certificateNumberTaken = "certificate-number-taken"
    case ticketNumberTaken = "ticket-number-taken"
    case complaintExists = "complaint-exists"
    case complaintNotFound = "complaint-not-found"
    case complaintClosed = "complaint-closed"
    case noOpenScoreComplaint = "no-open-score-complaint"
    case notRefundable = "not-refundable"
    case notWithdrawable = "not-withdrawable"
    case scoresExist = "scores-exist"
    // Personal data (issue 17)
    case caseNotClosed = "case-not-closed"
    case erasureHeld = "erasure-held"
    case alreadyErased = "already-erased"
    case holdExists = "hold-exists"
    case holdNotFound = "hold-not-found"
    /// An erasure in a store that keeps personal data in clear (made before sealing).
    case notSealed = "not-sealed"
}

/// A refused command: the spec's code, what to change, and the JSON path of the field at fault.
public struct Rejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable code.
    public var code: RejectionCode
    /// What a person should change.
    public var message: String
    /// The JSON path of the field at fault (`data.candidate.idDocument.number`), if one is.
    public var field: String?

    /// Creates a rejection.
    public init(_ code: RejectionCode, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { "\(code.rawValue): \(message)" + (field.map { " (\($0))" } ?? "") }
}
