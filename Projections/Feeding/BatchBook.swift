import Certification
import CertificationWire
import Chronology

/// The batches as a projection has seen them: exam dates and reschedules, which statuses and
/// retake windows depend on. Kept in the projection's own `batch_events` table (a few rows) and
/// in memory, loaded from the table on the first event of a feed.
final class BatchBook {
    private(set) var states: [String: BatchState] = [:]
    private var loaded = false

    static let table = ModelTable(
        "batch_events",
        [.integer("position"), .text("batch"), .text("type"), .blob("data"), .integer("at")],
        primaryKey: ["position"]
    )
    static let all = ModelStatement.select(
        ["position", "batch", "type", "data", "at"],
        from: table,
        orderBy: ["position"]
    )
    static let insert = ModelStatement.insert(into: table)

    func willFeed() {
        states.removeAll()
        loaded = false
    }

    subscript(_ id: String) -> BatchState? { states[id] }

    /// Loads the table once per feed.
    func load(_ storage: any ModelStorage) throws {
        guard !loaded else { return }
        loaded = true
        for row in try storage.rows(Self.all, { _ in }) {
            guard row.count == 5, let position = row[0].int, let batch = row[1].text, let type = row[2].text,
                let data = row[3].bytes, let at = row[4].int
            else { continue }
            if case .batchEvent(let event) = try EventCoding.decode(type: type, payload: data) {
                states[batch, default: BatchState()].evolve(
                    with: event,
                    at: Timestamp(microseconds: at),
                    position: UInt64(position)
                )
            }
        }
    }

    /// Records a batch event; returns its batch id.
    @discardableResult
    func apply(_ e: RecordedDomainEvent, _ event: BatchEvent, _ storage: any ModelStorage) throws -> String? {
        guard let batchID = StreamName.batchID(of: e.stream) else { return nil }
        try load(storage)
        try storage.run(Self.insert) { row in
            row.int(e.position)
            row.text(batchID)
            row.text(e.event.typeName)
            row.blob(EventCoding.payload(of: e.event))
            row.int(e.at.microseconds)
        }
        states[batchID, default: BatchState()].evolve(with: event, at: e.at, position: e.position)
        return batchID
    }
}
