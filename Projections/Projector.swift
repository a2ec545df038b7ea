import CertificationWire
import Chronology
import EventLog
import Foundation
import GRDB

/// Builds and keeps the read models of a store: catch-up after appends, blue/green rebuilds,
/// builds of the log as it stood at a position (for audits), and fingerprints.
///
/// Each projection lives in `<store>/projections/<name>.sqlite` with its checkpoint inside.
/// A rebuild writes `<name>.sqlite.building` and renames it over the live file only when it is
/// complete and synced, so readers never see a half-built model and a crash leaves the old one.
public final class Projector: @unchecked Sendable {
    /// Every read model of a store, in the order status lists them (nothing is read or
    /// written: the key for identity-number hashes is made when a model is first fed).
    public static func all(storeRoot: String) -> [any Projection] {
        let key = StoreKey(storeRoot: storeRoot)
        return [
            CaseProjection(), TimelineProjection(), BatchStatisticsProjection(), RevenueProjection(),
            RetakeProjection(),
            CertificateProjection(), ComplaintProjection(), AuditFindingsProjection(key: key),
            CandidateSearchProjection(key: key),
        ]
    }

    /// The names of the read models.
    public static let names = [
        "cases", "timelines", "batches", "revenue", "retakes", "certificates", "complaints", "findings", "search",
    ]

    public let log: EventLog
    /// The keys personal data opens under.
    public let keys: (any PersonalDataKeys)?
    public let directory: String
    public let projections: [any Projection]
    /// One feed at a time: the projections' caches belong to the feed in progress.
    private let feeding = NSRecursiveLock()
    /// Open connections to live models, kept from one catch-up to the next (opening nine files
    /// cost more than a small catch-up, and the projections' caches stay valid), each with the
    /// file's inode: a file replaced by a rebuild (here or in another process) is reopened.
    private var live: [String: (queue: DatabaseQueue, inode: UInt64)] = [:]
    /// Read-only pools for views (``currentCaseView(_:now:)``, ``currentTimeline(_:)``).
    let readers = ModelReaders()
    /// Fingerprints kept for ``servedStatus(reuseFingerprintsFor:)``.
    let fingerprintCache = FingerprintCache()

    /// Set by ``interruptFeeds()``: feeds stop after the transaction in progress.
    private let interrupted = InterruptFlag()

    /// Stops every feed in progress, and every later one, after its current transaction (each
    /// model keeps a consistent checkpoint): a server shutting down does not wait for a long
    /// catch-up.
    public func interruptFeeds() { interrupted.set() }

    /// Events read per batch, and applied per transaction to a live model.
    public var batchSize = 32_768
    /// Events applied per transaction to a model being built (see ``FeedTarget``).
    var eventsPerBuildTransaction = 1 << 20
    /// Feeds of fewer events than this run on the caller's thread (threads cost more than they
    /// save on a small catch-up).
    var parallelThreshold: UInt64 = 4_096

    /// A projector for the store at `storeRoot` with every read model. Opens nothing: files are
    /// opened when first read or fed.
    public convenience init(storeRoot: String, log: EventLog, keys: (any PersonalDataKeys)?) {
        self.init(storeRoot: storeRoot, log: log, keys: keys, projections: Self.all(storeRoot: storeRoot))
    }

    /// - Parameter keys: the store's keys of sealed personal data (``PersonalSeal``): a read
    ///   model fed without them shows every sealed field as erased.
    public init(storeRoot: String, log: EventLog, keys: (any PersonalDataKeys)?, projections: [any Projection]) {
        self.log = log
        self.keys = keys
        directory = storeRoot + "/projections"
        self.projections = projections
    }

    /// The live file of projection `name`.
    public func path(_ name: String) -> String { directory + "/" + name + ".sqlite" }

    /// The projections named (all when `names` is empty).
    public func select(_ names: [String]) throws(ProjectionError) -> [any Projection] {
        guard !names.isEmpty else { return projections }
        return try names.map { (name: String) throws(ProjectionError) -> any Projection in
            guard let p = projections.first(where: { $0.name == name }) else {
                let known = projections.map(\.name).joined(separator: ", ")
                throw ProjectionError(.unknownProjection, "no projection \(name); the projections are \(known)")
            }
            return p
        }
    }

    // MARK: Catch-up

    /// Brings the projections up to the log's last position in one pass over the log; returns
    /// the events applied (summed over projections).
    @discardableResult
    public func catchUp(
        _ names: [String] = [],
        progress: (String, UInt64) -> Void = { _, _ in }
    ) throws(ProjectionError) -> Int {
        feeding.lock()
        defer { feeding.unlock() }
        try makeDirectory()
        var targets: [FeedTarget] = []
        for projection in try select(names) {
            let file = path(projection.name)
            let queue = try liveQueue(projection)
            targets.append(
                FeedTarget(
                    projection: projection,
                    destination: SQLiteDestination(queue: queue, file: file),
                    after: try Self.checkpoint(queue),
                    eventsPerTransaction: batchSize
                )
            )
        }
        return try feed(targets, through: log.lastPosition) { progress("read models", $0) }
    }

    /// Whether `name`'s live file can serve reads: this build's schema, not ahead of the log.
    /// (Checked once per file by readers; see ``ModelReaders``.)
    func schemaVersion(of name: String) -> Int? { projections.first { $0.name == name }?.schemaVersion }

    /// The live model's connection, opened (and created empty) when needed. A file this
    /// build cannot feed — written by another schema version, or ahead of the log (the log was
    /// cut back, or an older backup restored) — is rebuilt blue/green first.
    func liveQueue(_ projection: any Projection) throws(ProjectionError) -> DatabaseQueue {
        let file = path(projection.name)
        let inode = Self.inode(file)
        if let open = live[projection.name], inode != nil, open.inode == inode { return open.queue }
        var queue = try Self.openLive(file, projection)
        if try Self.staleness(queue, projection, logPosition: log.lastPosition) != nil {
            try? queue.close()
            let building = file + ".building"
            try build([projection], at: [building], through: log.lastPosition) { _ in }
            try Self.replace(file, with: building)
            queue = try Self.openLive(file, projection)
        }
        if let inode = Self.inode(file) { live[projection.name] = (queue, inode) }
        return queue
    }

    /// Why the model in `queue` cannot be fed from `logPosition` on, or `nil` when it can.
    static func staleness(
        _ queue: DatabaseQueue,
        _ projection: any Projection,
        logPosition: UInt64
    ) throws(ProjectionError) -> String? {
        let (version, position): (Int, UInt64)
        do {
            (version, position) = try queue.read { db in
                (
                    try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0,
                    UInt64(try Int64.fetchOne(db, sql: "SELECT position FROM _checkpoint") ?? 0)
                )
            }
        } catch {
            throw ProjectionError(.database, "cannot read \(projection.name)'s version: \(error)")
        }
        return Self.staleness(fileVersion: version, position: position, projection, logPosition: logPosition)
    }

    /// Why a model file of schema `fileVersion` at `position` cannot serve a log at
    /// `logPosition`, or `nil` when it can.
    static func staleness(
        fileVersion: Int,
        position: UInt64,
        _ projection: any Projection,
        logPosition: UInt64
    ) -> String? {
        if fileVersion != projection.schemaVersion {
            return "schema version \(fileVersion) on file, this build writes \(projection.schemaVersion)"
        }
        if position > logPosition {
            return
                "ahead of the log (model at position \(position), log at \(logPosition): the log was cut back or restored from an older backup)"
        }
        return nil
    }

    static func inode(_ file: String) -> UInt64? {
        var info = stat()
        return stat(file, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    // MARK: Rebuild

    /// Rebuilds projections from position 1 into new files, in one pass over the log, and swaps
    /// each in atomically.
    public func rebuild(
        _ names: [String] = [],
        progress: (String, UInt64) -> Void = { _, _ in }
    ) throws(ProjectionError) {
        feeding.lock()
        defer { feeding.unlock() }
        try makeDirectory()
        let selected = try select(names)
        let files = selected.map { path($0.name) + ".building" }
        try build(selected, at: files, through: log.lastPosition) { progress("read models", $0) }
        for (projection, building) in zip(selected, files) { try Self.replace(path(projection.name), with: building) }
    }

    /// Builds projection `name` into `path` (not swapped in) from the events through
    /// `position` that `include` admits (all when `nil`): the log as it stood then, or the events
    /// up to a business time.
    public func build(
        _ name: String,
        through position: UInt64,
        at path: String,
        include: (@Sendable (RecordedEvent) -> Bool)? = nil
    ) throws(ProjectionError) {
        feeding.lock()
        defer { feeding.unlock() }
        try makeDirectory()
        guard let projection = try select([name]).first else { return }
        let building = path + ".building"
        try build([projection], at: [building], through: min(position, log.lastPosition), include: include) { _ in }
        try Self.replace(path, with: building)
    }

    /// Builds projections `names` into `paths` (one each, not swapped in) from the events
    /// through `position`, in one pass over the log: what a copy into another storage loads.
    public func build(_ names: [String], through position: UInt64, at paths: [String]) throws(ProjectionError) {
        feeding.lock()
        defer { feeding.unlock() }
        try makeDirectory()
        let selected = try select(names)
        let building = paths.map { $0 + ".building" }
        try build(selected, at: building, through: min(position, log.lastPosition)) { _ in }
        for (path, file) in zip(paths, building) { try Self.replace(path, with: file) }
    }

    /// The last position whose `recordedAt` is at or before `moment` (what the log held then).
    public func position(asOf moment: Timestamp) throws(ProjectionError) -> UInt64 {
        var cursor = log.events(from: 1)
        var last: UInt64 = 0
        do throws(EventLogError) {
            while let event = try cursor.next() {
                if event.recordedAt <= moment { last = event.position }
            }
        } catch {
            throw ProjectionError(.log, error.message)
        }
        return last
    }

    private func build(
        _ projections: [any Projection],
        at files: [String],
        through end: UInt64,
        include: (@Sendable (RecordedEvent) -> Bool)? = nil,
        progress: (UInt64) -> Void
    ) throws(ProjectionError) {
        var targets: [FeedTarget] = []
        var queues: [DatabaseQueue] = []
        do {
            for (projection, building) in zip(projections, files) {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    try? FileManager.default.removeItem(atPath: building + suffix)
                }
                var configuration = Configuration()
                configuration.prepareDatabase { db in
                    // A build owns its file: no journal, no syncs until the end, and a page cache
                    // large enough that SQLite does not re-read and re-write pages it evicted.
                    try db.execute(
                        sql:
                            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA secure_delete = ON"
                    )
                }
                let queue = try DatabaseQueue(path: building, configuration: configuration)
                try queue.write { db in
                    try Self.createCheckpoint(db)
                    try projection.schema.createTables(db)
                    try db.execute(sql: "PRAGMA user_version = \(projection.schemaVersion)")
                }
                targets.append(
                    FeedTarget(
                        projection: projection,
                        destination: SQLiteDestination(queue: queue, file: building),
                        after: 0,
                        eventsPerTransaction: eventsPerBuildTransaction
                    )
                )
                queues.append(queue)
            }
            _ = try feed(targets, through: end, include: include, progress: progress)
            // An interrupted build is incomplete: it is never finished nor swapped in.
            if interrupted.isSet {
                for queue in queues { try? queue.close() }
                throw ProjectionError(.io, "the build was interrupted (the server is shutting down)")
            }
            for (target, queue) in zip(targets, queues) {
                try queue.write { db in
                    try target.projection.schema.createIndexes(db)
                    // Every position through `end` was considered, even those `include` left out.
                    try db.execute(sql: "UPDATE _checkpoint SET position = ?", arguments: [Int64(end)])
                }
                try queue.close()
            }
        } catch let error as ProjectionError {
            throw error
        } catch {
            throw ProjectionError(.database, "building \(projections.map(\.name).joined(separator: ", ")): \(error)")
        }
    }

    /// Feeds `projections` into `destinations` (one each, in order) from each destination's
    /// checkpoint through `end` (the log's last position when `nil`), in one pass over the log
    /// and transactions of `eventsPerTransaction` events; returns the events applied (summed).
    ///
    /// For destinations other than the store's own files (a PostgreSQL target): the
    /// projections should be instances of their own (``all(storeRoot:)``), since a projection's
    /// caches belong to one destination.
    public func feed(
        _ projections: [any Projection],
        into destinations: [any ModelDestination],
        through end: UInt64? = nil,
        eventsPerTransaction: Int? = nil,
        progress: (UInt64) -> Void = { _ in }
    ) throws(ProjectionError) -> Int {
        var targets: [FeedTarget] = []
        for (projection, destination) in zip(projections, destinations) {
            targets.append(
                FeedTarget(
                    projection: projection,
                    destination: destination,
                    after: try destination.checkpoint(),
                    eventsPerTransaction: eventsPerTransaction ?? batchSize
                )
            )
        }
        return try feed(targets, through: end ?? log.lastPosition, progress: progress)
    }

    /// Applies the events after each target's position through `end`, in one pass over the log
    /// and in transactions of ``batchSize`` events, each ending with the target's checkpoint.
    /// Large feeds give each projection a thread of its own.
    private func feed(
        _ targets: [FeedTarget],
        through end: UInt64,
        include: (@Sendable (RecordedEvent) -> Bool)? = nil,
        progress: (UInt64) -> Void
    ) throws(ProjectionError) -> Int {
        guard let start = targets.map(\.after).min().map({ $0 + 1 }), start <= end else { return 0 }
        let history = CaseEventSource(log: log, keys: keys)
        var targets = targets
        for i in targets.indices {
            targets[i].history = history
            targets[i].projection.willFeed(
                FeedContext(file: targets[i].destination.label, after: targets[i].after, history: history)
            )
        }
        var cursor = log.events(from: start)
        var position = start - 1
        func nextBatch() throws(ProjectionError) -> [RecordedDomainEvent] {
            var batch: [RecordedDomainEvent] = []
            batch.reserveCapacity(batchSize)
            do throws(EventLogError) {
                while batch.count < batchSize, position < end, let recorded = try cursor.next() {
                    position = recorded.position
                    if let include, !include(recorded) { continue }
                    batch.append(try RecordedDomainEvent(recorded, keys: keys))
                }
            } catch {
                throw ProjectionError(.log, error.message)
            }
            return batch
        }
        guard end - start >= parallelThreshold else {
            var applied = 0
            while position < end, !interrupted.isSet {
                let batch = try nextBatch()
                if batch.isEmpty { break }
                for i in targets.indices { applied += try targets[i].apply(batch, through: position) }
                progress(position)
            }
            return applied
        }
        let workers = targets.map(FeedWorker.init)
        var readError: ProjectionError?
        reading: while position < end, !interrupted.isSet {
            let batch: [RecordedDomainEvent]
            do throws(ProjectionError) { batch = try nextBatch() } catch {
                readError = error
                break
            }
            if batch.isEmpty { break }
            for worker in workers where !worker.send(batch, through: position) { break reading }
            progress(position)
        }
        var applied = 0
        var firstError: ProjectionError?
        for worker in workers {
            do throws(ProjectionError) { applied += try worker.finish() } catch { firstError = firstError ?? error }
        }
        if let error = readError ?? firstError { throw error }
        return applied
    }

    // MARK: Status

    /// One projection's state.
    public struct Status: Sendable {
        public var name: String
        public var summary: String
        /// The last position applied (0 when never built).
        public var position: UInt64
        /// Events in the log not yet applied.
        public var lag: UInt64
        /// Each table's fingerprint.
        public var fingerprints: [(table: String, fingerprint: String)]
        /// The position the fingerprints describe (``position`` unless they were reused; see
        /// ``servedStatus(reuseFingerprintsFor:)``).
        public var fingerprintedAt: UInt64
        /// The schema version this build writes.
        public var schemaVersion: Int
        /// The schema version of the file (0 when there is no file, or it predates versions).
        public var fileSchemaVersion: Int
        /// Why the file cannot serve until it is rebuilt (done on the next update or catch-up),
        /// or `nil`.
        public var rebuildReason: String?
    }

    /// Every projection's position, lag and fingerprints, computed now (read-only; see
    /// ``servedStatus(reuseFingerprintsFor:)``, which this is with nothing reused but the
    /// fingerprints of a model that has not moved).
    public func status() throws(ProjectionError) -> [Status] {
        try servedStatus(reuseFingerprintsFor: .zero)
    }

    /// A difference between a live model and a fresh rebuild.
    public struct Difference: Sendable, CustomStringConvertible {
        public var projection: String
        public var table: String
        public var live: String
        public var rebuilt: String
        public var description: String {
            "\(projection).\(table): live \(live.prefix(16))…, rebuilt \(rebuilt.prefix(16))…"
        }
    }

    /// Brings the live models up to date, rebuilds each into a scratch file and compares every
    /// table's fingerprint.
    public func check(_ names: [String] = []) throws(ProjectionError) -> [Difference] {
        feeding.lock()
        defer { feeding.unlock() }
        try catchUp(names)
        var differences: [Difference] = []
        for projection in try select(names) {
            let scratch = path(projection.name) + ".check"
            try build([projection], at: [scratch], through: log.lastPosition) { _ in }
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let live = try Self.fingerprints(projection, try Self.openLive(path(projection.name), projection))
            let fresh = try Self.fingerprints(projection, try Self.open(scratch))
            for ((table, a), (_, b)) in zip(live, fresh) where a != b {
                differences.append(Difference(projection: projection.name, table: table, live: a, rebuilt: b))
            }
        }
        return differences
    }

    // MARK: Files

    private func makeDirectory() throws(ProjectionError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ProjectionError(.io, "cannot create \(directory): \(error)")
        }
    }

    /// Opens a model file for writing. A build's page cache is large (64 MiB: its index inserts
    /// touch pages all over the file); a live model's, kept open by a server for its lifetime
    /// and fed small batches, is 16 MiB (nine models at 64 MiB each grew a server past half a
    /// gigabyte; a 250,000-event catch-up took 13.8 s instead of 13.3 s with the smaller cache).
    static func open(_ path: String, cacheMiB: Int = 64) throws(ProjectionError) -> DatabaseQueue {
        do {
            var configuration = Configuration()
            // Another process feeding the same model (two catch-ups at once) is waited for.
            configuration.busyMode = .timeout(30)
            let cacheKiB = cacheMiB * 1024
            configuration.prepareDatabase { db in
                try db.execute(
                    // secure_delete: what an erasure overwrites is zeroed in the file, not left in
                    // free pages (issue 17).
                    sql:
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -\(cacheKiB); PRAGMA secure_delete = ON"
                )
            }
            // Switching a new file to write-ahead logging needs it to itself: SQLite answers
            // SQLITE_BUSY at once, without its busy handler, while another connection is making
            // the same file (two catch-ups starting together). Wait and try again.
            var attempts = 0
            while true {
                do {
                    return try DatabaseQueue(path: path, configuration: configuration)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempts < 200 {
                    attempts += 1
                    usleep(25_000)
                }
            }
        } catch {
            throw ProjectionError(.database, "cannot open \(path): \(error)")
        }
    }

    /// Opens a live projection, creating it empty (checkpoint 0) if it does not exist.
    static func openLive(_ path: String, _ projection: any Projection) throws(ProjectionError) -> DatabaseQueue {
        let queue = try open(path, cacheMiB: 16)
        do {
            try queue.write { db in
                guard try !db.tableExists("_checkpoint") else { return }
                try createCheckpoint(db)
                try projection.schema.createTables(db)
                try projection.schema.createIndexes(db)
                try db.execute(sql: "PRAGMA user_version = \(projection.schemaVersion)")
            }
        } catch {
            throw ProjectionError(.database, "cannot prepare \(path): \(error)")
        }
        return queue
    }

    static func createCheckpoint(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE _checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL);
                INSERT INTO _checkpoint VALUES (1, 0);
                """
        )
    }

    /// Opens a model file read-only (a build of a past moment, which never changes).
    static func openReadOnly(_ path: String) throws(ProjectionError) -> DatabaseQueue {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw ProjectionError(.database, "cannot open \(path): \(error)")
        }
    }

    /// The checkpoint of the model file at `path` (0 when it has none).
    public func checkpoint(of path: String) throws(ProjectionError) -> UInt64 {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return UInt64(try queue.read { db in try Int64.fetchOne(db, sql: "SELECT position FROM _checkpoint") } ?? 0)
        } catch {
            throw ProjectionError(.database, "cannot read the checkpoint of \(path): \(error)")
        }
    }

    static func checkpoint(_ queue: DatabaseQueue) throws(ProjectionError) -> UInt64 {
        do {
            return UInt64(try queue.read { db in try Int64.fetchOne(db, sql: "SELECT position FROM _checkpoint") } ?? 0)
        } catch {
            throw ProjectionError(.database, "cannot read the checkpoint: \(error)")
        }
    }

    static func fingerprints(
        _ projection: any Projection,
        _ queue: DatabaseQueue
    ) throws(ProjectionError) -> [(
        table: String, fingerprint: String
    )] {
        do {
            return try queue.read { db in
                try projection.tables.map {
                    ($0.table, try Fingerprint.of(table: $0.table, orderBy: $0.orderBy, in: db))
                }
            }
        } catch {
            throw ProjectionError(.database, "cannot fingerprint \(projection.name): \(error)")
        }
    }

    /// Makes `building` durable and renames it over `live` (then syncs the directory), after
    /// switching it to write-ahead logging for its readers.
    static func replace(_ live: String, with building: String) throws(ProjectionError) {
        do {
            let queue = try DatabaseQueue(path: building)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try queue.close()
        } catch {
            throw ProjectionError(.database, "cannot finish \(building): \(error)")
        }
        try Durable.sync(path: building)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: live + suffix) }
        guard rename(building, live) == 0 else {
            throw ProjectionError(.io, "cannot rename \(building) to \(live): \(String(cString: strerror(errno)))")
        }
        try Durable.sync(path: (live as NSString).deletingLastPathComponent, directory: true)
    }
}

/// A flag set once, read from any thread.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
