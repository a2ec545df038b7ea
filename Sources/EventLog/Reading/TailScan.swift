/// Reads the log beyond what the index covers, rebuilding index entries and the chain head,
/// and stops at the first frame that is not whole and valid.
///
/// Effects are held as "pending" until a frame that ends a commit, so a commit whose last block
/// was torn is dropped whole: appends are all or nothing.
struct TailScan {
    /// The last whole commit seen.
    struct CommitPoint {
        var segment: UInt64
        var lastFrameOffset: UInt64
        var endOffset: UInt64
        var lastPosition: UInt64
        var head: ChainHash
        var dictionaryOffset: UInt64
    }

    let index: StreamIndex
    let catalog: SegmentCatalog
    private(set) var commit: CommitPoint
    private(set) var committed = IndexUpdate()
    private var pending = IndexUpdate()
    private var committedVersions: [Int32: UInt64] = [:]
    private var pendingVersions: [Int32: UInt64] = [:]
    private var pendingKeyStart: (key: String?, position: UInt64)?
    private var head: ChainHash
    private var nextPosition: UInt64
    private var segmentNumber: UInt64
    private var offset: UInt64
    private(set) var tornAt: UInt64?
    private(set) var scannedEvents = 0
    var pendingEvents: Int { pending.streamEvents.count }

    init(index: StreamIndex, catalog: SegmentCatalog, start: IndexCoverage, dictionaryOffset: UInt32) {
        self.index = index
        self.catalog = catalog
        commit = CommitPoint(
            segment: start.segment,
            lastFrameOffset: start.lastFrameOffset,
            endOffset: start.endOffset,
            lastPosition: start.lastPosition,
            head: start.head,
            dictionaryOffset: UInt64(dictionaryOffset)
        )
        committed.coverage = start
        head = start.head
        nextPosition = start.lastPosition + 1
        segmentNumber = start.segment
        offset = start.endOffset
    }

    private func version(ofID id: Int32) -> UInt64 {
        pendingVersions[id] ?? committedVersions[id] ?? index.version(ofID: id)
    }

    mutating func run(lastNumber: UInt64) throws(EventLogError) {
        while true {
            let segment = catalog.segment(segmentNumber)!
            var scanner = SegmentScanner(segment: segment, limit: try segment.file.size())
            frames: while true {
                switch try scanner.frame(at: offset) {
                case .frame(let header, let body):
                    let frameOffset = offset
                    offset += UInt64(header.frameLength)
                    switch header.kind {
                    case .events:
                        try scanEvents(header, body: body, segment: segment, at: frameOffset)
                    case .dictionary:
                        guard header.firstPosition == nextPosition else {
                            throw EventLogError(
                                .corruption,
                                "dictionary frame for position \(header.firstPosition) where \(nextPosition) was due",
                                file: segment.name,
                                offset: frameOffset,
                                position: nextPosition
                            )
                        }
                        _ = try catalog.dictionary(segment: segmentNumber, offset: frameOffset)
                    case .seal:
                        let seal: SealRecord
                        do throws(DecodeError) {
                            seal = try body.withBytes { (b) throws(DecodeError) in try SealRecord.decode(b) }
                        } catch {
                            throw EventLogError(
                                .corruption,
                                "seal: \(error.reason)",
                                file: segment.name,
                                offset: frameOffset
                            )
                        }
                        guard pending.streamEvents.isEmpty, seal.lastPosition == nextPosition - 1, seal.head == head
                        else {
                            throw EventLogError(
                                .corruption,
                                "seal does not match the segment's events",
                                file: segment.name,
                                offset: frameOffset,
                                position: seal.lastPosition
                            )
                        }
                        guard offset == scanner.limit else {
                            throw EventLogError(
                                .corruption,
                                "bytes follow the seal",
                                file: segment.name,
                                offset: offset
                            )
                        }
                        break frames
                    }
                case .end:
                    if segmentNumber < lastNumber {
                        throw EventLogError(
                            .corruption,
                            "segment ends without a seal",
                            file: segment.name,
                            offset: offset,
                            position: nextPosition
                        )
                    }
                    return
                case .bad(let reason, _):
                    if segmentNumber < lastNumber {
                        throw EventLogError(
                            .corruption,
                            reason,
                            file: segment.name,
                            offset: offset,
                            position: nextPosition
                        )
                    }
                    if let later = try scanner.validFrameExists(after: offset, atOrAfterPosition: nextPosition) {
                        throw EventLogError(
                            .corruption,
                            "\(reason), and a valid frame follows at offset \(later): this is damage inside the log, not a torn tail",
                            file: segment.name,
                            offset: offset,
                            position: nextPosition
                        )
                    }
                    tornAt = offset
                    return
                }
            }
            guard segmentNumber < lastNumber else { return }
            segmentNumber += 1
            offset = UInt64(SegmentHeader.size)
        }
    }

    private mutating func scanEvents(
        _ header: FrameHeader,
        body: [UInt8],
        segment: SegmentCatalog.Segment,
        at frameOffset: UInt64
    ) throws(EventLogError) {
        guard header.firstPosition == nextPosition, header.eventCount > 0 else {
            throw EventLogError(
                .corruption,
                "block starts at position \(header.firstPosition), expected \(nextPosition)",
                file: segment.name,
                offset: frameOffset,
                position: nextPosition
            )
        }
        let records = try FrameIO.records(
            StoredFrame(header: header, body: body),
            segment: segment,
            offset: frameOffset,
            catalog: catalog
        )
        let headBefore = head
        for i in 0..<records.count {
            let position = nextPosition
            let h = records.headers[i]
            if h.flags.contains(.commitStart) {
                closeKey(endingBefore: position)
                pendingKeyStart = (records.key(i), position)
            }
            let stream = records.streamName(i)
            let id = index.id(of: stream)
            let expected = version(ofID: id) + 1
            guard h.version == expected else {
                throw EventLogError(
                    .corruption,
                    "stream \(stream) jumps to version \(h.version), expected \(expected)",
                    file: segment.name,
                    offset: frameOffset,
                    position: position
                )
            }
            pendingVersions[id] = expected
            pending.streamEvents.append(
                (id, IndexEntry(position: position, segment: UInt32(segmentNumber), offset: UInt32(frameOffset)))
            )
            head = records.withRecordBytes(i) { head.extended(position: position, record: $0) }
            nextPosition += 1
            scannedEvents += 1
        }
        pending.blocks.append(
            BlockLocation(
                firstPosition: header.firstPosition,
                eventCount: header.eventCount,
                segment: UInt32(segmentNumber),
                offset: frameOffset,
                headBefore: headBefore
            )
        )
        if header.endsCommit {
            closeKey(endingBefore: nextPosition)
            committed.streamEvents += pending.streamEvents
            committed.blocks += pending.blocks
            committed.keys += pending.keys
            committedVersions.merge(pendingVersions) { $1 }
            pending = IndexUpdate()
            pendingVersions = [:]
            commit = CommitPoint(
                segment: segmentNumber,
                lastFrameOffset: frameOffset,
                endOffset: frameOffset + UInt64(header.frameLength),
                lastPosition: nextPosition - 1,
                head: head,
                dictionaryOffset: UInt64(header.dictionaryOffset)
            )
            committed.coverage = IndexCoverage(
                lastPosition: commit.lastPosition,
                head: head,
                segment: segmentNumber,
                lastFrameOffset: frameOffset,
                endOffset: commit.endOffset
            )
        }
    }

    private mutating func closeKey(endingBefore position: UInt64) {
        if let start = pendingKeyStart, let key = start.key {
            pending.keys.append(
                (key, KeyLocation(firstPosition: start.position, eventCount: UInt32(position - start.position)))
            )
        }
        pendingKeyStart = nil
    }
}
