import Chronology

/// An event read in place, during ``EventLog/scan(from:through:_:)``: its envelope decoded, its
/// stream, type, metadata and payload lent as bytes of the block they sit in (valid only inside
/// the scan's closure). What a consumer that reads the whole log needs — a projection, a
/// verifier, an export — without four allocations per event (a scan that copied every event
/// spent a third of its time allocating and freeing, by perf).
public struct BorrowedEvent {
    public let position: UInt64
    public let version: UInt64
    public let occurredAt: Timestamp
    public let recordedAt: Timestamp
    /// The stream id's UTF-8 bytes.
    public let stream: UnsafeRawBufferPointer
    /// The event type's UTF-8 bytes.
    public let type: UnsafeRawBufferPointer
    public let metadata: UnsafeRawBufferPointer
    public let payload: UnsafeRawBufferPointer

    /// The stream id as a string (a copy).
    public var streamName: String { String(decoding: stream.assumingMemoryBound(to: UInt8.self), as: UTF8.self) }
    /// The event type as a string (a copy).
    public var typeName: String { String(decoding: type.assumingMemoryBound(to: UInt8.self), as: UTF8.self) }

    /// The event, copied out of the block.
    public var recorded: RecordedEvent {
        RecordedEvent(
            position: position,
            stream: streamName,
            version: version,
            type: typeName,
            occurredAt: occurredAt,
            recordedAt: recordedAt,
            metadata: Array(metadata),
            payload: Array(payload)
        )
    }

    /// Decodes the envelope of a canonical record (the bytes after its length), lending the rest.
    init(record: UnsafeRawBufferPointer, position: UInt64) throws(DecodeError) {
        var r = ByteReader(record)
        let flags = try r.readUInt8()
        guard flags & ~3 == 0 else { throw DecodeError(reason: "unknown event flags", offset: 0) }
        if flags & 2 != 0 { _ = try r.readLengthPrefixedRange(limit: EventRecordCodec.maximumKeyLength) }
        let stream = try r.readLengthPrefixedRange(limit: EventRecordCodec.maximumStreamLength)
        version = try r.readVarint()
        let type = try r.readLengthPrefixedRange(limit: EventRecordCodec.maximumTypeLength)
        let occurred = try r.readZigZag()
        let occurredOffset = try r.readZigZag()
        let recorded = try r.readZigZag()
        let recordedOffset = try r.readZigZag()
        guard abs(occurredOffset) < 86_400, abs(recordedOffset) < 86_400 else {
            throw DecodeError(reason: "UTC offset out of range", offset: r.offset)
        }
        let metadata = try r.readLengthPrefixedRange()
        let payload = try r.readLengthPrefixedRange()
        guard r.isAtEnd else { throw DecodeError(reason: "trailing bytes in event record", offset: r.offset) }
        self.position = position
        occurredAt = Timestamp(microseconds: occurred, utcOffsetSeconds: Int32(occurredOffset))
        recordedAt = Timestamp(microseconds: recorded, utcOffsetSeconds: Int32(recordedOffset))
        self.stream = UnsafeRawBufferPointer(rebasing: record[stream])
        self.type = UnsafeRawBufferPointer(rebasing: record[type])
        self.metadata = UnsafeRawBufferPointer(rebasing: record[metadata])
        self.payload = UnsafeRawBufferPointer(rebasing: record[payload])
    }
}
