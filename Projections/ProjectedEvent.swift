import Certification
import CertificationWire
import Chronology
import EventLog

/// An event as projections see it: its places, times, actor and decoded data.
public struct ProjectedEvent: Sendable {
    public var position: UInt64
    public var stream: String
    public var version: UInt64
    public var at: Timestamp
    public var recordedAt: Timestamp
    public var metadata: EventMetadata
    public var event: DomainEvent
    /// The event's data as the log holds it (compact JSON).
    public var payload: [UInt8]
    /// The case id, for a case event.
    public let caseID: String?

    public init(
        position: UInt64,
        stream: String,
        version: UInt64,
        at: Timestamp,
        recordedAt: Timestamp,
        metadata: EventMetadata,
        event: DomainEvent,
        payload: [UInt8]? = nil
    ) {
        self.position = position
        self.stream = stream
        self.version = version
        self.at = at
        self.recordedAt = recordedAt
        self.metadata = metadata
        self.event = event
        self.payload = payload ?? EventCoding.payload(of: event)
        caseID = StreamName.caseID(of: stream)
    }

    /// The event as recorded, decoded.
    public init(_ recorded: RecordedEvent) throws(EventLogError) {
        do throws(EventCoding.DecodingError) {
            self.init(
                position: recorded.position,
                stream: recorded.stream,
                version: recorded.version,
                at: recorded.occurredAt,
                recordedAt: recorded.recordedAt,
                metadata: EventMetadata(bytes: recorded.metadata),
                event: try EventCoding.decode(type: recorded.type, payload: recorded.payload),
                payload: recorded.payload
            )
        } catch {
            throw EventLogError(
                .corruption,
                "event \(recorded.position) cannot be read: \(error)",
                position: recorded.position
            )
        }
    }

    /// The business date in Asia/Shanghai (`YYYY-MM-DD`), how reports group days.
    public var localDay: String { at.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset).description }
}
