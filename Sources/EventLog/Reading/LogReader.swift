/// Random-access reads through the stream index: a stream's events, one position, a digest.
///
/// Every block read is checked against what the index said it holds (the position, and each
/// event's stream and version), so a stale or damaged index can never return the wrong event.
struct LogReader: Sendable {
    let catalog: SegmentCatalog
    let index: StreamIndex

    /// Reads and decodes the events block at `offset` of `segment` (records located lazily).
    func readBlock(segment number: UInt32, offset: UInt64) throws(EventLogError) -> (FrameHeader, BlockRecords) {
        guard let segment = catalog.segment(UInt64(number)) else {
            throw EventLogError(.indexMismatch, "the index points into segment \(number), which does not exist")
        }
        let frame = try FrameIO.readFrame(segment, at: offset, catalog: catalog)
        guard frame.header.kind == .events else {
            throw EventLogError(
                .indexMismatch,
                "the index points at a frame that holds no events",
                file: segment.name,
                offset: offset
            )
        }
        return (
            frame.header, try FrameIO.records(frame, segment: segment, offset: offset, catalog: catalog, lazily: true)
        )
    }

    /// A stream's events with versions in `versions`, in order.
    /// - Complexity: one block read per distinct block holding the events.
    func readStream(_ stream: String, versions: ClosedRange<UInt64>) throws(EventLogError) -> [RecordedEvent] {
        let entries = index.entries(of: stream, versions: versions)
        var out: [RecordedEvent] = []
        out.reserveCapacity(entries.count)
        var current: (segment: UInt32, offset: UInt32, records: BlockRecords)?
        for (version, entry) in entries {
            if current == nil || current!.segment != entry.segment || current!.offset != entry.offset {
                current = (
                    entry.segment, entry.offset, try readBlock(segment: entry.segment, offset: UInt64(entry.offset)).1
                )
            }
            let position = entry.position
            guard position >= current!.records.firstPosition,
                position < current!.records.firstPosition + UInt64(current!.records.count)
            else {
                throw EventLogError(
                    .indexMismatch,
                    "the index places position \(position) in a block that does not hold it",
                    position: position
                )
            }
            let i = Int(position - current!.records.firstPosition)
            do throws(DecodeError) {
                try current!.records.locate(through: i)
            } catch {
                throw EventLogError(.corruption, "block records: \(error.reason)", position: position)
            }
            let records = current!.records
            guard records.streamEquals(i, stream), records.headers[i].version == version else {
                throw EventLogError(
                    .indexMismatch,
                    "the index says position \(position) is \(stream)@\(version), the log disagrees",
                    position: position
                )
            }
            do throws(DecodeError) {
                out.append(try records.event(at: i))
            } catch {
                throw EventLogError(.corruption, "event record: \(error.reason)", position: position)
            }
        }
        return out
    }

    /// The events at positions `first...last`.
    func events(_ first: UInt64, _ last: UInt64) throws(EventLogError) -> [RecordedEvent] {
        var cursor = EventCursor(catalog: catalog, index: index, from: first, end: last)
        var out: [RecordedEvent] = []
        while let event = try cursor.next() { out.append(event) }
        return out
    }

    /// Runs `body` over each record's canonical bytes (what the chain and the Merkle tree
    /// hash) from `first` through `last`, in order, a block at a time from the index's nearest anchor.
    func forEachRecord(
        from first: UInt64,
        through last: UInt64,
        _ body: (UInt64, UnsafeRawBufferPointer) throws(EventLogError) -> Void
    ) throws(EventLogError) {
        guard first <= last else { return }
        var cursor = EventCursor(catalog: catalog, index: index, from: first, end: last)
        while try cursor.nextRecord(body) {}
    }

    /// The chain head after `position`, recomputed from the first event: every record hashed
    /// in order, each segment's recorded previous head and each block the index knows checked
    /// against the running head. What a digest vouches for must be what the log holds now, not
    /// what the index remembers of it (a forged event with recomputed checksums would otherwise
    /// get the digest of the log before the forgery).
    /// - Throws: `indexMismatch` when the log disagrees with its index or a segment header (it
    ///   was changed after it was written); `positionOutOfRange` beyond the end.
    /// - Complexity: O(position): every event up to it is read and hashed.
    func recomputedHead(at position: UInt64) throws(EventLogError) -> ChainHash {
        var head = ChainHash.genesis
        if position == 0 { return head }
        var expected = catalog.numbers.first
        for number in catalog.numbers {
            guard number == expected, let segment = catalog.segment(number) else {
                throw EventLogError(
                    .corruption,
                    "segment \(expected.map(String.init) ?? "?") is missing: the log has a gap; run `docket verify`"
                )
            }
            expected = number + 1
            guard segment.header.previousHead == head else {
                throw EventLogError(
                    .indexMismatch,
                    "\(segment.name) says the chain before it ends differently from what its events hash to: the log was changed after it was written; run `docket verify`",
                    file: segment.name
                )
            }
            var scanner = SegmentScanner(segment: segment, limit: try segment.file.size())
            var offset = UInt64(SegmentHeader.size)
            frames: while true {
                switch try scanner.frame(at: offset) {
                case .frame(let header, let body):
                    let frameOffset = offset
                    offset += UInt64(header.frameLength)
                    switch header.kind {
                    case .dictionary: continue
                    case .seal: break frames
                    case .events:
                        if let block = index.block(atOrBefore: header.firstPosition),
                            block.firstPosition == header.firstPosition, block.headBefore != head
                        {
                            throw EventLogError(
                                .indexMismatch,
                                "the chain before position \(header.firstPosition) differs from what the index recorded: the log was changed after it was written; run `docket verify`",
                                file: segment.name,
                                offset: frameOffset,
                                position: header.firstPosition
                            )
                        }
                        let records = try FrameIO.records(
                            StoredFrame(header: header, body: body),
                            segment: segment,
                            offset: frameOffset,
                            catalog: catalog
                        )
                        for i in 0..<records.count {
                            let p = header.firstPosition + UInt64(i)
                            head = records.withRecordBytes(i) { head.extended(position: p, record: $0) }
                            if p == position { return head }
                        }
                    }
                case .end:
                    break frames
                case .bad:
                    throw EventLogError(
                        .corruption,
                        "a frame of \(segment.name) does not read back; run `docket verify`",
                        file: segment.name,
                        offset: offset
                    )
                }
            }
        }
        throw EventLogError(.positionOutOfRange, "position \(position) is not in the log", position: position)
    }
}
