import Chronology

/// The person applying, as `apply` gives them (SPEC §3 `apply` data).
public struct Candidate: Sendable, Hashable {
    /// A document and its number (normalised: upper case).
    public struct IdentityDocument: Sendable, Hashable {
        public var type: IdentityDocumentType
        public var number: String
        public init(type: IdentityDocumentType, number: String) {
            self.type = type
            self.number = number
        }
    }

    /// Where tickets and certificates are sent (notice §三(四)(七)).
    public struct Contact: Sendable, Hashable {
        public enum Channel: String, Sendable, CaseIterable {
            case wechat
            case email
        }
        public var channel: Channel
        public var address: String
        public init(channel: Channel, address: String) {
            self.channel = channel
            self.address = address
        }
    }

    public var name: String
    public var birthDate: LocalDate
    public var region: Region
    public var idDocument: IdentityDocument
    public var contact: Contact

    /// The name as read models and public look-ups may show it: its first character, then one
    /// `*` for each other (`张*`, `欧***`).
    public var maskedName: String { name.prefix(1) + String(repeating: "*", count: max(0, name.count - 1)) }

    public init(name: String, birthDate: LocalDate, region: Region, idDocument: IdentityDocument, contact: Contact) {
        self.name = name
        self.birthDate = birthDate
        self.region = region
        self.idDocument = idDocument
        self.contact = contact
    }
}

/// What the event keeps of a photo: the bytes live in the blob store under their SHA-256.
public struct PhotoRecord: Sendable, Hashable {
    /// Lower-case hexadecimal SHA-256 of the JPEG bytes.
    public var sha256: String
    public var widthPx: Int
    public var heightPx: Int
    public var bytes: Int
    public init(sha256: String, widthPx: Int, heightPx: Int, bytes: Int) {
        self.sha256 = sha256
        self.widthPx = widthPx
        self.heightPx = heightPx
        self.bytes = bytes
    }
}

/// The eligibility claim of an application (附件1), as submitted.
public struct Eligibility: Sendable, Hashable {
    /// The conditions of SPEC §2.
    public enum Condition: String, Sendable, CaseIterable {
        case work5y = "work-5y"
        case l5CertPlus3y = "l5-cert-plus-3y"
        case graduate
        case age16Intending = "age16-intending"
        case age16Working = "age16-working"
    }

    /// One piece of evidence (kind and a reference such as a 学信网 code).
    public struct Evidence: Sendable, Hashable {
        public var kind: String
        public var reference: String
        public init(kind: String, reference: String) {
            self.kind = kind
            self.reference = reference
        }
    }

    public var condition: Condition
    /// `work-5y`, `age16-*`: the occupation worked or intended (a related code, the occupation itself, or `other`).
    public var occupation: String?
    /// A description when `occupation` or `major` is `other`.
    public var description: String?
    public var yearsOfWork: Years?
    /// `l5-cert-plus-3y`: the level-5 certificate's number and occupation.
    public var certificateNumber: String?
    public var certificateOccupation: String?
    public var yearsSinceCertificate: Years?
    /// `graduate`.
    public var schoolLevel: String?
    public var major: String?
    public var graduating: Bool?
    public var evidence: [Evidence]

    public init(condition: Condition, evidence: [Evidence] = []) {
        self.condition = condition
        self.evidence = evidence
    }
}
