/// The live stream index: the immutable index file plus everything appended since, shared by
/// the writer and any number of readers.
///
/// Only the writer thread mutates it (after each durable write, before acknowledging), always
/// under the lock; readers take the lock for each lookup.
final class StreamIndex: @unchecked Sendable {
    // All mutable state is guarded by `lock`.
    private let lock = ConditionLock()
    private var base: IndexFile?
    private var tail = IndexTail()
    private var coverageState: IndexCoverage

    init(base: IndexFile?, coverage: IndexCoverage) {
        self.base = base
        coverageState = coverage
    }

    /// The end of what the index holds (and so of what readers may see).
    var coverage: IndexCoverage { lock.withLock { coverageState } }
    var lastPosition: UInt64 { lock.withLock { coverageState.lastPosition } }

    /// The stream's current version (0 if it has no events).
    func version(of stream: String) -> UInt64 {
        lock.withLock { UInt64((base?.stream(named: stream)?.count ?? 0) + (tail.streams[stream]?.count ?? 0)) }
    }

    /// The index entries of the stream's events with versions in `versions`, in version order.
    func entries(of stream: String, versions: ClosedRange<UInt64>) -> [(version: UInt64, entry: IndexEntry)] {
        lock.withLock {
            let slot = base?.stream(named: stream)
            let baseCount = UInt64(slot?.count ?? 0)
            let tailEntries = tail.streams[stream] ?? []
            let total = baseCount + UInt64(tailEntries.count)
            let low = max(versions.lowerBound, 1)
            let high = min(versions.upperBound, total)
            guard total > 0, low <= high else { return [] }
            var out: [(UInt64, IndexEntry)] = []
            out.reserveCapacity(Int(high - low + 1))
            for v in low...high {
                if v <= baseCount {
                    out.append((v, base!.entry(slot!.firstEntry + Int(v - 1))))
                } else {
                    out.append((v, tailEntries[Int(v - baseCount - 1)]))
                }
            }
            return out
        }
    }

    /// A block at or before `position`, as close as the index knows: the exact block for the
    /// in-memory tail, the nearest anchor (within ``IndexFile/anchorInterval`` blocks) for the file.
    func block(atOrBefore position: UInt64) -> BlockLocation? {
        lock.withLock {
            if let first = tail.blocks.first, position >= first.firstPosition {
                var low = 0
                var high = tail.blocks.count
                while low < high {
                    let mid = (low + high) / 2
                    if tail.blocks[mid].firstPosition <= position { low = mid + 1 } else { high = mid }
                }
                return tail.blocks[low - 1]
            }
            return base?.anchor(atOrBefore: position)
        }
    }

    /// Where an idempotency key's append lives, if the key was used.
    func key(_ key: String) -> KeyLocation? {
        lock.withLock { tail.keys[key] ?? base?.key(named: key) }
    }

    /// Adds the effects of one durable write.
    func apply(_ update: IndexUpdate) {
        lock.withLock {
            for (stream, entry) in update.streamEvents { tail.streams[stream, default: []].append(entry) }
            tail.blocks.append(contentsOf: update.blocks)
            for (key, location) in update.keys { tail.keys[key] = location }
            tail.eventCount += update.streamEvents.count
            if let coverage = update.coverage { coverageState = coverage }
        }
    }

    /// How many events the in-memory tail holds.
    var tailEventCount: Int { lock.withLock { tail.eventCount } }

    /// The bytes of an index file covering everything, for the writer to persist.
    func serialized() -> (bytes: [UInt8], coverage: IndexCoverage) {
        lock.withLock {
            (IndexFileWriter.build(base: base, tail: tail, coverage: coverageState), coverageState)
        }
    }

    /// Replaces the base with a freshly written file that covers the whole tail.
    func adopt(_ file: IndexFile) {
        lock.withLock {
            base = file
            tail = IndexTail()
        }
    }

    /// A consistent copy of the index content for comparisons (verification).
    func withContents<T>(_ body: (IndexFile?, IndexTail) -> T) -> T { lock.withLock { body(base, tail) } }
}
