/// Reads the log forward from a position, one event at a time, up to an end position.
///
/// Each block is checked (checksums) and decompressed once; events are decoded as they are
/// asked for. Damage is never skipped: it ends the read with an error naming the segment,
/// offset and position.
public struct EventCursor {
    private let catalog: SegmentCatalog
    /// The last position this cursor will return.
    public private(set) var end: UInt64
    /// The position the next call to ``next()`` returns.
    public private(set) var nextPosition: UInt64
    private var segmentNumber: UInt64
    private var offset: UInt64
    private var scanner: SegmentScanner?
    private var block: BlockRecords?
    private var indexInBlock = 0

    init(catalog: SegmentCatalog, index: StreamIndex, from position: UInt64, end: UInt64) {
        self.catalog = catalog
        self.end = end
        nextPosition = max(position, 1)
        if nextPosition <= end, let location = index.block(atOrBefore: nextPosition) {
            segmentNumber = UInt64(location.segment)
            offset = location.offset
        } else {
            // Nothing to read yet: position the cursor where the next block will appear.
            let coverage = index.coverage
            segmentNumber = coverage.segment
            offset = coverage.endOffset
        }
    }

    /// Lets a live reader go on to events appended since the cursor was made.
    mutating func extend(to newEnd: UInt64) { end = max(end, newEnd) }

    /// The next event, or `nil` once the end position has been returned.
    public mutating func next() throws(EventLogError) -> RecordedEvent? {
        while true {
            if nextPosition > end { return nil }
            if let block, indexInBlock < block.count {
                let position = block.firstPosition + UInt64(indexInBlock)
                indexInBlock += 1
                if position < nextPosition { continue }
                do throws(DecodeError) {
                    let event = try block.event(at: indexInBlock - 1)
                    nextPosition += 1
                    return event
                } catch {
                    throw EventLogError(
                        .corruption,
                        "event record: \(error.reason)",
                        file: currentName,
                        position: position
                    )
                }
            }
            try loadNextBlock()
        }
    }

    /// Runs `body` over the next event's canonical record bytes (what the chain and the
    /// Merkle tree hash) without decoding it; `false` once the end position was passed.
    mutating func nextRecord(
        _ body: (UInt64, UnsafeRawBufferPointer) throws(EventLogError) -> Void
    ) throws(EventLogError) -> Bool {
        while true {
            if nextPosition > end { return false }
            if let block, indexInBlock < block.count {
                let position = block.firstPosition + UInt64(indexInBlock)
                indexInBlock += 1
                if position < nextPosition { continue }
                try block.withRecordBytes(indexInBlock - 1) { (bytes) throws(EventLogError) in try body(position, bytes)
                }
                nextPosition += 1
                return true
            }
            try loadNextBlock()
        }
    }

    private var currentName: String { StoreLayout.relative(StoreLayout.segmentName(segmentNumber)) }

    private mutating func loadNextBlock() throws(EventLogError) {
        while true {
            if scanner == nil {
                guard let segment = catalog.segment(segmentNumber) else {
                    throw EventLogError(
                        .acknowledgedDataMissing,
                        "the log ends before position \(nextPosition)",
                        position: nextPosition
                    )
                }
                scanner = SegmentScanner(segment: segment, limit: try segment.file.size())
            }
            let segment = scanner!.segment
            switch try scanner!.frame(at: offset) {
            case .frame(let header, let body):
                let frameOffset = offset
                offset += UInt64(header.frameLength)
                switch header.kind {
                case .dictionary:
                    continue
                case .seal:
                    segmentNumber += 1
                    offset = UInt64(SegmentHeader.size)
                    scanner = nil
                    continue
                case .events:
                    let last = header.firstPosition + UInt64(header.eventCount) - 1
                    if last < nextPosition { continue }
                    guard header.firstPosition <= nextPosition else {
                        throw EventLogError(
                            .corruption,
                            "positions jump from \(nextPosition) to \(header.firstPosition)",
                            file: segment.name,
                            offset: frameOffset,
                            position: nextPosition
                        )
                    }
                    block = try FrameIO.records(
                        StoredFrame(header: header, body: body),
                        segment: segment,
                        offset: frameOffset,
                        catalog: catalog
                    )
                    indexInBlock = Int(nextPosition - header.firstPosition)
                    return
                }
            case .end:
                // The active segment may have grown since the size was taken.
                let size = try segment.file.size()
                if size > scanner!.limit {
                    scanner!.limit = size
                    continue
                }
                if catalog.segment(segmentNumber + 1) != nil {
                    segmentNumber += 1
                    offset = UInt64(SegmentHeader.size)
                    scanner = nil
                    continue
                }
                throw EventLogError(
                    .acknowledgedDataMissing,
                    "the log ends before position \(nextPosition)",
                    file: segment.name,
                    offset: offset,
                    position: nextPosition
                )
            case .bad(let reason, let truncated):
                if truncated {
                    let size = try segment.file.size()
                    if size > scanner!.limit {
                        scanner!.limit = size
                        continue
                    }
                }
                throw EventLogError(.corruption, reason, file: segment.name, offset: offset, position: nextPosition)
            }
        }
    }
}
