import EventLog
import Foundation
import Projections

extension PostgresTarget {
    /// One model's state in the target, for this store.
    public struct ModelStatus: Sendable {
        public var name: String
        /// The position the target holds of this store (0 when never loaded).
        public var position: UInt64
        /// Events of the log not yet in the target.
        public var lag: UInt64
        /// The schema version of the target's tables (0 when it has none).
        public var schemaVersion: Int
        /// Each table's fingerprint over this store's rows (equal to the SQLite model's at the
        /// same position).
        public var fingerprints: [(table: String, fingerprint: String)]
        /// Why the target would refuse this store (went back or diverged), or `nil`.
        public var divergence: String?
    }

    /// Every model's position, lag and fingerprints in the target for this store.
    /// Read-only: nothing is created (a replica answers; a model not loaded shows position 0).
    public func status(log: EventLog, fingerprints: Bool = true) throws(ProjectionError) -> [ModelStatus] {
        let all = try heldAll()
        let digests = DigestCache(log)
        var out: [ModelStatus] = []
        for projection in projections {
            let held = all[projection.name]
            let position = held?.position ?? 0
            let divergence = try held.flatMap { held throws(ProjectionError) in
                try self.divergence(projection.name, held: (held.position, held.digest), digests)
            }
            out.append(
                ModelStatus(
                    name: projection.name,
                    position: position,
                    lag: log.lastPosition > position ? log.lastPosition - position : 0,
                    schemaVersion: held?.version ?? 0,
                    fingerprints: fingerprints && held != nil ? try self.fingerprints(projection.name) : [],
                    divergence: divergence
                )
            )
        }
        return out
    }

    /// The fingerprints of model `name`'s tables over store `store`'s rows (this store's when
    /// `nil`), hashed as ``Fingerprint`` hashes an SQLite table.
    public func fingerprints(
        _ name: String,
        store: String? = nil
    ) throws(ProjectionError) -> [(
        table: String, fingerprint: String
    )] {
        guard let projection = projections.first(where: { $0.name == name }) else {
            throw ProjectionError(.unknownProjection, "the target holds no model \(name)")
        }
        let session = try session("_admin")
        let schema = PostgresSchema(projection: projection)
        var out: [(String, String)] = []
        for table in projection.schema.tables {
            let hasher = LockedHasher()
            try session.stream(
                "SELECT " + table.columnNames.joined(separator: ", ")
                    + " FROM \(schema.name).\(table.name) WHERE store_id = "
                    + PostgresLiteral.text(store ?? storeID) + " ORDER BY " + table.orderBy
            ) { row in hasher.add(row.map(\.model)) }
            out.append((table.name, hasher.finish()))
        }
        return out
    }

    /// The stores the target holds, each with the position it holds of them (per model, the
    /// lowest).
    public func stores() throws(ProjectionError) -> [(store: String, position: UInt64)] {
        let session = try session("_admin")
        let existing = try existingModels()
        guard !existing.isEmpty else { return [] }
        let union = projections.filter { existing.contains($0.name) }.map {
            "SELECT store_id, position FROM \(PostgresSchema.name($0.name))._checkpoints"
        }
        .joined(separator: " UNION ALL ")
        let rows = try session.execute(
            "SELECT store_id, min(position) FROM (\(union)) AS held GROUP BY store_id ORDER BY store_id"
        )
        return rows.compactMap { row in
            guard case .text(let id) = row[0], case .int(let position) = row[1] else { return nil }
            return (id, UInt64(position))
        }
    }

    /// A fingerprint hasher fed from PostgresNIO's row callback.
    private final class LockedHasher: @unchecked Sendable {
        private let lock = NSLock()
        private var hasher = Fingerprint.Hasher()

        func add(_ row: [ModelValue]) {
            lock.withLock {
                for value in row { hasher.add(value) }
                hasher.endRow()
            }
        }

        func finish() -> String { lock.withLock { hasher.finish() } }
    }
}
