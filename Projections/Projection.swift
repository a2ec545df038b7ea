import CertificationWire

/// A read model: tables built from the log's events, one event at a time.
///
/// A projection only consumes events. Each keeps its rows and its checkpoint (the last position
/// applied) in its own database file (or its own PostgreSQL schema), written in the same
/// transaction, so it is exactly once:
/// a crash loses a whole transaction or nothing, and catch-up resumes after the checkpoint.
///
/// The projector feeds each projection from one thread at a time (projections of one feed run
/// on threads of their own), so a projection may keep unsynchronised caches between calls.
///
/// Each read model is one unit: its schema and the schema's version, its handlers, and its
/// report's query (`<Model>+Report.swift`). Initialisers do no I/O.
public protocol Projection: Sendable {
    /// The projection's name (its file is `<store>/projections/<name>.sqlite`).
    var name: String { get }
    /// What it is for, one line (for `docket projections status`).
    var summary: String { get }
    /// The version of its tables and of what it writes into them. Raise it whenever either
    /// changes: a file written by another version is rebuilt (blue/green) before it is fed, and
    /// is not read until then (`PRAGMA user_version` holds the file's).
    var schemaVersion: Int { get }
    /// Its tables and secondary indexes, stated once for every storage (``ModelSchema``).
    var schema: ModelSchema { get }
    /// Called before a run of events is fed (a catch-up or a build). See ``FeedContext``.
    func willFeed(_ context: FeedContext)
    /// Applies one event, writing through `storage` (SQLite or PostgreSQL: the same code).
    func apply(_ event: RecordedDomainEvent, _ storage: any ModelStorage) throws
    /// Called last in each transaction, before the checkpoint: projections that defer writes
    /// (a row touched by many events of a transaction is written once) write them here.
    func willCommit(_ storage: any ModelStorage) throws
    /// Called after a transaction through `position` committed.
    func didCommit(through position: UInt64)
    /// Its report's query with these filters, ages and lapses counted at `today`; `nil` for a
    /// model with no report (candidate search has its own read).
    func report(_ filters: Report.Filters, today: String) -> ReportQuery?
}

extension Projection {
    public func willFeed(_ context: FeedContext) {}
    public func willCommit(_ storage: any ModelStorage) throws {}
    /// Its tables and the columns that order their rows, for fingerprints.
    public var tables: [(table: String, orderBy: String)] { schema.tables.map { ($0.name, $0.orderBy) } }
    public func didCommit(through position: UInt64) {}
    public func report(_ filters: Report.Filters, today: String) -> ReportQuery? { nil }
}
