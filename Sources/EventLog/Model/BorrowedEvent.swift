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
        let rest = try EventRecordCodec.readRest(&r)
        self.position = position
        occurredAt = rest.occurredAt
        recordedAt = rest.recordedAt
        self.stream = UnsafeRawBufferPointer(rebasing: record[stream])
        type = UnsafeRawBufferPointer(rebasing: record[rest.type])
        metadata = UnsafeRawBufferPointer(rebasing: record[rest.metadata])
        payload = UnsafeRawBufferPointer(rebasing: record[rest.payload])
    }
}
