import GRDB

/// A read model: SQLite tables built from the log's events, one event at a time.
///
/// A projection only consumes events. Each keeps its rows and its checkpoint (the last position
/// applied) in its own database file, written in the same transaction, so it is exactly once:
/// a crash loses a whole transaction or nothing, and catch-up resumes after the checkpoint.
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
    /// Applies one event.
    func apply(_ event: ProjectedEvent, _ db: Database) throws
    /// See the extension's default.
    func willFeed()
}

extension Projection {
    /// Called before a run of events is fed (a catch-up or a build): projections that cache
    /// state for speed drop it here, since the next run may be into another file.
    public func willFeed() {}
}
