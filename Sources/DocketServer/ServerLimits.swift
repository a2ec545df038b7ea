/// The server's limits: what one request may ask, and how long it may take. A slow or greedy
/// client is cut off by these, never the writer or other clients: a command body is read whole
/// before anything is submitted, so the writer never waits on a client's network.
public struct ServerLimits: Sendable {
    /// The largest request body (a batch of commands with photos): 413 beyond it.
    public var maxBodyBytes = 64 * 1024 * 1024
    /// The most command lines one `application/x-ndjson` request may hold: 413 beyond it.
    public var maxLinesPerBatch = 10_000
    /// The largest header block: requests with more are refused by the HTTP parser.
    public var maxHeaderBytes = 16 * 1024
    /// A connection that sends or reads nothing for this long is closed: a client that stops
    /// mid-request, or never reads its answer, holds nothing for longer.
    public var idleSeconds = 30
    /// A command request's body must arrive whole within this long (408 otherwise): a client
    /// trickling a few bytes at a time, which the idle timeout would never catch, is cut off.
    /// Once the body is in, nothing is abandoned midway: a command being decided finishes, and
    /// the live feed runs for as long as its client reads.
    public var bodySeconds = 60
    /// Command requests being decided at once: 429 beyond it.
    public var maxCommandRequestsInFlight = 64
    /// Events one page of `GET /v1/events` may hold.
    public var maxEventsPerPage = 10_000
    /// Live feeds open at once for one token holder, and in all (429 beyond).
    public var maxStreamsPerActor = 4
    public var maxStreams = 32
    /// A live feed silent this long sends a keep-alive comment (proxies close idle connections).
    public var heartbeatSeconds = 15

    public init() {}
}
