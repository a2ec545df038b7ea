/// The live stream index: the immutable index file plus everything appended since, shared by
/// the writer and any number of readers.
///
/// Streams seen since the file was written are interned to small integer ids, so appending an
/// event costs one hash of its stream name and no allocation: each id keeps its version and a
/// linked list of its entries in one flat array. Only the writer thread mutates the index (after
/// each durable write, before acknowledging), always under the lock; readers lock per lookup.
final class StreamIndex: @unchecked Sendable {
    /// One stream's state beyond the index file.
    private struct StreamState {
        var name: String
        /// Events of the stream in the index file.
        var baseCount: Int
        var tailCount: Int32 = 0
        var tailFirst: Int32 = -1
        var tailLast: Int32 = -1
    }

    private struct LinkedEntry {
        var entry: IndexEntry
        var next: Int32
    }

    // All mutable state is guarded by `lock`.
    private let lock = ConditionLock()
    private var base: IndexFile?
    /// Stream ids by the XXH3 of the name's bytes, confirmed by comparing names (a `String`-keyed
    /// dictionary costs a SipHash and a string comparison per event; this is several times cheaper).
    private var ids: [UInt64: Int32] = [:]
    /// Ids of streams whose hash collides with another stream's (practically never used).
    private var collided: [String: Int32] = [:]
    private var streams: [StreamState] = []
    private var entries: [LinkedEntry] = []
    private var blocks: [BlockLocation] = []
    private var keys: [String: KeyLocation] = [:]
    private var coverageState: IndexCoverage

    init(base: IndexFile?, coverage: IndexCoverage) {
        self.base = base
        coverageState = coverage
    }

    /// The end of what the index holds (and so of what readers may see).
    var coverage: IndexCoverage { lock.withLock { coverageState } }
    var lastPosition: UInt64 { lock.withLock { coverageState.lastPosition } }

    /// The id of `stream`, or `nil` if it has none yet. Call with the lock held.
    private func existingID(_ stream: String, hash: UInt64) -> Int32? {
        guard let id = ids[hash] else { return nil }
        if streams[Int(id)].name == stream { return id }
        return collided[stream]
    }

    /// Interns `stream`. Call with the lock held.
    private func intern(_ stream: String) -> Int32 {
        let hash = Checksum.hashString(stream)
        if let id = existingID(stream, hash: hash) { return id }
        let id = Int32(streams.count)
        streams.append(StreamState(name: stream, baseCount: base?.stream(named: stream)?.count ?? 0))
        if ids[hash] == nil { ids[hash] = id } else { collided[stream] = id }
        return id
    }

    /// The id of `stream`, interning it if new. Ids stay valid until ``adopt(_:)``.
    func id(of stream: String) -> Int32 { lock.withLock { intern(stream) } }

    /// The id of `stream` (interned if new) and its current version, in one lookup.
    func idAndVersion(of stream: String) -> (id: Int32, version: UInt64) {
        lock.withLock {
            let id = intern(stream)
            let s = streams[Int(id)]
            return (id, UInt64(s.baseCount) + UInt64(s.tailCount))
        }
    }

    /// The version of the stream with id `id`.
    func version(ofID id: Int32) -> UInt64 {
        lock.withLock { UInt64(streams[Int(id)].baseCount) + UInt64(streams[Int(id)].tailCount) }
    }

    /// The stream's current version (0 if it has no events).
    func version(of stream: String) -> UInt64 {
        lock.withLock {
            if let id = existingID(stream, hash: Checksum.hashString(stream)) {
                return UInt64(streams[Int(id)].baseCount) + UInt64(streams[Int(id)].tailCount)
            }
            return UInt64(base?.stream(named: stream)?.count ?? 0)
        }
    }

    /// The index entries of the stream's events with versions in `versions`, in version order.
    func entries(of stream: String, versions: ClosedRange<UInt64>) -> [(version: UInt64, entry: IndexEntry)] {
        lock.withLock {
            let slot = base?.stream(named: stream)
            let baseCount = UInt64(slot?.count ?? 0)
            let state = existingID(stream, hash: Checksum.hashString(stream)).map { streams[Int($0)] }
            let total = baseCount + UInt64(state?.tailCount ?? 0)
            let low = max(versions.lowerBound, 1)
            let high = min(versions.upperBound, total)
            guard total > 0, low <= high else { return [] }
            var out: [(UInt64, IndexEntry)] = []
            out.reserveCapacity(Int(high - low + 1))
            var v = low
            while v <= min(high, baseCount) {
                out.append((v, base!.entry(slot!.firstEntry + Int(v - 1))))
                v += 1
            }
            if v <= high, let state {
                var link = state.tailFirst
                var version = baseCount + 1
                while link >= 0, version <= high {
                    let linked = entries[Int(link)]
                    if version >= v { out.append((version, linked.entry)) }
                    version += 1
                    link = linked.next
                }
            }
            return out
        }
    }

    /// A block at or before `position`, as close as the index knows: the exact block for the
    /// in-memory tail, the nearest anchor (within ``IndexFile/anchorInterval`` blocks) for the file.
    func block(atOrBefore position: UInt64) -> BlockLocation? {
        lock.withLock {
            if let first = blocks.first, position >= first.firstPosition {
                var low = 0
                var high = blocks.count
                while low < high {
                    let mid = (low + high) / 2
                    if blocks[mid].firstPosition <= position { low = mid + 1 } else { high = mid }
                }
                return blocks[low - 1]
            }
            return base?.anchor(atOrBefore: position)
        }
    }

    /// Where an idempotency key's append lives, if the key was used.
    func key(_ key: String) -> KeyLocation? {
        lock.withLock { keys[key] ?? base?.key(named: key) }
    }

    /// Adds the effects of one durable write.
    func apply(_ update: IndexUpdate) {
        lock.withLock {
            for (id, entry) in update.streamEvents {
                let link = Int32(entries.count)
                entries.append(LinkedEntry(entry: entry, next: -1))
                let s = Int(id)
                if streams[s].tailLast >= 0 {
                    entries[Int(streams[s].tailLast)].next = link
                } else {
                    streams[s].tailFirst = link
                }
                streams[s].tailLast = link
                streams[s].tailCount += 1
            }
            blocks.append(contentsOf: update.blocks)
            for (key, location) in update.keys { keys[key] = location }
            if let coverage = update.coverage { coverageState = coverage }
        }
    }

    /// How many events the in-memory tail holds.
    var tailEventCount: Int { lock.withLock { entries.count } }

    /// An index file covering everything, as its sections in file order, for the writer to persist.
    func serialized() -> (sections: [[UInt8]], coverage: IndexCoverage) {
        lock.withLock {
            var tail = IndexTail()
            tail.blocks = blocks
            tail.keys = keys
            for state in streams where state.tailCount > 0 {
                var list: [IndexEntry] = []
                list.reserveCapacity(Int(state.tailCount))
                var link = state.tailFirst
                while link >= 0 {
                    list.append(entries[Int(link)].entry)
                    link = entries[Int(link)].next
                }
                tail.streams[state.name] = list
            }
            return (IndexFileWriter.build(base: base, tail: tail, coverage: coverageState), coverageState)
        }
    }

    /// Replaces the base with a freshly written file that covers the whole tail. Stream ids
    /// handed out before are void afterwards.
    func adopt(_ file: IndexFile) {
        lock.withLock {
            base = file
            ids = [:]
            collided = [:]
            streams = []
            entries = []
            blocks = []
            keys = [:]
        }
    }
}
