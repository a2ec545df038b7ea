/// Where a read model's rows and checkpoint live while it is fed: its SQLite file
/// (``SQLiteDestination``) or its schema in a PostgreSQL database (module ProjectionsPostgres).
///
/// Each transaction reads the stored checkpoint, applies events through a ``ModelStorage``, and
/// writes the new checkpoint before it commits: the rows and the position move together, so a
/// feed is exactly once whatever kills it.
public protocol ModelDestination: AnyObject {
    /// Names the destination to the projection's caches (``FeedContext/file``): caches kept for
    /// one destination are never used for another.
    var label: String { get }
    /// The position the destination holds.
    func checkpoint() throws(ProjectionError) -> UInt64
    /// Runs `body` in one transaction with the checkpoint stored when it began; `body` returns
    /// the position to store, written in the same transaction.
    func transaction(_ body: (any ModelStorage, _ stored: UInt64) throws -> UInt64) throws(ProjectionError)
    /// A transaction that applied an erasure committed: what the destination keeps of
    /// overwritten data outside its tables (SQLite's write-ahead log) should go now.
    func didApplyErasure()
}
