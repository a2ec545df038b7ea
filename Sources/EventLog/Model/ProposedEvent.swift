import Chronology

/// An event to append: what happened, when, and its opaque bytes.
///
/// The log does not interpret `metadata` or `payload`; the domain chooses their encoding.
public struct ProposedEvent: Sendable, Hashable {
    /// The event's type name, such as `Applied`.
    public var type: String
    /// When it happened in the business's world (the command's `at`).
    public var occurredAt: Timestamp
    /// When the log took it; `nil` means now. Imports pass the original time.
    public var recordedAt: Timestamp?
    /// Opaque metadata (actor, command id, …).
    public var metadata: [UInt8]
    /// Opaque event data.
    public var payload: [UInt8]

    /// Creates an event to append.
    public init(
        type: String,
        occurredAt: Timestamp,
        recordedAt: Timestamp? = nil,
        metadata: [UInt8] = [],
        payload: [UInt8]
    ) {
        self.type = type
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.metadata = metadata
        self.payload = payload
    }
}
