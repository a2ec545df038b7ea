import GRDB

/// A read model: SQLite tables built from the log's events, one event at a time.
///
/// A projection only consumes events. Each keeps its rows and its checkpoint (the last position
/// applied) in its own database file, written in the same transaction, so it is exactly once:
/// a crash loses a whole transaction or nothing, and catch-up resumes after the checkpoint.
///
/// The projector feeds each projection from one thread at a time (projections of one feed run
/// on threads of their own), so a projection may keep unsynchronised caches between calls.
public protocol Projection: Sendable {
    /// The projection's name (its file is `<store>/projections/<name>.sqlite`).
    var name: String { get }
    /// What it is for, one line (for `docket projections status`).
    var summary: String { get }
    /// Its tables and the columns that order their rows, for fingerprints. Private helper tables
    /// (lookups the projection keeps for itself) are listed too: they are part of its state.
    var tables: [(table: String, orderBy: String)] { get }
    /// Creates the tables (no secondary indexes: a rebuild loads first, indexes after).
    func createTables(_ db: Database) throws
    /// Creates the secondary indexes.
    func createIndexes(_ db: Database) throws
    /// Called before a run of events is fed (a catch-up or a build). See ``FeedContext``.
    func willFeed(_ context: FeedContext)
    /// Applies one event.
    func apply(_ event: ProjectedEvent, _ db: Database) throws
    /// Called last in each transaction, before the checkpoint: projections that defer writes
    /// (a row touched by many events of a transaction is written once) write them here.
    func willCommit(_ db: Database) throws
    /// Called after a transaction through `position` committed.
    func didCommit(through position: UInt64)
}

extension Projection {
    public func willFeed(_ context: FeedContext) {}
    public func willCommit(_ db: Database) throws {}
    public func didCommit(through position: UInt64) {}
}
