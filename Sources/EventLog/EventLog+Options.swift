import Chronology
import Logging

extension EventLog {
    /// When an append counts as done.
    public enum Durability: Sendable, Hashable {
        /// Every acknowledged append is on disk (`fdatasync` before acknowledging). The default.
        case sync
        /// No sync per append: for bulk imports, which call ``EventLog/flush()`` (or close) once
        /// at the end. A crash loses what was not yet flushed — never anything flushed.
        case noSync
    }

    /// How a log is opened.
    public struct Options: Sendable {
        /// Who holds the store for writing, in a few words (`docket serve`): written beside the
        /// pid in the lock file, so a second writer's error says who to turn to.
        public var lockHolder = ""
        /// When appends are acknowledged.
        public var durability: Durability = .sync
        /// The raw size a block of events aims for; smaller blocks make random reads cheaper.
        /// 4 KiB: on the shared peer workload (cases interleaved in time, so each event of a
        /// stream sits in its own block) one-stream reads took p50 21 µs / p99 49 µs against
        /// 32 / 72 µs with 8 KiB, for 90.5 bytes an event on disk against 85.7 (docket-bench log
        /// --workload, three runs each); appends and scans did not change beyond the noise.
        public var blockSize = 4 * 1024
        /// The largest event (payload plus metadata).
        public var maximumEventSize = 4 * 1024 * 1024
        /// The most events one append may hold.
        public var maximumEventsPerAppend = 100_000
        /// The most payload and metadata bytes one append may hold. With ``segmentSize`` it keeps
        /// every block offset below 4 GiB (a segment never holds more than one append past its size).
        public var maximumAppendSize = 256 * 1024 * 1024
        /// A segment is sealed once it reaches this size; at most 2 GiB.
        public var segmentSize: UInt64 = 64 * 1024 * 1024 {
            didSet { segmentSize = min(max(segmentSize, 1024), 2 << 30) }
        }
        /// The index file is rewritten once this many events are held only in memory, which
        /// bounds the scan after a crash.
        public var indexCheckpointEvents = 1_000_000
        /// Closing rewrites the index file only when at least this many events are held only
        /// in memory (0: always); fewer are found again by the next opening's scan of the log
        /// after the file, which costs far less than rewriting a file that grows with the log
        /// (57 MB at 100,000 cases: a third of a one-command `docket submit`).
        public var closeCheckpointEvents = 0
        /// Groups of at least this many events have their hash chain computed on a second core.
        var parallelHashingThreshold = 256
        /// Where the log reports what it does (no event content is ever logged).
        public var logger = Logger(label: "docket.event-log")
        /// Called by the writer after each group commit (for metrics): the events it held and how
        /// long its write and its sync took. Runs on the writer's or the syncer's thread: it must be quick.
        public var onGroupCommitted: (@Sendable (GroupCommit) -> Void)?
        /// Called by the writer before it writes a group holding events, so that what those
        /// events refer to outside the log (files the caller wrote before appending) is made
        /// durable first — once per group rather than once per append. A failure fails the
        /// group (nothing of it is written) and stops the writer, as a failed write would.
        public var beforeGroupWrite: (@Sendable () throws(EventLogError) -> Void)?

        /// The defaults: synced appends, 64 MiB segments, 8 KiB blocks.
        public init() {}
    }
}

/// One group commit, as the writer reports it.
public struct GroupCommit: Sendable {
    /// Events written by the group (0 for a flush alone).
    public var events: Int
    /// Seconds spent in `pwrite`.
    public var writeSeconds: Double
    /// Seconds spent in `fdatasync` (0 when the group was not synced).
    public var syncSeconds: Double
}

extension EventLog.Options {
    /// Why the log would refuse `request` (a limit of these options, or a malformed request),
    /// or `nil` when it would take it. A refused request changes nothing and stops nothing;
    /// callers check first so that their own state never gets ahead of what the log took.
    public func problem(with request: AppendRequest) -> EventLogError? {
        guard !request.streams.isEmpty, request.eventCount > 0 else {
            return EventLogError(.invalidAppend, "an append needs at least one event")
        }
        guard request.eventCount <= maximumEventsPerAppend else {
            return EventLogError(
                .invalidAppend,
                "an append may hold at most \(maximumEventsPerAppend) events; split it"
            )
        }
        if let key = request.idempotencyKey, key.utf8.isEmpty || key.utf8.count > EventRecordCodec.maximumKeyLength {
            return EventLogError(.invalidAppend, "idempotency keys are 1 to \(EventRecordCodec.maximumKeyLength) bytes")
        }
        var totalBytes = 0
        for part in request.streams {
            for event in part.events { totalBytes += event.payload.count + event.metadata.count }
        }
        guard totalBytes <= maximumAppendSize else {
            return EventLogError(
                .invalidAppend,
                "an append of \(totalBytes) bytes exceeds the limit of \(maximumAppendSize); split it"
            )
        }
        for part in request.streams {
            guard !part.stream.utf8.isEmpty, part.stream.utf8.count <= EventRecordCodec.maximumStreamLength else {
                return EventLogError(
                    .invalidAppend,
                    "stream ids are 1 to \(EventRecordCodec.maximumStreamLength) bytes"
                )
            }
            for event in part.events {
                guard !event.type.utf8.isEmpty, event.type.utf8.count <= EventRecordCodec.maximumTypeLength else {
                    return EventLogError(
                        .invalidAppend,
                        "event types are 1 to \(EventRecordCodec.maximumTypeLength) bytes"
                    )
                }
                guard event.payload.count + event.metadata.count <= maximumEventSize else {
                    return EventLogError(
                        .invalidAppend,
                        "an event of \(event.payload.count + event.metadata.count) bytes exceeds the limit of \(maximumEventSize)"
                    )
                }
                guard abs(Int(event.occurredAt.utcOffsetSeconds)) < 86_400 else {
                    return EventLogError(.invalidAppend, "UTC offsets must be under 24 hours")
                }
            }
        }
        return nil
    }
}
