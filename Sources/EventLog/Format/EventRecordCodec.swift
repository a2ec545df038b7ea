import Chronology

/// The canonical binary encoding of one event inside a block's raw body.
///
/// ```
/// varint  length of what follows
/// u8      flags: bit 0 first event of a commit, bit 1 an idempotency key follows
/// [varint+bytes idempotency key]
/// varint+bytes stream     varint version     varint+bytes type
/// zigzag occurredAt µs    zigzag occurredAt offset s
/// zigzag recordedAt µs    zigzag recordedAt offset s
/// varint+bytes metadata   varint+bytes payload
/// ```
/// The position is implicit (the block's first position plus the index). The bytes after the
/// length are what the hash chain covers.
enum EventRecordCodec {
    static let maximumStreamLength = 255
    static let maximumTypeLength = 255
    static let maximumKeyLength = 255

    struct Flags: OptionSet {
        var rawValue: UInt8
        static let commitStart = Flags(rawValue: 1)
        static let hasKey = Flags(rawValue: 2)
    }

    /// Appends one record and returns the range of its hashed bytes within `writer`.
    ///
    /// The length is computed first so the record is written in place, with no temporary buffer.
    static func encode(
        _ event: ProposedEvent,
        stream: String,
        version: UInt64,
        recordedAt: Timestamp,
        commitStart: Bool,
        key: String?,
        into writer: inout ByteWriter
    ) -> Range<Int> {
        var flags: Flags = commitStart ? .commitStart : []
        if key != nil { flags.insert(.hasKey) }
        let keyLength = key?.utf8.count ?? 0
        let streamLength = stream.utf8.count
        let typeLength = event.type.utf8.count
        func prefixed(_ n: Int) -> Int { ByteWriter.varintSize(UInt64(n)) + n }
        let occurred = zigzag(event.occurredAt.microseconds)
        let occurredOffset = zigzag(Int64(event.occurredAt.utcOffsetSeconds))
        let recorded = zigzag(recordedAt.microseconds)
        let recordedOffset = zigzag(Int64(recordedAt.utcOffsetSeconds))
        var length =
            1 + (key == nil ? 0 : prefixed(keyLength)) + prefixed(streamLength) + ByteWriter.varintSize(version)
        length += prefixed(typeLength) + ByteWriter.varintSize(occurred) + ByteWriter.varintSize(occurredOffset)
        length += ByteWriter.varintSize(recorded) + ByteWriter.varintSize(recordedOffset)
        length += prefixed(event.metadata.count) + prefixed(event.payload.count)
        writer.writeVarint(UInt64(length))
        let start = writer.count
        writer.writeUInt8(flags.rawValue)
        if let key { writer.writeLengthPrefixed(key) }
        writer.writeLengthPrefixed(stream)
        writer.writeVarint(version)
        writer.writeLengthPrefixed(event.type)
        writer.writeVarint(occurred)
        writer.writeVarint(occurredOffset)
        writer.writeVarint(recorded)
        writer.writeVarint(recordedOffset)
        writer.writeLengthPrefixed(event.metadata)
        writer.writeLengthPrefixed(event.payload)
        assert(writer.count - start == length)
        return start..<writer.count
    }

    private static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    /// The fields of a record that were decoded without copying the bulky parts.
    struct Header {
        var flags: Flags
        var key: Range<Int>?
        var stream: Range<Int>
        var version: UInt64
        /// Where the rest (type onwards) starts.
        var restOffset: Int
        /// The hashed bytes of the record.
        var body: Range<Int>
    }

    /// Reads a record's length, flags, key, stream and version; the reader moves past the record.
    static func decodeHeader(_ reader: inout ByteReader) throws(DecodeError) -> Header {
        let length = try reader.readVarint()
        guard length <= UInt64(reader.remaining) else {
            throw DecodeError(reason: "event record runs past the block", offset: reader.offset)
        }
        let start = reader.offset
        let end = start + Int(length)
        var r = ByteReader(UnsafeRawBufferPointer(rebasing: reader.buffer[0..<end]), offset: start)
        let flags = Flags(rawValue: try r.readUInt8())
        guard flags.rawValue & ~3 == 0 else { throw DecodeError(reason: "unknown event flags", offset: start) }
        let key = flags.contains(.hasKey) ? try r.readLengthPrefixedRange(limit: maximumKeyLength) : nil
        let stream = try r.readLengthPrefixedRange(limit: maximumStreamLength)
        let version = try r.readVarint()
        reader.offset = end
        return Header(flags: flags, key: key, stream: stream, version: version, restOffset: r.offset, body: start..<end)
    }

    /// What follows a record's stream and version: where its type, metadata and payload lie,
    /// and its two times.
    struct Rest {
        var type: Range<Int>
        var occurredAt: Timestamp
        var recordedAt: Timestamp
        var metadata: Range<Int>
        var payload: Range<Int>
    }

    /// Reads the rest of a record (type onwards) to its end, copying nothing: the one reading
    /// that validation, decoding and lending (``BorrowedEvent``) share.
    static func readRest(_ r: inout ByteReader) throws(DecodeError) -> Rest {
        let type = try r.readLengthPrefixedRange(limit: maximumTypeLength)
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
        return Rest(
            type: type,
            occurredAt: Timestamp(microseconds: occurred, utcOffsetSeconds: Int32(occurredOffset)),
            recordedAt: Timestamp(microseconds: recorded, utcOffsetSeconds: Int32(recordedOffset)),
            metadata: metadata,
            payload: payload
        )
    }

    /// The reader over the rest of a record whose header was read by ``decodeHeader(_:)``.
    private static func restReader(_ header: Header, _ buffer: UnsafeRawBufferPointer) -> ByteReader {
        ByteReader(UnsafeRawBufferPointer(rebasing: buffer[0..<header.body.upperBound]), offset: header.restOffset)
    }

    /// Checks that the rest of a record (type onwards) is well formed, without copying anything.
    static func validateRest(_ header: Header, in buffer: UnsafeRawBufferPointer) throws(DecodeError) {
        var r = restReader(header, buffer)
        _ = try readRest(&r)
    }

    /// Decodes a full event whose header was read by ``decodeHeader(_:)``.
    static func decodeEvent(
        _ header: Header,
        position: UInt64,
        in buffer: UnsafeRawBufferPointer
    ) throws(DecodeError) -> RecordedEvent {
        var r = restReader(header, buffer)
        let rest = try readRest(&r)
        return RecordedEvent(
            position: position,
            stream: ByteReader.string(buffer, header.stream),
            version: header.version,
            type: ByteReader.string(buffer, rest.type),
            occurredAt: rest.occurredAt,
            recordedAt: rest.recordedAt,
            metadata: ByteReader.bytes(buffer, rest.metadata),
            payload: ByteReader.bytes(buffer, rest.payload)
        )
    }
}
