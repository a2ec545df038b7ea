import Projections

/// A read model's schema in a PostgreSQL target as a feed's destination: one PostgreSQL
/// transaction per feed transaction, holding the model's rows for this store and the store's
/// checkpoint row (position and the log's digest there), so a feed killed at any moment loses
/// nothing and applies nothing twice.
final class PostgresDestination: ModelDestination {
    let session: PostgresSession
    let schema: PostgresSchema
    let storeID: String
    /// The log's digest at a position (``EventLog/indexedDigest(at:)``, as hex).
    let digest: (UInt64) throws -> String

    init(session: PostgresSession, schema: PostgresSchema, storeID: String, digest: @escaping (UInt64) throws -> String)
    {
        self.session = session
        self.schema = schema
        self.storeID = storeID
        self.digest = digest
    }

    var label: String { "postgres:\(session.url.redacted)/\(schema.name)/\(storeID)" }

    private var store: String { PostgresLiteral.text(storeID) }

    func checkpoint() throws(ProjectionError) -> UInt64 {
        let rows = try session.execute("SELECT position FROM \(schema.name)._checkpoints WHERE store_id = \(store)")
        guard case .int(let position)? = rows.first?.first else { return 0 }
        return UInt64(position)
    }

    /// Four round trips: `BEGIN`; the store's checkpoint row locked with the model's shared
    /// advisory lock taken; the events' writes and the new checkpoint in one `DO` block (or
    /// more, for a large transaction); `COMMIT`. The session's search path names the model's
    /// schema (``PostgresTarget`` sets it when it opens the model's connection).
    func transaction(_ body: (any ModelStorage, UInt64) throws -> UInt64) throws(ProjectionError) {
        try session.transaction { () throws(ProjectionError) in
            // The row lock serialises two feeds of one store (two catch-ups at once); the
            // advisory lock is shared with other feeds, taken exclusively by a rebuild's swap.
            let rows = try session.execute(
                "SELECT position, pg_advisory_xact_lock_shared(\(schema.lockKey)) FROM _checkpoints WHERE store_id = \(store) FOR UPDATE"
            )
            guard case .int(let stored)? = rows.first?.first else {
                throw ProjectionError(
                    .target,
                    "\(schema.name) has no checkpoint for store \(storeID): it was rebuilt without it; run `docket projections update` again"
                )
            }
            let storage = PostgresModelStorage(session: session, storeID: storeID)
            do {
                let through = try body(storage, UInt64(stored))
                let head = try digest(through)
                storage.hold(
                    "UPDATE _checkpoints SET position = \(through), digest = \(PostgresLiteral.text(head)), updated_at = now() WHERE store_id = \(store)"
                )
                try storage.flush()
            } catch let error as ProjectionError {
                throw error
            } catch {
                throw ProjectionError(.target, "\(error)")
            }
        }
    }

    /// The rows an erasure rewrote stay in PostgreSQL's pages as dead versions until a vacuum
    /// reclaims them: vacuumed at once (best effort; a long-running reader holding an old
    /// snapshot keeps them until it ends, see docs/PRIVACY.md).
    func didApplyErasure() {
        for table in schema.projection.schema.tables {
            _ = try? session.execute("VACUUM \(schema.name).\(table.name)")
        }
    }
}
