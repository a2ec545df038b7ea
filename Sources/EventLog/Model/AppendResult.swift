/// Where an acknowledged append's events landed. Returned only once they are durable.
public struct AppendResult: Sendable, Hashable {
    /// One appended event's places.
    public struct Placement: Sendable, Hashable {
        /// The stream of the event.
        public var stream: String
        /// Its version in the stream.
        public var version: UInt64
        /// Its position in the log.
        public var position: UInt64

        /// Creates a placement.
        public init(stream: String, version: UInt64, position: UInt64) {
            self.stream = stream
            self.version = version
            self.position = position
        }
    }

    /// Each event's places, in append order.
    public var events: [Placement]
    /// `true` when the idempotency key had been used: nothing was written, this is the first result.
    public var deduplicated: Bool

    /// Creates a result.
    public init(events: [Placement], deduplicated: Bool) {
        self.events = events
        self.deduplicated = deduplicated
    }

    /// The position of the first event.
    public var firstPosition: UInt64 { events.first?.position ?? 0 }
    /// The position of the last event.
    public var lastPosition: UInt64 { events.last?.position ?? 0 }
}
