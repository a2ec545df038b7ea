/// The two groups of a case's personal data, each sealed under its own key so that they can be
/// erased apart (issue 17): a certified case keeps its certificate record (who holds it) long
/// after its contact, photo and free text are gone.
///
/// - `identity`: the candidate's name, birth date and identity document number, and the
///   eligibility claim's description, certificate number and evidence references.
/// - `details`: the contact address, the photo (its SHA-256 and the stored bytes), and every
///   free text a case event carries (reasons, complaint summaries and resolutions, notes), which
///   may hold personal data the rules cannot see.
public struct PersonalDataGroups: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let identity = PersonalDataGroups(rawValue: 1)
    public static let details = PersonalDataGroups(rawValue: 2)
    public static let all: PersonalDataGroups = [.identity, .details]

    /// The groups by wire name, in a fixed order.
    public static let named: [(name: String, group: PersonalDataGroups)] = [
        ("identity", .identity), ("details", .details),
    ]

    /// The wire names of the groups in this set (`["identity", "details"]`).
    public var names: [String] { Self.named.filter { contains($0.group) }.map(\.name) }

    /// The group of a wire name, or `nil`.
    public init?(name: String) {
        guard let found = Self.named.first(where: { $0.name == name }) else { return nil }
        self = found.group
    }
}
