import Certification
import CertificationWire
import Chronology
import Foundation
import GRDB

/// The batches as a projection has seen them: exam dates and reschedules, which statuses and
/// retake windows depend on. Kept in the projection's own `batch_events` table (a few rows) and
/// in memory, loaded from the table on the first event of a feed.
final class BatchBook {
    private(set) var states: [String: BatchState] = [:]
    private var loaded = false

    static let table = (table: "batch_events", orderBy: "position")

    static func createTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE batch_events (
                    position INTEGER PRIMARY KEY,
                    batch TEXT NOT NULL,
                    type TEXT NOT NULL,
                    data BLOB NOT NULL,
                    at INTEGER NOT NULL
                )
                """
        )
    }

    func willFeed() {
        states.removeAll()
        loaded = false
    }

    subscript(_ id: String) -> BatchState? { states[id] }

    /// Loads the table once per feed.
    func load(_ db: Database) throws {
        guard !loaded else { return }
        loaded = true
        for row in try Row.fetchAll(
            db,
            sql: "SELECT position, batch, type, data, at FROM batch_events ORDER BY position"
        ) {
            let data: [UInt8] = Array(row["data"] as Data)
            if case .batchEvent(let event) = try EventCoding.decode(type: row["type"], payload: data) {
                let batch: String = row["batch"]
                states[batch, default: BatchState()].evolve(
                    with: event,
                    at: Timestamp(microseconds: row["at"]),
                    position: UInt64(row["position"] as Int64)
                )
            }
        }
    }

    /// Records a batch event; returns its batch id.
    @discardableResult
    func apply(_ e: RecordedDomainEvent, _ event: BatchEvent, _ db: Database) throws -> String? {
        guard let batchID = StreamName.batchID(of: e.stream) else { return nil }
        try load(db)
        try db.cachedStatement(sql: "INSERT INTO batch_events VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [
                Int64(e.position), batchID, e.event.typeName, Data(EventCoding.payload(of: e.event)), e.at.microseconds,
            ])
        states[batchID, default: BatchState()].evolve(with: event, at: e.at, position: e.position)
        return batchID
    }
}
