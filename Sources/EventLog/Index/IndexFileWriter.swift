/// Builds a new index file from the current file and the in-memory tail, as its sections in
/// file order (header and anchors, streams, entries, keys, string pool, checksum), for the
/// writer to write one after another.
///
/// Streams and keys are merged in their on-disk order (hash, then name), so writing costs one
/// pass over the old file plus a sort of the tail's names — never a per-stream dictionary of the
/// whole log. Each section is sized before it is filled and none is copied into a whole-file
/// buffer: the index grows with the log (about 66 bytes an event, most of it the idempotency
/// keys), and building it once took up to three times its size in memory (sections growing by
/// doubling, then the file assembled from them) — at 1,000,000 cases, over a gigabyte at each
/// checkpoint.
enum IndexFileWriter {
    static func build(base: IndexFile?, tail: IndexTail, coverage: IndexCoverage) -> [[UInt8]] {
        let tailEvents = tail.streams.values.reduce(0) { $0 + $1.count }
        let tailNameBytes =
            tail.streams.keys.reduce(0) { $0 + $1.utf8.count } + tail.keys.keys.reduce(0) { $0 + $1.utf8.count }
        var pool = ByteWriter(capacity: (base?.poolSize ?? 0) + tailNameBytes)
        var streamRows = ByteWriter(capacity: ((base?.streamCount ?? 0) + tail.streams.count) * IndexFile.streamSize)
        var entries = ByteWriter(capacity: ((base?.entryCount ?? 0) + tailEvents) * IndexFile.entrySize)
        var keyRows = ByteWriter(capacity: ((base?.keyCount ?? 0) + tail.keys.count) * IndexFile.keySize)
        var streamCount = 0
        var entryCount = 0
        var keyCount = 0

        // Streams: merge base order with the sorted tail.
        let tailStreams = tail.streams.map {
            (hash: Checksum.hashString($0.key), name: Array($0.key.utf8), positions: $0.value)
        }
        .sorted { $0.hash != $1.hash ? $0.hash < $1.hash : $0.name.lexicographicallyPrecedes($1.name) }
        var bi = 0
        var ti = 0
        let baseStreams = base?.streamCount ?? 0
        func writeEntry(_ e: IndexEntry) {
            entries.writeUInt64(e.position)
            entries.writeUInt32(e.segment)
            entries.writeUInt32(e.offset)
        }
        func emitStream(hash: UInt64, name: UnsafeRawBufferPointer, baseSlot: (Int, Int)?, tailPositions: [IndexEntry]?)
        {
            let first = entryCount
            if let (start, count) = baseSlot, let base {
                for e in start..<(start + count) { writeEntry(base.entry(e)) }
                entryCount += count
            }
            if let tailPositions {
                for e in tailPositions { writeEntry(e) }
                entryCount += tailPositions.count
            }
            streamRows.writeUInt64(hash)
            streamRows.writeUInt64(UInt64(pool.count))
            streamRows.writeUInt32(UInt32(name.count))
            streamRows.writeUInt32(UInt32(entryCount - first))
            streamRows.writeUInt64(UInt64(first))
            pool.writeBytes(name)
            streamCount += 1
        }
        while bi < baseStreams || ti < tailStreams.count {
            if ti >= tailStreams.count {
                emitStream(
                    hash: base!.streamHash(at: bi),
                    name: base!.streamName(at: bi),
                    baseSlot: base!.streamSlot(at: bi),
                    tailPositions: nil
                )
                bi += 1
                continue
            }
            let t = tailStreams[ti]
            if bi >= baseStreams {
                t.name.withUnsafeBytes { emitStream(hash: t.hash, name: $0, baseSlot: nil, tailPositions: t.positions) }
                ti += 1
                continue
            }
            let bh = base!.streamHash(at: bi)
            let bn = base!.streamName(at: bi)
            let order: Int = bh != t.hash ? (bh < t.hash ? -1 : 1) : compare(bn, t.name)
            if order < 0 {
                emitStream(hash: bh, name: bn, baseSlot: base!.streamSlot(at: bi), tailPositions: nil)
                bi += 1
            } else if order > 0 {
                t.name.withUnsafeBytes { emitStream(hash: t.hash, name: $0, baseSlot: nil, tailPositions: t.positions) }
                ti += 1
            } else {
                emitStream(hash: bh, name: bn, baseSlot: base!.streamSlot(at: bi), tailPositions: t.positions)
                bi += 1
                ti += 1
            }
        }

        // Keys: same merge.
        let tailKeys = tail.keys.map {
            (hash: Checksum.hashString($0.key), name: Array($0.key.utf8), location: $0.value)
        }
        .sorted { $0.hash != $1.hash ? $0.hash < $1.hash : $0.name.lexicographicallyPrecedes($1.name) }
        func emitKey(hash: UInt64, name: UnsafeRawBufferPointer, location: KeyLocation) {
            keyRows.writeUInt64(hash)
            keyRows.writeUInt64(UInt64(pool.count))
            keyRows.writeUInt32(UInt32(name.count))
            keyRows.writeUInt32(location.eventCount)
            keyRows.writeUInt64(location.firstPosition)
            pool.writeBytes(name)
            keyCount += 1
        }
        bi = 0
        ti = 0
        let baseKeys = base?.keyCount ?? 0
        while bi < baseKeys || ti < tailKeys.count {
            let takeBase: Bool
            if ti >= tailKeys.count {
                takeBase = true
            } else if bi >= baseKeys {
                takeBase = false
            } else {
                let bh = base!.keyHash(at: bi)
                let t = tailKeys[ti]
                takeBase = bh != t.hash ? bh < t.hash : compare(base!.keyName(at: bi), t.name) <= 0
            }
            if takeBase {
                emitKey(hash: base!.keyHash(at: bi), name: base!.keyName(at: bi), location: base!.keyLocation(at: bi))
                bi += 1
            } else {
                let t = tailKeys[ti]
                t.name.withUnsafeBytes { emitKey(hash: t.hash, name: $0, location: t.location) }
                ti += 1
            }
        }

        // Anchors: the base's, then every anchorInterval-th block of the tail.
        let baseBlocks = base?.blockCount ?? 0
        let blockCount = baseBlocks + tail.blocks.count
        var tailAnchors: [BlockLocation] = []
        for (i, block) in tail.blocks.enumerated() where (baseBlocks + i) % IndexFile.anchorInterval == 0 {
            tailAnchors.append(block)
        }
        let anchorCount = (base?.anchorCount ?? 0) + tailAnchors.count
        var head = ByteWriter(capacity: IndexFile.headerSize + anchorCount * IndexFile.anchorSize)
        head.writeBytes(IndexFile.magic)
        head.writeUInt32(1)
        head.writeUInt32(0)
        head.writeUInt64(coverage.lastPosition)
        head.writeUInt64(coverage.segment)
        head.writeUInt64(coverage.lastFrameOffset)
        head.writeUInt64(coverage.endOffset)
        head.writeBytes(coverage.head.bytes)
        head.writeUInt64(UInt64(anchorCount))
        head.writeUInt64(UInt64(streamCount))
        head.writeUInt64(UInt64(entryCount))
        head.writeUInt64(UInt64(keyCount))
        head.writeUInt64(UInt64(pool.count))
        head.writeUInt64(UInt64(blockCount))
        if let base {
            head.writeBytes(
                UnsafeRawBufferPointer(
                    rebasing: base.bytes[
                        IndexFile.headerSize..<(IndexFile.headerSize + base.anchorCount * IndexFile.anchorSize)
                    ]
                )
            )
        }
        for b in tailAnchors {
            head.writeUInt64(b.firstPosition)
            head.writeUInt32(b.eventCount)
            head.writeUInt32(b.segment)
            head.writeUInt64(b.offset)
            head.writeBytes(b.headBefore.bytes)
        }
        var sections = [head.bytes, streamRows.bytes, entries.bytes, keyRows.bytes, pool.bytes]
        var sum = ByteWriter(capacity: 8)
        sum.writeUInt64(Checksum.xxh3(sections))
        sections.append(sum.bytes)
        return sections
    }

    private static func compare(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
        b.withUnsafeBytes { bb in
            let n = min(a.count, bb.count)
            for i in 0..<n where a[i] != bb[i] { return a[i] < bb[i] ? -1 : 1 }
            return a.count == bb.count ? 0 : (a.count < bb.count ? -1 : 1)
        }
    }
}
