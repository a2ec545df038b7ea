import Certification
import CertificationWire
import Chronology
import DocketJSON
import GRDB

/// Timelines: one row per case event with its actor, business and recorded times, and the
/// one-line summary a supervisor reads on the phone (no identity numbers, no names), and the
/// event's data with the identity number masked (what `docket timeline --json` shows).
public struct TimelineProjection: Projection {
    public init() {}
    public var name: String { "timelines" }
    public var summary: String { "one row per case event: who, when, what, in one line" }
    /// 2: birth dates masked to the year beside masked identity numbers (was: in full).
    public var schemaVersion: Int { 2 }
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
                    summary TEXT NOT NULL,
                    data TEXT NOT NULL
                )
                """
        )
    }

    public func createIndexes(_ db: Database) throws {
        try db.execute(sql: "CREATE UNIQUE INDEX timeline_case ON timeline(case_id, version)")
    }

    public func apply(_ e: RecordedDomainEvent, _ db: Database) throws {
        guard let caseID = e.caseID, case .caseEvent(let event) = e.event else { return }
        if case .personalDataErased(let erased) = event { try forget(erased.groups, of: caseID, db) }
        try DirectStatement(db, "INSERT INTO timeline VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").run(db) { row in
            row.int(e.position)
            row.text(caseID)
            row.int(e.version)
            row.text(e.event.typeName)
            row.text(e.at.description)
            row.text(e.recordedAt.description)
            row.text(e.metadata.actorID)
            row.text(e.metadata.role)
            row.text(e.metadata.commandID)
            row.text(EventSummary.summary(of: e.event))
            row.blobText(Disclosure.masked.data(of: e.event, stored: e.payload))
        }
    }

    /// Rewrites the case's earlier rows without the erased groups' fields: their data loses
    /// them (named in `erased`), and a summary quoting a free text says `[erased]`.
    private func forget(_ groups: PersonalDataGroups, of caseID: String, _ db: Database) throws {
        var rewrites: [(position: Int64, summary: String, data: [UInt8])] = []
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT position, type, summary, data FROM timeline WHERE case_id = ?",
            arguments: [caseID]
        )
        for row in rows {
            let type: String = row["type"]
            guard PersonalFields.fields(of: type).contains(where: { groups.contains($0.group) }) else { continue }
            let old: String = row["data"]
            let data = PersonalSeal.erase(Array(old.utf8), type: type, groups: groups)
            var summary: String = row["summary"]
            if type != "Applied", let parsed = try? JSONParser.parse(data),
                let event = try? EventCoding.decode(
                    type: type,
                    data: parsed,
                    stream: StreamName.forCase(caseID),
                    keys: nil
                )
            {
                summary = EventSummary.summary(of: event)
            }
            rewrites.append((row["position"], summary, data))
        }
        for r in rewrites {
            try db.execute(
                sql: "UPDATE timeline SET summary = ?, data = ? WHERE position = ?",
                arguments: [r.summary, String(decoding: r.data, as: UTF8.self), r.position]
            )
        }
    }
}
