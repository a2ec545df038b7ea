import Certification
import CertificationWire
import Chronology
import Crypto
import Foundation
import GRDB

/// Candidate search for complaint supervisors: a case found by a fragment of the candidate's
/// name, or by their full identity number matched through a keyed hash. The number itself is
/// never stored: only its masked form and an HMAC-SHA-256 under the store's own key, so the
/// file alone cannot be used to recover numbers by trying them all.
public struct CandidateSearchProjection: Projection {
    private let keyed: KeyedHash

    public init(key: SymmetricKey) { keyed = KeyedHash(key: key) }

    public var name: String { "search" }
    public var summary: String { "candidates by name fragment or full identity number (hashed)" }
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

    /// The keyed hash of a normalised identity number (upper case, as applications store it).
    public func hash(_ number: String) -> String {
        keyed.hex(number.uppercased())
    }

    public func apply(_ e: ProjectedEvent, _ db: Database) throws {
        guard let caseID = e.caseID, case .caseEvent(let event) = e.event else { return }
        switch event {
        case .applied(let a):
            let document = a.candidate.idDocument
            try DirectStatement(db, "INSERT OR REPLACE INTO candidates VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(db) {
                row in
                row.text(caseID)
                row.text(a.candidate.name)
                row.text(document.type.rawValue)
                row.text(IdentityNumber.mask(document.number))
                row.text(hash(document.number))
                row.text(a.occupation.rawValue)
                row.text(a.batch)
                row.text(e.localDay)
            }
        case .retakeRequested(let r):
            try db.cachedStatement(sql: "UPDATE candidates SET batch = ? WHERE case_id = ?")
                .execute(arguments: [r.batch, caseID])
        default:
            break
        }
    }

    /// A store's search key, made on first use (`<store>/projections/search.key`, 32 random
    /// bytes, readable by the owner only). Rebuilds reuse it, so hashes stay stable.
    public static func key(storeRoot: String) throws(ProjectionError) -> SymmetricKey {
        let directory = storeRoot + "/projections"
        let path = directory + "/search.key"
        if let data = FileManager.default.contents(atPath: path), data.count == 32 {
            return SymmetricKey(data: data)
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ProjectionError(.io, "cannot create \(directory): \(error)")
        }
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: bytes, attributes: [.posixPermissions: 0o600])
        else { throw ProjectionError(.io, "cannot write \(temporary)") }
        try Durable.sync(path: temporary)
        guard rename(temporary, path) == 0 else { throw ProjectionError(.io, "cannot create \(path)") }
        try Durable.sync(path: directory, directory: true)
        return key
    }
}
