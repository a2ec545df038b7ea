/// Random-access reads through the stream index: a stream's events, one position, a digest.
///
/// Every block read is checked against what the index said it holds (first position, count,
/// and each event's stream and version), so a stale or damaged index can never return the
/// wrong event.
struct LogReader: Sendable {
    let catalog: SegmentCatalog
    let index: StreamIndex

    func readBlock(_ location: BlockLocation) throws(EventLogError) -> BlockRecords {
        guard let segment = catalog.segment(UInt64(location.segment)) else {
            throw EventLogError(.indexMismatch, "the index points into segment \(location.segment), which does not exist", position: location.firstPosition)
        }
        let frame = try FrameIO.readFrame(segment, at: location.offset, expectedLength: Int(location.length))
        guard frame.header.kind == .events, frame.header.firstPosition == location.firstPosition,
            frame.header.eventCount == location.eventCount
        else {
            throw EventLogError(.indexMismatch, "the index and the frame it points to disagree", file: segment.name, offset: location.offset, position: location.firstPosition)
        }
        let raw = try FrameIO.rawBody(frame, segment: segment, offset: location.offset, catalog: catalog)
        do throws(DecodeError) {
            return try BlockRecords(raw: raw, firstPosition: location.firstPosition, count: Int(location.eventCount))
        } catch {
            throw EventLogError(.corruption, "block records: \(error.reason)", file: segment.name, offset: location.offset, position: location.firstPosition)
        }
    }

    private func location(_ position: UInt64) throws(EventLogError) -> BlockLocation {
        guard let location = index.block(containing: position) else {
            throw EventLogError(.positionOutOfRange, "position \(position) is not in the log (last is \(index.lastPosition))", position: position)
        }
        return location
    }

    /// A stream's events with versions in `versions`, in order.
    func readStream(_ stream: String, versions: ClosedRange<UInt64>) throws(EventLogError) -> [RecordedEvent] {
        let entries = index.positions(of: stream, versions: versions)
        var out: [RecordedEvent] = []
        out.reserveCapacity(entries.count)
        var current: (location: BlockLocation, records: BlockRecords)?
        for (version, position) in entries {
            if current == nil || !current!.location.contains(position) {
                let location = try location(position)
                current = (location, try readBlock(location))
            }
            let (location, records) = current!
            let i = Int(position - location.firstPosition)
            guard records.streamEquals(i, stream), records.headers[i].version == version else {
                throw EventLogError(.indexMismatch, "the index says position \(position) is \(stream)@\(version), the log disagrees", position: position)
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

    /// The chain head after `position`.
    func head(at position: UInt64) throws(EventLogError) -> ChainHash {
        if position == 0 { return .genesis }
        let location = try location(position)
        if position == location.lastPosition { return location.headAfter }
        var head = location.firstPosition == 1 ? ChainHash.genesis : try self.location(location.firstPosition - 1).headAfter
        let records = try readBlock(location)
        for i in 0...Int(position - location.firstPosition) {
            head = records.withRecordBytes(i) { head.extended(position: location.firstPosition + UInt64(i), record: $0) }
        }
        return head
    }
}
