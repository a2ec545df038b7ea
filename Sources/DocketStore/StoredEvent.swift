import CertificationWire
import EventLog

/// Reading the log's events as domain events.
enum StoredEvent {
    /// The case event types the cross-case index needs (the open scan decodes only these).
    static let indexedTypes: Set<String> = [
        "Applied", "Paid", "TicketSent", "Certified", "ComplaintLodged", "Scored", "PersonalDataErased",
    ]

    /// The event `recorded` holds, its personal data opened under `keys`.
    static func decode(_ recorded: RecordedEvent, keys: (any PersonalDataKeys)?) throws(DocketStoreError) -> DomainEvent
    {
        do throws(EventCoding.DecodingError) {
            return try EventCoding.decode(
                type: recorded.type,
                payload: recorded.payload,
                stream: recorded.stream,
                keys: keys
            )
        } catch {
            throw undecodable(error, stream: recorded.stream, at: (recorded.position, recorded.version))
        }
    }

    /// The event whose stored payload is `payload` (lent, as a scan lends it), its personal
    /// data opened under `keys`; `at` (position, version) names it when it cannot be read.
    static func decode(
        type: String,
        payload: UnsafeRawBufferPointer,
        stream: String,
        at: (position: UInt64, version: UInt64),
        keys: (any PersonalDataKeys)?
    ) throws(DocketStoreError) -> DomainEvent {
        do throws(EventCoding.DecodingError) {
            return try EventCoding.decode(type: type, payload: payload, stream: stream, keys: keys)
        } catch {
            throw undecodable(error, stream: stream, at: at)
        }
    }

    private static func undecodable(
        _ error: EventCoding.DecodingError,
        stream: String,
        at: (position: UInt64, version: UInt64)
    ) -> DocketStoreError {
        DocketStoreError(
            .undecodableEvent,
            "the event at position \(at.position) (\(stream) version \(at.version)) cannot be read: \(error)"
        )
    }

    /// The interchange form of a recorded event: its stored payload as it is, or opened under
    /// `keys` when it holds sealed or erased personal data.
    static func interchange(
        _ recorded: RecordedEvent,
        keys: (any PersonalDataKeys)?
    ) throws(DocketStoreError) -> InterchangeEvent {
        var data = recorded.payload
        if !PersonalFields.fields(of: recorded.type).isEmpty {
            do throws(EventCoding.DecodingError) {
                data = try EventCoding.decodeOpened(
                    type: recorded.type,
                    payload: recorded.payload,
                    stream: recorded.stream,
                    keys: keys
                ).data
            } catch {
                throw DocketStoreError(
                    .undecodableEvent,
                    "the event at position \(recorded.position) (\(recorded.stream) version \(recorded.version)) cannot be read: \(error)"
                )
            }
        }
        return InterchangeEvent(
            position: recorded.position,
            stream: recorded.stream,
            version: recorded.version,
            type: recorded.type,
            at: recorded.occurredAt,
            recordedAt: recorded.recordedAt,
            metadata: EventMetadata(bytes: recorded.metadata),
            data: data
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
