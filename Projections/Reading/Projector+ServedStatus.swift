import EventLog
import Foundation
import GRDB

extension Projector {
    /// Every model's position, lag and fingerprints for a running server: read-only (nothing is
    /// created or written, unlike ``status()``), each model's checkpoint and fingerprints read
    /// from one snapshot. Fingerprints hash every row — seconds on a large store — so a model's
    /// are recomputed only when it moved and the last ones are older than `maxAge`, and one
    /// computation at a time: callers in between get the kept ones, with the position they
    /// describe in ``Status/fingerprintedAt``.
    public func servedStatus(reuseFingerprintsFor maxAge: Duration) throws(ProjectionError) -> [Status] {
        try fingerprintCache.withLock { () throws(ProjectionError) -> [Status] in
            var out: [Status] = []
            let last = log.lastPosition
            for projection in projections {
                let file = path(projection.name)
                guard let inode = Self.inode(file), let reader = readers.reader(projection.name, path: file) else {
                    out.append(
                        Status(
                            name: projection.name,
                            summary: projection.summary,
                            position: 0,
                            lag: last,
                            fingerprints: [],
                            fingerprintedAt: 0,
                            schemaVersion: projection.schemaVersion,
                            fileSchemaVersion: 0,
                            rebuildReason: "not built yet"
                        )
                    )
                    continue
                }
                var position: UInt64 = 0
                var fileVersion = 0
                try reader.read { connection throws(ProjectionError) in
                    try connection.rows(
                        "SELECT position, (SELECT user_version FROM pragma_user_version) FROM _checkpoint",
                        []
                    ) {
                        position = UInt64($0.int(0) ?? 0)
                        fileVersion = Int($0.int(1) ?? 0)
                    }
                }
                let kept = fingerprintCache.kept[projection.name]
                let fresh: FingerprintCache.Entry
                if let kept, kept.inode == inode,
                    kept.position == position || ContinuousClock.now - kept.computed < maxAge
                {
                    fresh = kept
                } else {
                    fresh = try Self.snapshotFingerprints(projection, file: file, inode: inode)
                    fingerprintCache.kept[projection.name] = fresh
                }
                let current = max(position, fresh.position)
                out.append(
                    Status(
                        name: projection.name,
                        summary: projection.summary,
                        position: current,
                        lag: last > current ? last - current : 0,
                        fingerprints: fresh.fingerprints,
                        fingerprintedAt: fresh.position,
                        schemaVersion: projection.schemaVersion,
                        fileSchemaVersion: fileVersion,
                        rebuildReason: Self.staleness(
                            fileVersion: fileVersion,
                            position: position,
                            projection,
                            logPosition: last
                        )
                    )
                )
            }
            return out
        }
    }

    /// The model's checkpoint and fingerprints from one read transaction of a read-only
    /// connection.
    private static func snapshotFingerprints(
        _ projection: any Projection,
        file: String,
        inode: UInt64
    ) throws(ProjectionError) -> FingerprintCache.Entry {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: file, configuration: configuration)
            return try queue.read { db in
                let position = UInt64(try Int64.fetchOne(db, sql: "SELECT position FROM _checkpoint") ?? 0)
                let prints = try projection.tables.map {
                    ($0.table, try Fingerprint.of(table: $0.table, orderBy: $0.orderBy, in: db))
                }
                return FingerprintCache.Entry(
                    inode: inode,
                    position: position,
                    fingerprints: prints,
                    computed: .now
                )
            }
        } catch {
            throw ProjectionError(.database, "cannot fingerprint \(projection.name): \(error)")
        }
    }
}

/// Fingerprints last computed for each model, and the lock that lets one computation run at a
/// time.
final class FingerprintCache: @unchecked Sendable {
    struct Entry {
        var inode: UInt64
        var position: UInt64
        var fingerprints: [(table: String, fingerprint: String)]
        var computed: ContinuousClock.Instant
    }

    private let lock = NSLock()
    /// Only touched with the lock held (inside ``withLock(_:)``).
    var kept: [String: Entry] = [:]

    func withLock<T>(_ body: () throws(ProjectionError) -> T) throws(ProjectionError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
