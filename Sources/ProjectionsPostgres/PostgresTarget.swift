import Dispatch
import EventLog
import Foundation
import Projections

/// The read models of one store in a PostgreSQL database, beside (or instead of) its SQLite
/// files: the same projections, the same rows and fingerprints, written through the
/// PostgreSQL side of ``ModelStorage``.
///
/// - Exactly once: each model's rows and this store's checkpoint change in one PostgreSQL
///   transaction (``PostgresDestination``).
/// - Many stores, one database: every row carries the store's id; each model's schema holds
///   every store's rows and a checkpoint per store.
/// - A store that went back (restored from an older backup, cut back) or whose log diverged is
///   refused: the target keeps, per store, the position it holds and the log's digest there,
///   and a catch-up first checks the log still has that digest at that position.
/// - Blue/green rebuilds: the model is built into a scratch SQLite file, copied with COPY into
///   `docket_<model>_next` with the other stores' rows, and renamed over the live schema in one
///   transaction (``rebuild(_:projector:progress:)``).
///
/// A target is used from one thread at a time (its calls block); each model is fed through a
/// connection of its own, so the models of one catch-up run in parallel as they do in SQLite.
public final class PostgresTarget: @unchecked Sendable {
    public let url: PostgresURL
    /// The store's id in the target (every row carries it).
    public let storeID: String
    /// The models the target holds (all when empty at creation).
    public let models: [String]
    /// Projections of the target's own (their caches belong to the target's feeds).
    let projections: [any Projection]
    private let storeRoot: String
    private let lock = NSLock()
    private var sessions: [String: PostgresSession] = [:]
    private var prepared = false

    /// A target for the store at `storeRoot`. Connects lazily.
    public init(url: PostgresURL, storeID: String, models: [String], storeRoot: String) throws(ProjectionError) {
        self.url = url
        self.storeID = storeID
        self.storeRoot = storeRoot
        let all = Projector.all(storeRoot: storeRoot)
        for name in models where !all.contains(where: { $0.name == name }) {
            throw ProjectionError(
                .unknownProjection,
                "no projection \(name); the projections are \(all.map(\.name).joined(separator: ", "))"
            )
        }
        projections = models.isEmpty ? all : all.filter { models.contains($0.name) }
        self.models = projections.map(\.name)
    }

    /// A store id: 1 to 64 of a–z, 0–9, `.`, `_`, `-`, starting with a letter or digit.
    public static func isValidStoreID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, id.unicodeScalars.count <= 64 else { return false }
        let allowed = { (c: Unicode.Scalar) in
            ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "-" || c == "_" || c == "."
        }
        return id.unicodeScalars.allSatisfy(allowed) && first != "-" && first != "." && first != "_"
    }

    // MARK: Sessions

    /// The connection model `name` is fed through (kept for the next catch-up), its search
    /// path on the model's schema; other names (`_admin`, `_copy0`) search nothing but
    /// PostgreSQL's own.
    func session(_ name: String) throws(ProjectionError) -> PostgresSession {
        if let open = sessions[name], open.isUsable { return open }
        let session = try PostgresSession(url)
        if projections.contains(where: { $0.name == name }) {
            try session.execute("SET search_path TO \(PostgresSchema.name(name)), \(PostgresSchema.functions)")
        } else if name == "_report" {
            try session.execute("SET search_path TO \(PostgresSchema.functions), pg_catalog")
        }
        sessions[name] = session
        return session
    }

    /// Forgets every connection (after a failure: the next call connects again).
    private func dropSessions() { sessions.removeAll() }

    private func schema(_ name: String) -> PostgresSchema? {
        projections.first { $0.name == name }.map(PostgresSchema.init)
    }

    /// Creates what is missing: the shared functions, each model's schema, tables, indexes and
    /// version. Serialised across processes by an advisory lock.
    public func prepare() throws(ProjectionError) {
        lock.lock()
        defer { lock.unlock() }
        try prepareLocked()
    }

    private func prepareLocked() throws(ProjectionError) {
        guard !prepared else { return }
        let session = try session("_admin")
        try session.transaction { () throws(ProjectionError) in
            try session.execute("SELECT pg_advisory_xact_lock(hashtext('docket:prepare'))")
            for statement in PostgresSchema.functionStatements { try session.execute(statement) }
            for projection in projections {
                let schema = PostgresSchema(projection: projection)
                for statement in schema.createTables(in: schema.name) + schema.createIndexes(in: schema.name) {
                    try session.execute(statement)
                }
                let version = try session.execute("SELECT schema_version FROM \(schema.name)._model")
                if version.isEmpty {
                    try session.execute("INSERT INTO \(schema.name)._model VALUES (\(projection.schemaVersion))")
                }
            }
        }
        prepared = true
    }

    // MARK: Catch-up

    /// What the target holds of this store, per model it has a schema for: the schema
    /// version, and the store's position and digest (0 and "" when the store was never loaded),
    /// in one round trip (a live feed asks on every catch-up).
    func heldAll() throws(ProjectionError) -> [String: (version: Int, position: UInt64, digest: String)] {
        let store = PostgresLiteral.text(storeID)
        let existing = try existingModels()
        guard !existing.isEmpty else { return [:] }
        let sql = projections.filter { existing.contains($0.name) }.map { projection in
            let schema = PostgresSchema.name(projection.name)
            return
                "SELECT \(PostgresLiteral.text(projection.name)), (SELECT schema_version FROM \(schema)._model LIMIT 1), c.position, c.digest FROM (SELECT 1) AS one LEFT JOIN \(schema)._checkpoints AS c ON c.store_id = \(store)"
        }.joined(separator: " UNION ALL ")
        var out: [String: (version: Int, position: UInt64, digest: String)] = [:]
        for row in try session("_admin").execute(sql) {
            guard row.count == 4, case .text(let name) = row[0], case .int(let version) = row[1] else { continue }
            if case .int(let position) = row[2], case .text(let digest) = row[3] {
                out[name] = (Int(version), UInt64(position), digest)
            } else {
                out[name] = (Int(version), 0, "")
            }
        }
        return out
    }

    /// The models whose schema the database holds (read-only: a replica answers).
    func existingModels() throws(ProjectionError) -> Set<String> {
        let names = projections.map { PostgresLiteral.text(PostgresSchema.name($0.name)) }.joined(separator: ", ")
        let rows = try session("_admin").execute(
            "SELECT nspname FROM pg_namespace n WHERE nspname IN (\(names)) AND EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = '_checkpoints')"
        )
        return Set(
            rows.compactMap { row in
                guard case .text(let schema)? = row.first else { return nil }
                return String(schema.dropFirst("docket_".count))
            }
        )
    }

    /// Why the target refuses to be fed from `log`, or `nil`: the log no longer reaches the
    /// position the target holds, or has another digest there.
    func divergence(
        _ model: String,
        held: (position: UInt64, digest: String),
        _ digests: DigestCache
    ) throws(ProjectionError) -> String? {
        let (position, digest) = (held.position, held.digest)
        let log = digests.log
        guard position > 0, !digest.isEmpty else { return nil }
        if position > log.lastPosition {
            return
                "the target holds store \(storeID)'s \(model) at position \(position), but its log ends at \(log.lastPosition): the store was restored from an older backup or cut back, or another store uses the id \(storeID). The target refuses it. Another store: give this one its own id (`docket projections target add postgres URL --store-id NAME`); this store restored: `docket rebuild --target postgres` replaces what the target holds under \(storeID)"
        }
        let actual = try digests.digest(at: position)
        guard actual == digest else {
            return
                "store \(storeID)'s log differs at position \(position) from what the target recorded of it (digest \(digest.prefix(16))…, the log has \(actual.prefix(16))…): it diverged, or another store uses the id \(storeID). The target refuses it. Another store: give this one its own id (`docket projections target add postgres URL --store-id NAME`); this store: `docket rebuild --target postgres` replaces what the target holds under \(storeID)"
        }
        return nil
    }

    /// Brings the target up to the log's last position: models the target does not hold for
    /// this store yet (or holds at another schema version) are loaded by a rebuild, the rest
    /// fed the events they lack. Refuses a store that went back or diverged
    /// (`store-diverged`). Returns the events applied (summed over models).
    @discardableResult
    public func catchUp(
        projector: Projector,
        progress: (String, UInt64) -> Void = { _, _ in }
    ) throws(ProjectionError) -> Int {
        try locked { () throws(ProjectionError) -> Int in
            try prepareLocked()
            let log = projector.log
            let digests = DigestCache(log)
            let all = try heldAll()
            var feed: [any Projection] = []
            var load: [String] = []
            for projection in projections {
                guard let held = all[projection.name], held.version == projection.schemaVersion,
                    !held.digest.isEmpty
                else {
                    load.append(projection.name)
                    continue
                }
                if let reason = try divergence(projection.name, held: (held.position, held.digest), digests) {
                    throw ProjectionError(.storeDiverged, reason)
                }
                feed.append(projection)
            }
            var applied = 0
            if !load.isEmpty { applied += try rebuildLocked(load, projector: projector, progress: progress) }
            guard !feed.isEmpty else { return applied }
            var destinations: [any ModelDestination] = []
            for projection in feed {
                destinations.append(
                    PostgresDestination(
                        session: try session(projection.name),
                        schema: PostgresSchema(projection: projection),
                        storeID: storeID,
                        digest: { position in try digests.digest(at: position) }
                    )
                )
            }
            applied += try projector.feed(feed, into: destinations) { progress("postgres", $0) }
            return applied
        }
    }

    /// Runs `body` holding the target's lock; on a failure its connections are dropped and
    /// its preparation forgotten (the next call connects and checks again).
    private func locked<T>(_ body: () throws(ProjectionError) -> T) throws(ProjectionError) -> T {
        lock.lock()
        defer { lock.unlock() }
        do throws(ProjectionError) {
            return try body()
        } catch {
            dropSessions()
            prepared = false
            throw error
        }
    }

    // MARK: Rebuild

    /// Rebuilds models `names` (all the target holds when empty) for this store, blue/green:
    /// each is built from the log into a scratch SQLite file, copied with COPY into a new
    /// schema together with the other stores' rows, and swapped in with one transaction.
    /// Replaces whatever the target held of this store (a diverged store is loaded afresh).
    /// Returns the events the builds applied.
    @discardableResult
    public func rebuild(
        _ names: [String] = [],
        projector: Projector,
        progress: (String, UInt64) -> Void = { _, _ in }
    ) throws(ProjectionError) -> Int {
        try locked { () throws(ProjectionError) -> Int in
            try prepareLocked()
            for name in names where !models.contains(name) {
                throw ProjectionError(
                    .unknownProjection,
                    "the target holds no model \(name); it holds \(models.joined(separator: ", "))"
                )
            }
            return try rebuildLocked(names.isEmpty ? models : names, projector: projector, progress: progress)
        }
    }

    private func rebuildLocked(
        _ names: [String],
        projector: Projector,
        progress: (String, UInt64) -> Void
    ) throws(ProjectionError) -> Int {
        let end = projector.log.lastPosition
        let head: String
        do { head = try projector.log.indexedDigest(at: end).head.hex } catch {
            throw ProjectionError(.log, error.message)
        }
        // Every model in one pass over the log (as `docket rebuild` does), then each copied.
        let scratch = names.map { projector.path($0) + ".postgres-build" }
        defer {
            for file in scratch {
                for suffix in ["", "-wal", "-shm", "-journal", ".building"] {
                    try? FileManager.default.removeItem(atPath: file + suffix)
                }
            }
        }
        progress("building \(names.joined(separator: ", "))", 0)
        try projector.build(names, through: end, at: scratch)
        progress("copying \(names.joined(separator: ", ")) into PostgreSQL", end)
        // Two copies at a time, each on a connection of its own: the client encodes while
        // the server parses (measured: 13.5 s one at a time for 100,000 cases).
        let work = zip(names, scratch).compactMap { name, file in schema(name).map { ($0, file) } }
        let lanes = min(2, work.count)
        var connections: [PostgresSession] = []
        for lane in 0..<lanes { connections.append(try session("_copy\(lane)")) }
        let queue = WorkQueue(count: work.count)
        let lanesSessions = connections
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            while let i = queue.take() {
                do throws(ProjectionError) {
                    try load(work[i].0, from: work[i].1, through: end, digest: head, session: lanesSessions[lane])
                } catch {
                    queue.fail(error)
                }
            }
        }
        if let error = queue.failure { throw error }
        return Int(end) * names.count
    }

    /// The GRANT statements that give again what is granted on schema `name` and its tables
    /// to roles other than their owner (PUBLIC included).
    static func grants(on name: String, _ session: PostgresSession) throws(ProjectionError) -> [String] {
        let schema = PostgresLiteral.text(name)
        let grantee = "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END"
        let rows = try session.execute(
            """
            SELECT 'SCHEMA ' || quote_ident(n.nspname), \(grantee), a.privilege_type, a.is_grantable
            FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = \(schema) AND a.grantee <> n.nspowner
            UNION ALL
            SELECT 'TABLE ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname), \(grantee), a.privilege_type, a.is_grantable
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
            WHERE n.nspname = \(schema) AND c.relkind = 'r' AND a.grantee <> c.relowner
            """
        )
        return rows.compactMap { row in
            guard row.count == 4, case .text(let object) = row[0], case .text(let role) = row[1],
                case .text(let privilege) = row[2]
            else { return nil }
            let grantable = row[3] == .int(1)
            return "GRANT \(privilege) ON \(object) TO \(role)" + (grantable ? " WITH GRANT OPTION" : "")
        }
    }

    /// Deletes every row the target holds of this store, and its checkpoints (a store leaving
    /// the database: `docket projections target remove postgres --drop-rows`).
    public func dropRows() throws(ProjectionError) {
        lock.lock()
        defer { lock.unlock() }
        let session = try session("_admin")
        let me = PostgresLiteral.text(storeID)
        for projection in projections where try existingModels().contains(projection.name) {
            let schema = PostgresSchema(projection: projection)
            try session.transaction { () throws(ProjectionError) in
                try session.execute("SELECT pg_advisory_xact_lock(\(schema.lockKey))")
                for table in projection.schema.tables {
                    try session.execute("DELETE FROM \(schema.name).\(table.name) WHERE store_id = \(me)")
                }
                try session.execute("DELETE FROM \(schema.name)._checkpoints WHERE store_id = \(me)")
            }
        }
    }

    /// Copies the model file `scratch` into `<schema>_next`, adds the other stores' rows, and
    /// swaps it in.
    private func load(
        _ schema: PostgresSchema,
        from scratch: String,
        through end: UInt64,
        digest: String,
        session: PostgresSession
    ) throws(ProjectionError) {
        let next = schema.building
        // One load of a model at a time, across processes and stores: two would share the
        // `_next` schema (a session lock, held across the COPYs and released at the end).
        try session.execute("SELECT pg_advisory_lock(\(schema.loadLockKey))")
        defer { _ = try? session.execute("SELECT pg_advisory_unlock(\(schema.loadLockKey))") }
        let held = try session.execute("SELECT schema_version FROM \(schema.name)._model")
        if case .int(let version)? = held.first?.first, Int(version) > schema.projection.schemaVersion {
            throw ProjectionError(
                .target,
                "the target holds \(schema.projection.name) at schema version \(version), newer than this Docket's \(schema.projection.schemaVersion) (another store runs a newer Docket): upgrade this one; loading would drop the other stores' rows"
            )
        }
        try session.execute("DROP SCHEMA IF EXISTS \(next) CASCADE")
        for statement in schema.createTables(in: next) { try session.execute(statement) }
        var store: [UInt8] = []
        PostgresLiteral.copy(ModelValue.text(storeID), into: &store)
        let prefix = store + [0x09]
        for table in schema.projection.schema.tables {
            let reader = try ModelRowReader(file: scratch, table: table)
            try session.execute("SET search_path TO \(next)")
            defer { _ = try? session.execute("RESET search_path") }
            try session.copy(into: table.name, columns: ["store_id"] + table.columnNames) {
                var chunk: [UInt8] = []
                chunk.reserveCapacity(1 << 20 + 65_536)
                while chunk.count < 1 << 20 {
                    var first = true
                    chunk.append(contentsOf: prefix)
                    let more = try reader.nextRow { value in
                        if !first { chunk.append(0x09) }
                        first = false
                        PostgresLiteral.copy(value, into: &chunk)
                    }
                    guard more else {
                        chunk.removeLast(prefix.count)
                        break
                    }
                    chunk.append(0x0A)
                }
                return chunk.isEmpty ? nil : chunk
            }
        }
        try session.transaction { () throws(ProjectionError) in
            // No feed writes into the live schema from here until it is retired.
            try session.execute("SELECT pg_advisory_xact_lock(\(schema.lockKey))")
            let me = PostgresLiteral.text(storeID)
            let live = try session.execute(
                "SELECT schema_version FROM \(schema.name)._model"
            )
            if case .int(let version)? = live.first?.first, Int(version) == schema.projection.schemaVersion {
                // The other stores' rows and checkpoints move over as they are.
                for table in schema.projection.schema.tables {
                    try session.execute(
                        "INSERT INTO \(next).\(table.name) SELECT * FROM \(schema.name).\(table.name) WHERE store_id <> \(me)"
                    )
                }
                try session.execute(
                    "INSERT INTO \(next)._checkpoints SELECT * FROM \(schema.name)._checkpoints WHERE store_id <> \(me)"
                )
            }
            try session.execute(
                "INSERT INTO \(next)._checkpoints VALUES (\(me), \(end), \(PostgresLiteral.text(digest)), now())"
            )
            try session.execute("INSERT INTO \(next)._model VALUES (\(schema.projection.schemaVersion))")
            for statement in schema.createIndexes(in: next) { try session.execute(statement) }
            // What was granted on the live schema and its tables is granted on the new ones:
            // analysts' roles keep reading across a swap.
            for grant in try Self.grants(on: schema.name, session) {
                try session.execute(
                    grant.replacingOccurrences(of: " ON SCHEMA \(schema.name) ", with: " ON SCHEMA \(next) ")
                        .replacingOccurrences(of: " ON TABLE \(schema.name).", with: " ON TABLE \(next).")
                )
            }
            try session.execute("DROP SCHEMA IF EXISTS \(schema.retired) CASCADE")
            try session.execute("ALTER SCHEMA \(schema.name) RENAME TO \(schema.retired)")
            try session.execute("ALTER SCHEMA \(next) RENAME TO \(schema.name)")
            try session.execute("DROP SCHEMA \(schema.retired) CASCADE")
        }
        // Statistics for the planner, after the swap (ANALYZE inside it would hold its locks).
        for table in schema.projection.schema.tables {
            _ = try? session.execute("ANALYZE \(schema.name).\(table.name)")
        }
        // The model's own feed connection caches nothing about the retired schema's tables
        // (names are resolved per statement), but its projection's caches describe the old
        // rows: the next feed starts them afresh (its label's position differs).
    }
}

/// Indexes handed out to workers, and the first failure (which stops the rest).
private final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let count: Int
    private(set) var failure: ProjectionError?

    init(count: Int) { self.count = count }

    func take() -> Int? {
        lock.withLock {
            guard failure == nil, next < count else { return nil }
            next += 1
            return next - 1
        }
    }

    func fail(_ error: ProjectionError) { lock.withLock { failure = failure ?? error } }
}

/// The log's digest at positions, each computed once (every model of a catch-up records it).
final class DigestCache: @unchecked Sendable {
    private let lock = NSLock()
    private var known: [UInt64: String] = [:]
    let log: EventLog

    init(_ log: EventLog) { self.log = log }

    func digest(at position: UInt64) throws(ProjectionError) -> String {
        if let hit = lock.withLock({ known[position] }) { return hit }
        let head: String
        do { head = try log.indexedDigest(at: position).head.hex } catch { throw ProjectionError(.log, error.message) }
        lock.withLock { known[position] = head }
        return head
    }
}
