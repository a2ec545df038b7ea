import Certification
import CertificationWire
import Chronology
import GRDB

/// Timelines: one row per case event with its actor, business and recorded times, and the
/// one-line summary a supervisor reads on the phone (no identity numbers, no names).
public struct TimelineProjection: Projection {
    public init() {}
    public var name: String { "timelines" }
    public var summary: String { "one row per case event: who, when, what, in one line" }
    public var tables: [(table: String, orderBy: String)] { [("timeline", "position")] }

    public func createTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE timeline (
                    position INTEGER PRIMARY KEY,
                    case_id TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    at TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    actor_id TEXT NOT NULL,
                    actor_role TEXT NOT NULL,
                    command_id TEXT,
                    summary TEXT NOT NULL
                )
                """
        )
    }

    public func createIndexes(_ db: Database) throws {
        try db.execute(sql: "CREATE UNIQUE INDEX timeline_case ON timeline(case_id, version)")
    }

    public func apply(_ e: ProjectedEvent, _ db: Database) throws {
        guard let caseID = e.caseID, case .caseEvent = e.event else { return }
        let statement = try db.cachedStatement(sql: "INSERT INTO timeline VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        try statement.execute(arguments: [
            Int64(e.position), caseID, Int64(e.version), e.event.typeName, e.at.description,
            e.recordedAt.description, e.metadata.actorID, e.metadata.role, e.metadata.commandID,
            EventSummary.summary(of: e.event),
        ])
    }
}
