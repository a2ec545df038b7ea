import Certification
import CertificationWire
import Chronology
import GRDB

/// Complaints, open and resolved, with their category, channel and dates (their age is counted
/// when reported).
public struct ComplaintProjection: Projection {
    public init() {}
    public var name: String { "complaints" }
    public var summary: String { "complaints, open and resolved, by category and age" }
    public var schemaVersion: Int { 1 }
    public var tables: [(table: String, orderBy: String)] { [("complaints", "complaint_id")] }

    public func createTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE complaints (
                    complaint_id TEXT PRIMARY KEY,
                    case_id TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    category TEXT NOT NULL,
                    lodged_at TEXT NOT NULL,
                    lodged_on TEXT NOT NULL,
                    resolved_on TEXT,
                    outcome TEXT,
                    status TEXT NOT NULL
                ) WITHOUT ROWID
                """
        )
    }

    public func createIndexes(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX complaints_status ON complaints(status, category)")
    }

    public func apply(_ e: RecordedDomainEvent, _ db: Database) throws {
        guard let caseID = e.caseID, case .caseEvent(let event) = e.event else { return }
        switch event {
        case .complaintLodged(let l):
            try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO complaints VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, 'open')"
            ).execute(arguments: [
                l.complaintID, caseID, l.channel.rawValue, l.category.rawValue, e.at.description, e.localDay,
            ])
        case .complaintResolved(let r):
            try db.cachedStatement(
                sql:
                    "UPDATE complaints SET resolved_on = ?, outcome = ?, status = 'resolved' WHERE complaint_id = ? AND case_id = ?"
            ).execute(arguments: [e.localDay, r.outcome.rawValue, r.complaintID, caseID])
        default:
            break
        }
    }
}
