/// What the log holds beyond the index file, gathered for writing a new index file.
struct IndexTail {
    var streams: [String: [IndexEntry]] = [:]
    var blocks: [BlockLocation] = []
    var keys: [String: KeyLocation] = [:]
}

/// The index changes of one durable write, applied all at once after the sync.
struct IndexUpdate {
    /// Each event's stream (an id from ``StreamIndex/id(of:)``) and place.
    var streamEvents: [(stream: Int32, entry: IndexEntry)] = []
    var blocks: [BlockLocation] = []
    var keys: [(key: String, location: KeyLocation)] = []
    var coverage: IndexCoverage?
}
