import Certification

/// Recently used case records, bounded so the write side's memory stays flat however many cases
/// the store holds. A miss costs one indexed stream read from the log.
///
/// Eviction is by age of last use, in bulk (the older half at once), and never drops a record
/// with events that are decided but not yet durable: the log cannot give those back.
struct CaseCache {
    private var records: [String: (record: CaseState, used: UInt64)] = [:]
    private var clock: UInt64 = 0
    /// The size at which eviction is next tried (raised when little could be evicted, so a cache
    /// full of not-yet-durable records is not scanned on every insert).
    private var nextEviction: Int
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        nextEviction = self.capacity + 1
    }

    var count: Int { records.count }

    mutating func get(_ id: String) -> CaseState? {
        guard var entry = records[id] else { return nil }
        clock &+= 1
        entry.used = clock
        records[id] = entry
        return entry.record
    }

    /// Stores `record`; when full, evicts the older half of the records durable through
    /// `durablePosition`.
    mutating func put(_ id: String, _ record: CaseState, durablePosition: UInt64) {
        clock &+= 1
        records[id] = (record, clock)
        guard records.count >= nextEviction else { return }
        let evictable = records.filter { $0.value.record.lastPosition <= durablePosition }.map {
            (id: $0.key, used: $0.value.used)
        }
        let sorted = evictable.sorted { $0.used < $1.used }
        for entry in sorted.prefix(max(1, capacity / 2)) { records[entry.id] = nil }
        nextEviction = max(capacity, records.count) + max(1, capacity / 4)
    }

    mutating func removeAll() { records.removeAll() }
}
