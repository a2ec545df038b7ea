/// Who issued a command: an id and one role. Servers take both from the caller's token, never
/// from the command body.
public struct Actor: Sendable, Hashable {
    /// The roles of SPEC §3 plus the read-only `auditor` and `reporter`, and the
    /// `privacy-officer` who erases personal data and places legal holds.
    public enum Role: String, Sendable, CaseIterable {
        case admin
        case examiner
        case portal
        case registrar
        case payments
        case supervisor
        case certifier
        case auditor
        case reporter
        /// Erases personal data and places legal holds (issue 17).
        case privacyOfficer = "privacy-officer"
    }

    public var id: String
    public var role: Role

    public init(id: String, role: Role) {
        self.id = id
        self.role = role
    }
}
