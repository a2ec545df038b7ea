import Certification
import CertificationWire
import Chronology

/// An event as projections see it: its places, times, actor and decoded data.
public struct ProjectedEvent: Sendable {
    public var position: UInt64
    public var stream: String
    public var version: UInt64
    public var at: Timestamp
    public var recordedAt: Timestamp
    public var metadata: EventMetadata
    public var event: DomainEvent

    public init(
        position: UInt64,
        stream: String,
        version: UInt64,
        at: Timestamp,
        recordedAt: Timestamp,
        metadata: EventMetadata,
        event: DomainEvent
    ) {
        self.position = position
        self.stream = stream
        self.version = version
        self.at = at
        self.recordedAt = recordedAt
        self.metadata = metadata
        self.event = event
    }

    /// The case id, for a case event.
    public var caseID: String? { StreamName.caseID(of: stream) }

    /// The business date in Asia/Shanghai (`YYYY-MM-DD`), how reports group days.
    public var localDay: String { at.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset).description }
}
