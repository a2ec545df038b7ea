import Certification
import CertificationWire
import Chronology
import GRDB

/// Revenue by batch × occupation × day (Asia/Shanghai): paid, refunded and net yuan. A payment
/// counts for the batch of the sitting it pays for (the retake's batch for a retake's fee).
public struct RevenueProjection: Projection {
    public init() {}
    public var name: String { "revenue" }
    public var summary: String { "paid, refunded and net yuan by batch, occupation and day" }
    public var schemaVersion: Int { 1 }
    public var tables: [(table: String, orderBy: String)] {
        [("revenue_cases", "case_id"), ("revenue", "batch, occupation, day")]
    }

    public func createTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE revenue_cases (
                    case_id TEXT PRIMARY KEY,
                    batch TEXT NOT NULL,
                    occupation TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE revenue (
                    batch TEXT NOT NULL,
                    occupation TEXT NOT NULL,
                    day TEXT NOT NULL,
                    paid_yuan INTEGER NOT NULL,
                    refunded_yuan INTEGER NOT NULL,
                    PRIMARY KEY (batch, occupation, day)
                ) WITHOUT ROWID;
                """
        )
    }

    public func createIndexes(_ db: Database) throws {}

    public func apply(_ e: RecordedDomainEvent, _ db: Database) throws {
        guard let caseID = e.caseID, case .caseEvent(let event) = e.event else { return }
        func add(paid: Int, refunded: Int) throws {
            try db.cachedStatement(
                sql: """
                    INSERT INTO revenue
                    SELECT batch, occupation, ?, ?, ? FROM revenue_cases WHERE case_id = ?
                    ON CONFLICT(batch, occupation, day) DO UPDATE SET
                        paid_yuan = paid_yuan + excluded.paid_yuan,
                        refunded_yuan = refunded_yuan + excluded.refunded_yuan
                    """
            ).execute(arguments: [e.localDay, paid, refunded, caseID])
        }
        switch event {
        case .applied(let a):
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO revenue_cases VALUES (?, ?, ?)")
                .execute(arguments: [caseID, a.batch, a.occupation.rawValue])
        case .retakeRequested(let r):
            try db.cachedStatement(sql: "UPDATE revenue_cases SET batch = ? WHERE case_id = ?")
                .execute(arguments: [r.batch, caseID])
        case .paid(let p):
            try add(paid: p.amountYuan, refunded: 0)
        case .refunded(let r):
            try add(paid: 0, refunded: r.amountYuan)
        default:
            break
        }
    }
}
