import Certification
import CertificationWire
import Chronology
import Crypto
import Foundation
import GRDB

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
    public var tables: [(table: String, orderBy: String)] { [("candidates", "case_id")] }

    public func createTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE candidates (
                    case_id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    id_type TEXT NOT NULL,
                    id_masked TEXT NOT NULL,
                    id_hash TEXT NOT NULL,
                    birth_year INTEGER NOT NULL,
                    occupation TEXT NOT NULL,
                    batch TEXT NOT NULL,
                    applied_on TEXT NOT NULL
                ) WITHOUT ROWID
                """
        )
    }

    public func createIndexes(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX candidates_hash ON candidates(id_hash)")
    }

    /// The keyed hash of a normalised identity number (upper case, as applications store it);
    /// `nil` when the store has no key yet (then no model holds a hash either).
    func hash(_ number: String, create: Bool = true) throws(ProjectionError) -> String? {
        try key.hash(create: create)?.hex(number.uppercased())
    }

    public func apply(_ e: RecordedDomainEvent, _ db: Database) throws {
        guard let caseID = e.caseID, case .caseEvent(let event) = e.event else { return }
        switch event {
        case .applied(let a):
            let document = a.candidate.idDocument
            let erased = a.candidate.isIdentityErased
            let hash = erased ? "" : try hash(document.number, create: true) ?? ""
            try DirectStatement(db, "INSERT OR REPLACE INTO candidates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").run(db) {
                row in
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
            try db.cachedStatement(
                sql: "UPDATE candidates SET name = '', id_masked = '', id_hash = '', birth_year = 0 WHERE case_id = ?"
            ).execute(arguments: [caseID])
        case .retakeRequested(let r):
            try db.cachedStatement(sql: "UPDATE candidates SET batch = ? WHERE case_id = ?")
                .execute(arguments: [r.batch, caseID])
        default:
            break
        }
    }
}
