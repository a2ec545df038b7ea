/// What a projection learns before a run of events: which file it is fed into, from which
/// position, and how to read a case's earlier events when its cache does not hold the case.
///
/// Projections that cache state between events keep it only while the file and position go
/// on from where their last committed transaction left them; anything else (another file, a
/// failed transaction) starts them afresh.
public struct FeedContext: Sendable {
    /// The database file being fed.
    public var file: String
    /// The last position the file already holds.
    public var after: UInt64
    /// The log's earlier events of a case.
    public var history: CaseEventSource

    public init(file: String, after: UInt64, history: CaseEventSource) {
        self.file = file
        self.after = after
        self.history = history
    }
}
