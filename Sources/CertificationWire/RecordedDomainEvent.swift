import Certification
import Chronology
import EventLog

/// An event as the log recorded it, with its data decoded: the one recorded-event type the
/// store's views, the read models and the server's feed share. The log itself knows only
/// ``RecordedEvent`` (opaque bytes); this is what those bytes mean to certification.
public struct RecordedDomainEvent: Sendable {
    /// Its place in the whole log (from 1, no gaps).
    public var position: UInt64
    /// `case-<id>` or `batch-<id>`.
    public var stream: String
    /// Its place in its stream (from 1).
    public var version: UInt64
    /// Business time: when it happened, as the command said.
    public var at: Timestamp
    /// When the log took it.
    public var recordedAt: Timestamp
    /// Who did it, and under which command.
    public var metadata: EventMetadata
    /// What happened.
    public var event: DomainEvent
    /// The event's data (compact JSON) in the interchange form: as the log holds it, but with
    /// sealed personal data opened and erased fields left out (``PersonalSeal``).
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
        self.payload = payload ?? PersonalSeal.interchangeData(of: event)
        caseID = StreamName.caseID(of: stream)
    }

    /// The event as recorded, decoded, its personal data opened under `keys` (``PersonalSeal``:
    /// without a key, the sealed fields read as erased). `payload` is then the event's data as
    /// the interchange format shows it: personal data in clear, erased fields left out.
    /// - Throws: `corruption` when its data cannot be read as its type says.
    public init(_ recorded: RecordedEvent, keys: (any PersonalDataKeys)?) throws(EventLogError) {
        do throws(EventCoding.DecodingError) {
            let (event, data) = try EventCoding.decodeOpened(
                type: recorded.type,
                payload: recorded.payload,
                stream: recorded.stream,
                keys: keys
            )
            self.init(
                position: recorded.position,
                stream: recorded.stream,
                version: recorded.version,
                at: recorded.occurredAt,
                recordedAt: recorded.recordedAt,
                metadata: EventMetadata(bytes: recorded.metadata),
                event: event,
                payload: data
            )
        } catch {
            throw EventLogError(
                .corruption,
                "the event at position \(recorded.position) (\(recorded.stream) version \(recorded.version)) cannot be read: \(error)",
                position: recorded.position
            )
        }
    }

    /// The batch id, for a batch event.
    public var batchID: String? { StreamName.batchID(of: stream) }

    /// The event type's wire name (`Applied`, `BatchRescheduled`).
    public var type: String { event.typeName }

    /// The business date in Asia/Shanghai (`YYYY-MM-DD`), how reports group days.
    public var localDay: String { at.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset).description }

    /// The event in the interchange format, its candidate's identity as `disclosure` allows.
    public func line(_ disclosure: Disclosure) -> InterchangeEvent {
        InterchangeEvent(
            position: position,
            stream: stream,
            version: version,
            type: type,
            at: at,
            recordedAt: recordedAt,
            metadata: metadata,
            data: disclosure.data(of: event, stored: payload)
        )
    }
}
