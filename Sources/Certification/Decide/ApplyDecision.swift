import Chronology

/// The `apply` command (报名, notice §三(一)(二), 附件1): a new case.
public enum ApplyDecision {
    /// The command's data, typed (the wire layer reports type errors before this runs).
    public struct Data: Sendable, Hashable {
        public var batch: String
        public var occupation: Occupation
        public var level: Int
        public var candidate: Candidate
        /// The photo as submitted: standard base64 of a JPEG.
        public var photoBase64: String
        public var eligibility: Eligibility
        /// Set when re-checking a recorded application (verify): the photo's recorded facts stand
        /// in for the bytes, and `photoBase64` is ignored.
        public var recordedPhoto: PhotoRecord?
        /// The photo's bytes when the caller already decoded `photoBase64` (off the deciding
        /// thread); `nil` means decode it here.
        public var decodedPhoto: [UInt8]?

        public init(
            batch: String,
            occupation: Occupation,
            level: Int,
            candidate: Candidate,
            photoBase64: String,
            eligibility: Eligibility
        ) {
            self.batch = batch
            self.occupation = occupation
            self.level = level
            self.candidate = candidate
            self.photoBase64 = photoBase64
            self.eligibility = eligibility
        }
    }

    /// What deciding needs beyond the case's own (empty) history.
    public struct Context {
        public var at: Timestamp
        public var actor: Actor
        /// The batch states by id.
        public var batch: (String) -> BatchState?
        /// Whether this person (document type and number) has an open case for this occupation
        /// and level (the write side's cross-case index).
        public var hasOpenCase: (Candidate.IdentityDocument, Occupation) -> Bool
        /// SHA-256 of the photo bytes as lower-case hex (passed in: the domain does no crypto).
        public var sha256: ([UInt8]) -> String

        public init(
            at: Timestamp,
            actor: Actor,
            batch: @escaping (String) -> BatchState?,
            hasOpenCase: @escaping (Candidate.IdentityDocument, Occupation) -> Bool,
            sha256: @escaping ([UInt8]) -> String
        ) {
            self.at = at
            self.actor = actor
            self.batch = batch
            self.hasOpenCase = hasOpenCase
            self.sha256 = sha256
        }
    }

    /// The accepted application: its event, and the photo bytes to store (content-addressed,
    /// durable before the event is appended).
    public struct Accepted: Sendable, Hashable {
        public var event: CaseEvent
        public var photoBytes: [UInt8]
    }

    /// Decides `apply` for a case in `state` (which must have no events).
    public static func decide(_ data: Data, state: CaseState, context: Context) -> Result<Accepted, Rejection> {
        guard context.actor.role == .portal else {
            return .failure(
                Rejection(
                    .roleNotAllowed,
                    "apply is for the portal role, not \(context.actor.role.rawValue)",
                    field: "actor.role"
                )
            )
        }
        guard state.version == 0 else {
            return .failure(
                Rejection(.caseExists, "this case already exists; a new application needs a new case id", field: "case")
            )
        }
        // Shapes.
        let candidate = data.candidate
        guard !candidate.name.trimmingWhitespace.isEmpty else {
            return .failure(
                Rejection(
                    .missingField,
                    "give the candidate's name as on the identity document",
                    field: "data.candidate.name"
                )
            )
        }
        guard data.level == data.occupation.level else {
            return .failure(
                Rejection(
                    .invalidField,
                    "\(data.occupation.rawValue) is certified at level \(data.occupation.level)",
                    field: "data.level"
                )
            )
        }
        let today = context.at.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset)
        guard candidate.birthDate <= today else {
            return .failure(
                Rejection(
                    .invalidField,
                    "the birth date \(candidate.birthDate) is in the future",
                    field: "data.candidate.birthDate"
                )
            )
        }
        if candidate.contact.channel == .email, !candidate.contact.address.contains("@") {
            return .failure(
                Rejection(.invalidField, "an email address needs an @", field: "data.candidate.contact.address")
            )
        }
        guard !candidate.contact.address.trimmingWhitespace.isEmpty else {
            return .failure(
                Rejection(
                    .missingField,
                    "give the address tickets and certificates are sent to",
                    field: "data.candidate.contact.address"
                )
            )
        }
        let photoBytes: [UInt8]
        if data.recordedPhoto != nil {
            photoBytes = []
        } else if let decoded = data.decodedPhoto {
            photoBytes = decoded
        } else if let decoded = Base64.decode(data.photoBase64) {
            photoBytes = decoded
        } else {
            return .failure(PhotoRules.undecodable(field: "data.photo.jpegBase64"))
        }
        guard let batch = context.batch(data.batch), let examStart = batch.examStartsAt else {
            return .failure(
                Rejection(.batchNotFound, "batch \(data.batch) has not been scheduled", field: "data.batch")
            )
        }
        guard batch.occupations.contains(data.occupation) else {
            return .failure(
                Rejection(
                    .invalidField,
                    "batch \(data.batch) does not examine \(data.occupation.rawValue)",
                    field: "data.occupation"
                )
            )
        }
        // Rules, in the order of SPEC §3.
        if let rejection = CertificationCalendar.registrationRejection(
            batchID: data.batch,
            examStartsAt: examStart,
            at: context.at,
            field: "at"
        ) {
            return .failure(rejection)
        }
        guard candidate.region.allowedDocuments.contains(candidate.idDocument.type) else {
            let allowed = candidate.region.allowedDocuments.map(\.rawValue).sorted().joined(separator: ", ")
            return .failure(
                Rejection(
                    .idDocumentNotAllowed,
                    "candidates from \(candidate.region.rawValue) use: \(allowed)",
                    field: "data.candidate.idDocument.type"
                )
            )
        }
        let number: String
        switch IdentityNumber.check(
            candidate.idDocument.number,
            type: candidate.idDocument.type,
            birthDate: candidate.birthDate,
            field: "data.candidate.idDocument.number"
        ) {
        case .success(let normalised): number = normalised
        case .failure(let rejection): return .failure(rejection)
        }
        let photo: PhotoRecord
        if let recorded = data.recordedPhoto {
            if let rejection = PhotoRules.check(recorded, field: "data.photo") { return .failure(rejection) }
            photo = recorded
        } else {
            switch PhotoRules.check(jpeg: photoBytes, field: "data.photo.jpegBase64") {
            case .success(let facts):
                photo = PhotoRecord(
                    sha256: context.sha256(facts.bytes),
                    widthPx: facts.widthPx,
                    heightPx: facts.heightPx,
                    bytes: facts.byteCount
                )
            case .failure(let rejection): return .failure(rejection)
            }
        }
        let age = CertificationCalendar.age(birthDate: candidate.birthDate, at: context.at)
        if let rejection = EligibilityRules.check(data.eligibility, occupation: data.occupation, age: age) {
            return .failure(rejection)
        }
        var normalisedCandidate = candidate
        normalisedCandidate.idDocument.number = number
        guard !context.hasOpenCase(normalisedCandidate.idDocument, data.occupation) else {
            return .failure(
                Rejection(
                    .duplicateApplication,
                    "this person already has an open case for \(data.occupation.rawValue) level \(data.level)",
                    field: "data.candidate.idDocument.number"
                )
            )
        }
        let event = CaseEvent.applied(
            .init(
                batch: data.batch,
                occupation: data.occupation,
                level: data.level,
                candidate: normalisedCandidate,
                photo: photo,
                eligibility: data.eligibility
            )
        )
        return .success(Accepted(event: event, photoBytes: photoBytes))
    }
}
