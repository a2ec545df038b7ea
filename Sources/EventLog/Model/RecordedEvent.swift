import Chronology

/// An event as the log holds it: its place in the whole log and in its stream, and its bytes.
public struct RecordedEvent: Sendable, Hashable {
    /// The event's place in the whole log, from 1, with no gaps.
    public var position: UInt64
    /// The stream the event belongs to.
    public var stream: String
    /// The event's place in its stream, from 1, with no gaps.
    public var version: UInt64
    /// The event's type name.
    public var type: String
    /// When it happened (business time).
    public var occurredAt: Timestamp
    /// When the log took it.
    public var recordedAt: Timestamp
    /// Opaque metadata.
    public var metadata: [UInt8]
    /// Opaque event data.
    public var payload: [UInt8]

    /// Creates a recorded event (the log makes these; tests and tools may too).
    public init(
        position: UInt64,
        stream: String,
        version: UInt64,
        type: String,
        occurredAt: Timestamp,
        recordedAt: Timestamp,
        metadata: [UInt8],
        payload: [UInt8]
    ) {
        self.position = position
        self.stream = stream
        self.version = version
        self.type = type
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.metadata = metadata
        self.payload = payload
    }
}

extension RecordedEvent {
    /// The event whose canonical record bytes (what the hash chain and the Merkle tree hash;
    /// docs/LOG_FORMAT.md, "Events body") are `record`, at `position`: how a verifier that
    /// holds only an event's leaf bytes reads the event from them.
    /// - Throws: ``EventLogError`` `corruption` when the bytes are not one well-formed record.
    public init(record: [UInt8], position: UInt64) throws(EventLogError) {
        var framed = ByteWriter(capacity: record.count + 5)
        framed.writeVarint(UInt64(record.count))
        framed.writeBytes(record)
        do throws(DecodeError) {
            var records = try BlockRecords(raw: framed.bytes, firstPosition: position, count: 1)
            try records.locate(through: 0)
            try records.validate(0)
            self = try records.event(at: 0)
        } catch {
            throw EventLogError(
                .corruption,
                "not an event record: \(error.reason) at byte \(error.offset)",
                position: position
            )
        }
    }
}
