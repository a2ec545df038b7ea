import Certification
import CertificationWire
import Chronology
import Crypto
import Foundation

/// Candidate search for complaint supervisors: a case found by a fragment of the candidate's
/// name, or by their full identity number matched through a keyed hash. The number itself is
/// never stored: only its masked form and an HMAC-SHA-256 under the store's own key, so the
/// file alone cannot be used to recover numbers by trying them all; the birth date only as its
/// year (``Disclosure``), so the masked number cannot be rebuilt from what sits beside it.
public struct CandidateSearchProjection: Projection {
    let key: StoreKey

    public init(key: StoreKey) { self.key = key }

    public var name: String { "search" }
    public var summary: String { "candidates by name fragment or full identity number (hashed)" }
    /// 2: the birth year kept beside the masked number; birth dates masked to the year.
    public var schemaVersion: Int { 2 }
    public var schema: ModelSchema { Self.schema }

    static let candidates = ModelTable(
        "candidates",
        [
            .text("case_id"), .text("name"), .text("id_type"), .text("id_masked"), .text("id_hash"),
            .integer("birth_year"), .text("occupation"), .text("batch"), .text("applied_on"),
        ],
        primaryKey: ["case_id"]
    )
    static let schema = ModelSchema(
        [candidates],
        indexes: [ModelIndex("candidates_hash", on: "candidates", ["id_hash"])]
    )
    static let put = ModelStatement.replace(into: candidates)
    static let erase = ModelStatement.update(
        candidates,
        set: ["name", "id_masked", "id_hash", "birth_year"],
        where: ["case_id"]
    )
    static let move = ModelStatement.update(candidates, set: ["batch"], where: ["case_id"])

    /// The keyed hash of a normalised identity number (upper case, as applications store it);
    /// `nil` when the store has no key yet (then no model holds a hash either).
    func hash(_ number: String, create: Bool = true) throws(ProjectionError) -> String? {
        try key.hash(create: create)?.hex(number.uppercased())
    }

    public func apply(_ e: RecordedDomainEvent, _ storage: any ModelStorage) throws {
        guard let caseID = e.caseID, case .caseEvent(let event) = e.event else { return }
        switch event {
        case .applied(let a):
            let document = a.candidate.idDocument
            let erased = a.candidate.isIdentityErased
            let hash = erased ? "" : try hash(document.number, create: true) ?? ""
            try storage.run(Self.put) { row in
                row.text(caseID)
                row.text(a.candidate.name)
                row.text(document.type.rawValue)
                row.text(erased ? "" : Disclosure.masked.identityNumber(document.number))
                row.text(hash)
                row.int(erased ? 0 : a.candidate.birthDate.year)
                row.text(a.occupation.rawValue)
                row.text(a.batch)
                row.text(e.localDay)
            }
        case .personalDataErased(let x) where x.groups.contains(.identity):
            // Found by nothing the erasure took: no name, no masked number, no hash.
            try storage.run(Self.erase) { row in
                row.text("")
                row.text("")
                row.text("")
                row.int(0)
                row.text(caseID)
            }
        case .retakeRequested(let r):
            try storage.run(Self.move) { row in
                row.text(r.batch)
                row.text(caseID)
            }
        default:
            break
        }
    }
}
