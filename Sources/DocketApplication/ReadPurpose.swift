import Certification
import CertificationWire
import Foundation

/// Why someone reads a case's personal data (issue 17): every read of a case view, timeline,
/// replay, evidence bundle, export or feed names one, and is recorded with it in the store's
/// access log (``DocketService/recordAccess(_:caseID:disclosure:purpose:)``).
///
/// The text is a complaint id (`complaint C-12`), an audit reference (`audit 2026-07`), or a
/// few words; it is shown to auditors as it was given. Who is reading comes from the adapter:
/// the token's holder for the HTTP API and the console, the login name for the command line.
public struct ReadPurpose: Sendable, Hashable {
    public var actorID: String
    /// The reader's role, or `operator` for the command line (which runs as the store's owner).
    public var role: String
    /// `api`, `console` or `cli`.
    public var channel: String
    public var text: String

    /// A purpose for `actorID` in `role` over `channel`.
    /// - Throws: `purpose-required` when `text` is missing or blank; `invalid-parameter` when it
    ///   is longer than 200 characters or holds control characters.
    public init(
        _ text: String?,
        actorID: String,
        role: String,
        channel: String,
        field: String = "purpose"
    )
        throws(DocketError)
    {
        let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !trimmed.isEmpty else {
            throw DocketError(
                .purposeRequired,
                "say why you read this personal data: a complaint id, an audit reference or a few words (\(field))",
                field: field
            )
        }
        if let problem = TextLimit.short.problem(with: trimmed) {
            throw DocketError(.invalidParameter, "the purpose \(problem)", field: field)
        }
        guard trimmed.utf8.count <= 800 else {
            throw DocketError(.invalidParameter, "the purpose is at most 800 bytes of UTF-8", field: field)
        }
        self.actorID = actorID
        self.role = role
        self.channel = channel
        self.text = trimmed
    }
}
