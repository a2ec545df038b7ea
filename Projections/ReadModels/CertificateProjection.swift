import Certification
import CertificationWire
import Chronology
import GRDB

/// Certificates by number, for the public look-up of notice §三(五): occupation, level, issue
/// date and a masked holder (first character of the name, masked identity number).
public struct CertificateProjection: Projection {
    public init() {}
    public var name: String { "certificates" }
    public var summary: String { "certificates by number with a masked holder (public look-up)" }
    public var schemaVersion: Int { 1 }
    public var tables: [(table: String, orderBy: String)] {
        [("certificate_holders", "case_id"), ("certificates", "number")]
    }

    public func createTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE certificate_holders (
                    case_id TEXT PRIMARY KEY,
                    occupation TEXT NOT NULL,
                    level INTEGER NOT NULL,
                    holder TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE certificates (
                    number TEXT PRIMARY KEY,
                    case_id TEXT NOT NULL,
                    occupation TEXT NOT NULL,
                    level INTEGER NOT NULL,
                    issued_on TEXT NOT NULL,
                    holder TEXT NOT NULL
                ) WITHOUT ROWID;
                """
        )
    }

    public func createIndexes(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX certificates_issued ON certificates(issued_on)")
    }

    /// The holder as the public look-up shows them: the name's first character and the masked
    /// identity number (`张* 110101********123X`).
    /// An erased identity (issue 17) shows as `[erased]`: the certificate and its number stay.
    public static func maskedHolder(_ candidate: Candidate) -> String {
        guard !candidate.isIdentityErased else { return "[erased]" }
        return candidate.maskedName + " " + Disclosure.masked.identityNumber(candidate.idDocument.number)
    }

    public func apply(_ e: RecordedDomainEvent, _ db: Database) throws {
        guard let caseID = e.caseID, case .caseEvent(let event) = e.event else { return }
        switch event {
        case .applied(let a):
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO certificate_holders VALUES (?, ?, ?, ?)")
                .execute(arguments: [caseID, a.occupation.rawValue, a.level, Self.maskedHolder(a.candidate)])
        case .certified(let c):
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO certificates
                    SELECT ?, case_id, occupation, level, ?, holder FROM certificate_holders WHERE case_id = ?
                    """
            ).execute(arguments: [c.certificateNumber, e.localDay, caseID])
        case .personalDataErased(let x) where x.groups.contains(.identity):
            for table in ["certificate_holders", "certificates"] {
                try db.execute(sql: "UPDATE \(table) SET holder = '[erased]' WHERE case_id = ?", arguments: [caseID])
            }
        default:
            break
        }
    }
}
