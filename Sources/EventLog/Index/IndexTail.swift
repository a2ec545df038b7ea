/// What the log holds beyond the index file: kept in memory until the next index write.
struct IndexTail {
    var streams: [String: [IndexEntry]] = [:]
    var blocks: [BlockLocation] = []
    var keys: [String: KeyLocation] = [:]
    var eventCount = 0

    var isEmpty: Bool { blocks.isEmpty }
}

/// The index changes of one durable write, applied all at once after the sync.
struct IndexUpdate {
    var streamEvents: [(stream: String, entry: IndexEntry)] = []
    var blocks: [BlockLocation] = []
    var keys: [(key: String, location: KeyLocation)] = []
    var coverage: IndexCoverage?
}
