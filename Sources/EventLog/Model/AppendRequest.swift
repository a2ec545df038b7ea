/// One atomic append: events for one or more streams, all written or none.
public struct AppendRequest: Sendable, Hashable {
    /// Events for one stream, with the version the appender expects the stream to be at.
    public struct StreamEvents: Sendable, Hashable {
        /// The stream's id (1–255 bytes of UTF-8).
        public var stream: String
        /// Refuse the whole append unless the stream is at this version.
        public var expectedVersion: ExpectedVersion
        /// The events, in order.
        public var events: [ProposedEvent]

        /// Creates the events of one stream.
        public init(stream: String, expectedVersion: ExpectedVersion = .any, events: [ProposedEvent]) {
            self.stream = stream
            self.expectedVersion = expectedVersion
            self.events = events
        }
    }

    /// The streams written, in the order their events take positions.
    public var streams: [StreamEvents]
    /// When set, appending the same key again returns the first result and writes nothing.
    public var idempotencyKey: String?

    /// Creates an append of several streams at once.
    public init(streams: [StreamEvents], idempotencyKey: String? = nil) {
        self.streams = streams
        self.idempotencyKey = idempotencyKey
    }

    /// Creates an append to one stream.
    public init(
        stream: String,
        expectedVersion: ExpectedVersion = .any,
        events: [ProposedEvent],
        idempotencyKey: String? = nil
    ) {
        self.init(
            streams: [StreamEvents(stream: stream, expectedVersion: expectedVersion, events: events)],
            idempotencyKey: idempotencyKey
        )
    }

    /// The number of events in the append.
    public var eventCount: Int { streams.reduce(0) { $0 + $1.events.count } }
}
