import Chronology
import Foundation
import Logging
import MerkleTree

/// Docket's source of truth: an append-only log of events, LZ4-compressed, checksummed and
/// hash-chained, with a per-stream index.
///
/// One process writes (an exclusive lock on the store); any number read. Appends are
/// acknowledged only once durable, and concurrent appends share syncs. The log stores opaque
/// metadata and payloads: it knows streams, versions, positions and times, nothing of cases.
///
/// ```swift
/// try EventLog.create(at: "/var/lib/docket")
/// let log = try EventLog.open(at: "/var/lib/docket")
/// let result = try await log.append(AppendRequest(stream: "case-1", expectedVersion: .noStream, events: [event]))
/// let history = try log.read(stream: "case-1")
/// try log.close()
/// ```
public final class EventLog: Sendable {
    /// The store's files.
    public let layout: StoreLayout
    /// What open found: a torn tail cut, an index rebuilt.
    public let recovery: RecoveryReport
    /// `false` when opened with ``open(at:readOnly:options:)`` `readOnly: true`.
    public let isWritable: Bool

    private let catalog: SegmentCatalog
    private let index: StreamIndex
    private let reader: LogReader
    private let writer: LogWriter?
    private let watcher: HeadWatcher
    private let lock: StoreLock?
    /// The Merkle tree over the events (`nil` for a reader of a store that never had one).
    private let merkle: MerkleLog?
    /// The version of the byte layout this build writes (segment headers carry it; see
    /// docs/LOG_FORMAT.md).
    public static var formatVersion: Int { Int(SegmentHeader.formatVersion) }

    /// The options it was opened with (its limits).
    private let options: Options

    private init(
        layout: StoreLayout,
        opened: OpenedLog,
        writer: LogWriter?,
        watcher: HeadWatcher,
        lock: StoreLock?,
        merkle: MerkleLog?,
        options: Options
    ) {
        self.layout = layout
        self.merkle = merkle
        self.options = options
        recovery = opened.report
        isWritable = writer != nil
        catalog = opened.catalog
        index = opened.index
        reader = LogReader(catalog: opened.catalog, index: opened.index)
        self.writer = writer
        self.watcher = watcher
        self.lock = lock
    }

    /// Creates an empty store at `path` (the directory may exist but must not hold a log).
    /// - Throws: ``EventLogError`` if a log is already there or the files cannot be made durable.
    public static func create(at path: String) throws(EventLogError) {
        let layout = StoreLayout(root: path)
        try FileSystem.createDirectory(layout.root)
        if FileSystem.isDirectory(layout.logDirectory), try !FileSystem.list(layout.logDirectory).isEmpty {
            throw EventLogError(.invalidAppend, "a store already exists at \(layout.root)")
        }
        try FileSystem.createDirectory(layout.logDirectory)
        try FileSystem.syncDirectory(layout.root)
        _ = try SegmentFactory.create(layout: layout, number: 1, basePosition: 1, previousHead: .genesis)
    }

    /// `true` if a store exists at `path`.
    public static func exists(at path: String) -> Bool {
        FileSystem.isDirectory(StoreLayout(root: path).logDirectory)
    }

    /// Opens the store at `path`, recovering from a crash if needed.
    ///
    /// A writer takes the store's lock, cuts a torn tail (reported in ``recovery``) and starts its
    /// thread. A reader takes no lock and sees the log as it was when opened (plus, for the
    /// writer's own process, everything appended since).
    /// - Throws: ``EventLogError`` with `storeLocked` (another writer), `corruption` (damage
    ///   that is not a torn tail, with its place), `acknowledgedDataMissing`, or `io`.
    /// - Complexity: O(events after the index file's coverage); with a current index, no scan.
    public static func open(
        at path: String,
        readOnly: Bool = false,
        options: Options = Options()
    ) throws(EventLogError) -> EventLog {
        let layout = StoreLayout(root: path)
        let lock = readOnly ? nil : try StoreLock.acquire(layout, holder: options.lockHolder)
        let opened = try LogRecovery.open(layout: layout, writable: !readOnly)
        if !opened.report.isClean {
            options.logger.notice(
                "recovered the event log",
                metadata: [
                    "truncatedBytes": "\(opened.report.truncatedBytes)",
                    "discardedEvents": "\(opened.report.discardedEvents)",
                    "indexRebuilt": "\(opened.report.indexRebuilt)",
                ]
            )
        }
        let watcher = HeadWatcher(position: opened.nextPosition - 1)
        let merkle = try MerkleLog.open(
            layout: layout,
            reader: LogReader(catalog: opened.catalog, index: opened.index),
            lastPosition: opened.nextPosition - 1,
            writable: !readOnly
        )
        var writer: LogWriter?
        if !readOnly {
            writer = LogWriter(opened: opened, layout: layout, options: options, watcher: watcher)
            try writer!.start()
        }
        return EventLog(
            layout: layout,
            opened: opened,
            writer: writer,
            watcher: watcher,
            lock: lock,
            merkle: merkle,
            options: options
        )
    }

    // MARK: Appending

    /// Appends atomically and returns once the events are durable.
    /// - Throws: ``EventLogError`` with `versionConflict`, `invalidAppend`, `writerFailed`,
    ///   `closed` or `readOnly`; nothing is written when it throws.
    public func append(_ request: AppendRequest) async throws(EventLogError) -> AppendResult {
        guard let writer else { throw EventLogError(.readOnly, "the log was opened read-only") }
        let result = await withCheckedContinuation { continuation in
            writer.submit(request) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Appends atomically, blocking the calling thread until the events are durable.
    public func appendAndWait(_ request: AppendRequest) throws(EventLogError) -> AppendResult {
        guard let writer else { throw EventLogError(.readOnly, "the log was opened read-only") }
        let semaphore = DispatchSemaphore(value: 0)
        let box = ResultBox()
        writer.submit(request) { result in
            box.set(result)
            semaphore.signal()
        }
        semaphore.wait()
        return try box.get()!.get()
    }

    /// Queues an append and calls `completion` (on the log's writing or syncing thread) once it
    /// is durable or refused. Appends queued together share one sync; completions run in queue
    /// order.
    public func append(
        _ request: AppendRequest,
        completion: @escaping @Sendable (Result<AppendResult, EventLogError>) -> Void
    ) {
        guard let writer else {
            completion(.failure(EventLogError(.readOnly, "the log was opened read-only")))
            return
        }
        writer.submit(request, completion: completion)
    }

    /// Syncs everything appended so far (needed only with ``Durability/noSync``).
    public func flush() throws(EventLogError) {
        try writer?.flush()
    }

    /// Drains pending appends, syncs, writes the index file (when at least
    /// ``Options/closeCheckpointEvents`` events are not in it) and releases the lock.
    public func close() throws(EventLogError) {
        watcher.close()
        defer { lock?.release() }
        // The tree is brought up to what was appended (anything later, or after a failure, on
        // the next open: it is derived from the log, so closing never fails for it).
        if let writer, (try? writer.flush()) != nil { try? merkle?.catchUp(to: index.lastPosition) }
        try writer?.close()
    }

    // MARK: Reading

    /// The last position readers can see (0 for an empty log).
    public var lastPosition: UInt64 { index.lastPosition }

    /// Why this log would refuse `request` (see ``Options/problem(with:)``), or `nil`.
    public func problem(with request: AppendRequest) -> EventLogError? { options.problem(with: request) }

    /// The stream's current version (0 if it has no events).
    public func version(of stream: String) -> UInt64 { index.version(of: stream) }

    /// The stream's events with versions in `from...to`.
    /// - Complexity: one block read per distinct block holding the events.
    public func read(stream: String, from: UInt64 = 1, to: UInt64 = .max) throws(EventLogError) -> [RecordedEvent] {
        guard from <= to else { return [] }
        return try reader.readStream(stream, versions: from...to)
    }

    /// The event at `position`.
    public func event(at position: UInt64) throws(EventLogError) -> RecordedEvent {
        guard let event = try reader.events(position, position).first else {
            throw EventLogError(.positionOutOfRange, "position \(position) is not in the log", position: position)
        }
        return event
    }

    /// The events of the append made with idempotency key `key`, or `nil` if no durable append
    /// used it. Callers compare them with a new request to tell a retry from a reuse.
    public func events(appendedWithKey key: String) throws(EventLogError) -> [RecordedEvent]? {
        guard let location = index.key(key), location.eventCount > 0 else { return nil }
        return try reader.events(location.firstPosition, location.firstPosition + UInt64(location.eventCount) - 1)
    }

    /// A cursor over the whole log from `position` up to the last position visible now.
    public func events(from position: UInt64 = 1) -> EventCursor {
        EventCursor(catalog: catalog, index: index, from: position, end: index.lastPosition)
    }

    /// Which time ``events(upTo:by:)`` compares.
    public enum TimeField: Sendable { case occurredAt, recordedAt }

    /// Every event whose business or recorded time is at or before `moment`, in log order.
    /// - Complexity: a full scan (business times are ordered only within a stream).
    public func events(upTo moment: Timestamp, by field: TimeField) throws(EventLogError) -> [RecordedEvent] {
        var cursor = events(from: 1)
        var out: [RecordedEvent] = []
        while let event = try cursor.next() {
            let time = field == .occurredAt ? event.occurredAt : event.recordedAt
            if time <= moment { out.append(event) }
        }
        return out
    }

    /// The digest (chain head) at `position`, or at the end of the log, recomputed from the
    /// first event and checked against the index on the way (see `LogReader.recomputedHead`).
    /// - Complexity: O(position).
    public func digest(at position: UInt64? = nil) throws(EventLogError) -> LogDigest {
        let p = position ?? index.lastPosition
        guard p <= index.lastPosition else {
            throw EventLogError(
                .positionOutOfRange,
                "position \(p) is beyond the end of the log (\(index.lastPosition))",
                position: p
            )
        }
        return LogDigest(position: p, head: try reader.recomputedHead(at: p))
    }

    /// The digest (chain head) at `position` from the index's head before the block holding it,
    /// extended over that block's records: O(one block), where ``digest(at:)`` recomputes from
    /// the first event. It trusts the index (which `docket verify` checks); what a reporting
    /// target records of a store, to tell a store that went back or diverged, is this.
    public func indexedDigest(at position: UInt64) throws(EventLogError) -> LogDigest {
        guard position <= index.lastPosition else {
            throw EventLogError(
                .positionOutOfRange,
                "position \(position) is beyond the end of the log (\(index.lastPosition))",
                position: position
            )
        }
        guard position > 0, let block = index.block(atOrBefore: position) else {
            return LogDigest(position: 0, head: .genesis)
        }
        var head = block.headBefore
        try reader.forEachRecord(from: block.firstPosition, through: position) { p, record in
            head = head.extended(position: p, record: record)
        }
        return LogDigest(position: position, head: head)
    }

    /// Every event from `first` through `last` (default: the end), in order, each lent to `body`
    /// in place (``BorrowedEvent``: nothing copied; copy what must outlive the call). Blocks are
    /// checked (checksums) and decompressed once each, as ``events(from:)`` does.
    public func scan(
        from first: UInt64 = 1,
        through last: UInt64? = nil,
        _ body: (BorrowedEvent) throws(EventLogError) -> Void
    ) throws(EventLogError) {
        try reader.forEachRecord(from: max(1, first), through: last ?? index.lastPosition) {
            (position, record) throws(EventLogError) in
            let event: BorrowedEvent
            do throws(DecodeError) {
                event = try BorrowedEvent(record: record, position: position)
            } catch {
                throw EventLogError(.corruption, "event record: \(error.reason)", position: position)
            }
            try body(event)
        }
    }

    // MARK: The Merkle tree

    /// How many events the Merkle tree holds (proofs are made for tree sizes up to it).
    public var treeSize: UInt64 { merkle?.size ?? 0 }

    /// Brings the Merkle tree up to the log's last event (a writer; see `MerkleLog`).
    public func updateTree() throws(EventLogError) {
        guard writer != nil else { throw EventLogError(.readOnly, "the Merkle tree grows only in the store's writer") }
        try requireTree().catchUp(to: index.lastPosition)
    }

    /// The root of the tree of the first `size` events.
    public func treeRoot(size: UInt64) throws(EventLogError) -> MerkleHash { try requireTree().root(size: size) }

    /// The proof that event `position` is in the tree of `treeSize` events (RFC 9162 §2.1.3).
    public func inclusionProof(position: UInt64, treeSize: UInt64) throws(EventLogError) -> [MerkleHash] {
        try requireTree().inclusionProof(position: position, size: treeSize)
    }

    /// The proof that the tree of `first` events is a prefix of the tree of `second` (RFC 9162 §2.1.4).
    public func consistencyProof(first: UInt64, second: UInt64) throws(EventLogError) -> [MerkleHash] {
        try requireTree().consistencyProof(first: first, second: second)
    }

    /// Event `position`'s leaf data: its salt and its canonical record bytes (the leaf hash is
    /// SHA-256(0x00 ‖ salt ‖ record)).
    public func leaf(at position: UInt64) throws(EventLogError) -> (salt: [UInt8], record: [UInt8]) {
        let tree = try requireTree()
        guard position >= 1, position <= index.lastPosition else {
            throw EventLogError(.positionOutOfRange, "no event at position \(position)", position: position)
        }
        var record: [UInt8] = []
        try reader.forEachRecord(from: position, through: position) { _, bytes in record = Array(bytes) }
        return (tree.salt(position: position), record)
    }

    /// The Merkle root over the first `size` events recomputed from the log's records (with the
    /// store's salt key), trusting nothing the tree file holds: what `docket verify --expect
    /// CHECKPOINT` compares with a signed root.
    /// - Complexity: O(size) (every record up to it read and hashed), O(log size) memory.
    public func recomputedTreeRoot(size: UInt64) throws(EventLogError) -> MerkleHash {
        try requireTree().recomputedRoot(size: size)
    }

    private func requireTree() throws(EventLogError) -> MerkleLog {
        guard let merkle else {
            throw EventLogError(
                .storeNotFound,
                "this store has no Merkle tree yet: open it once for writing (any command that writes, or `docket serve`) to build it"
            )
        }
        return merkle
    }

    /// Events from `position` on, then each new event as it is appended (in this process).
    /// The sequence pulls: a slow consumer holds nothing up and buffers nothing.
    public func subscribe(from position: UInt64 = 1) -> LiveEvents {
        LiveEvents(catalog: catalog, index: index, watcher: watcher, from: position)
    }
}
