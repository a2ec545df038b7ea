import CertificationWire
import EventLog

/// Reading the log's events as domain events.
enum StoredEvent {
    /// The case event types the cross-case index needs (the open scan decodes only these).
    static let indexedTypes: Set<String> = ["Applied", "Paid", "TicketSent", "Certified", "ComplaintLodged", "Scored"]

    static func decode(_ recorded: RecordedEvent) throws(DocketStoreError) -> DomainEvent {
        do throws(EventCoding.DecodingError) {
            return try EventCoding.decode(type: recorded.type, payload: recorded.payload)
        } catch {
            throw DocketStoreError(
                .undecodableEvent,
                "the event at position \(recorded.position) (\(recorded.stream) version \(recorded.version)) cannot be read: \(error)"
            )
        }
    }

    /// The interchange form of a recorded event.
    static func interchange(_ recorded: RecordedEvent) -> InterchangeEvent {
        InterchangeEvent(
            position: recorded.position,
            stream: recorded.stream,
            version: recorded.version,
            type: recorded.type,
            at: recorded.occurredAt,
            recordedAt: recorded.recordedAt,
            metadata: EventMetadata(bytes: recorded.metadata),
            data: recorded.payload
        )
    }
}

extension DocketStoreError {
    /// The store's view of a log error.
    public static func from(_ error: EventLogError) -> DocketStoreError {
        switch error.code {
        case .storeNotFound: return DocketStoreError(.storeNotFound, error.message)
        case .storeLocked: return DocketStoreError(.storeLocked, error.message)
        case .writerFailed, .closed: return DocketStoreError(.storeFailed, error.message)
        case .io: return DocketStoreError(.io, error.message)
        case .positionOutOfRange: return DocketStoreError(.invalidRequest, error.message)
        default: return DocketStoreError(.damaged, error.message)
        }
    }
}
