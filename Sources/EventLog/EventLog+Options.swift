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
        /// When appends are acknowledged.
        /// Who holds the store for writing, in a few words (`docket serve`): written beside the
        /// pid in the lock file, so a second writer's error says who to turn to.
        public var lockHolder = ""
        public var durability: Durability = .sync
        /// The raw size a block of events aims for; smaller blocks make random reads cheaper.
        public var blockSize = 8 * 1024
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
        /// Groups of at least this many events have their hash chain computed on a second core.
        var parallelHashingThreshold = 256
        /// Where the log reports what it does (no event content is ever logged).
        public var logger = Logger(label: "docket.event-log")
        /// Called by the writer after each group commit (for metrics): the events it held and how
        /// long its write and its sync took. Runs on the writer thread: it must be quick.
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
