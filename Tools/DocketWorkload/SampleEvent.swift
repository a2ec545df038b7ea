import Chronology
import EventLog

/// One event of the sample history, shaped as SPEC §3's interchange format.
public struct SampleEvent: Sendable {
    /// `case-<id>` or `batch-<id>`.
    public var stream: String
    /// The event type, such as `Applied`.
    public var type: String
    /// Business time.
    public var at: Timestamp
    /// Who did it.
    public var actorID: String
    /// In which role.
    public var role: String
    /// The command's idempotency id.
    public var commandID: String
    /// The event's `data` object as JSON text.
    public var dataJSON: String

    /// The metadata bytes the log stores: actor and command id, as compact JSON.
    public var metadata: [UInt8] {
        Array("{\"actor\":{\"id\":\"\(actorID)\",\"role\":\"\(role)\"},\"commandId\":\"\(commandID)\"}".utf8)
    }

    /// The event as the log takes it.
    public var proposed: ProposedEvent {
        ProposedEvent(type: type, occurredAt: at, metadata: metadata, payload: Array(dataJSON.utf8))
    }

    /// The interchange-format JSON line (SPEC §3) for this event at a place in the log.
    public func interchangeJSON(position: UInt64, version: UInt64, recordedAt: Timestamp) -> String {
        "{\"position\":\(position),\"stream\":\"\(stream)\",\"version\":\(version),\"type\":\"\(type)\",\"at\":\"\(at)\","
            + "\"recordedAt\":\"\(recordedAt)\",\"actor\":{\"id\":\"\(actorID)\",\"role\":\"\(role)\"},"
            + "\"commandId\":\"\(commandID)\",\"data\":\(dataJSON)}"
    }
}
