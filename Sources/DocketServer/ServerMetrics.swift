import EventLog
import Foundation
import Prometheus

/// What `GET /metrics` shows, in the Prometheus text format: commands by outcome, how long a
/// command takes to be durable, the log's write and sync latency and group sizes, the read
/// models' lag, and HTTP responses by status. No label ever holds personal data.
public final class ServerMetrics: @unchecked Sendable {
    let registry = PrometheusCollectorRegistry()
    private let commandSeconds: DurationHistogram
    private let writeSeconds: ValueHistogram
    private let syncSeconds: ValueHistogram
    private let groupEvents: ValueHistogram
    private let projectionLag: Gauge
    /// Counters by status and by refusal code, looked up once each: the registry's own look-up
    /// builds and hashes the label list on every call, a cost paid per request.
    private let lock = NSLock()
    private var responses: [Int: Counter] = [:]
    private var commands: [String: Counter] = [:]

    static let latencyBuckets: [Double] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    public init() {
        commandSeconds = registry.makeDurationHistogram(
            name: "docket_command_seconds",
            buckets: Self.latencyBuckets.map { .microseconds(Int64($0 * 1_000_000)) },
            help: "From a command's arrival to its result (durable when accepted)."
        )
        writeSeconds = registry.makeValueHistogram(
            name: "docket_log_write_seconds",
            buckets: Self.latencyBuckets,
            help: "The log's write of one group commit."
        )
        syncSeconds = registry.makeValueHistogram(
            name: "docket_log_sync_seconds",
            buckets: Self.latencyBuckets,
            help: "The log's fdatasync of one group commit."
        )
        groupEvents = registry.makeValueHistogram(
            name: "docket_log_group_events",
            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096],
            help: "Events per group commit."
        )
        projectionLag = registry.makeGauge(
            name: "docket_projection_lag_events",
            help: "Events in the log not yet in every read model."
        )
    }

    /// Counts a command's result.
    func command(code: String?, seconds: Duration) {
        let key = code ?? ""
        let counter =
            lock.withLock { commands[key] }
            ?? lock.withLock {
                let made = registry.makeCounter(
                    name: "docket_commands_total",
                    labels: [("outcome", code == nil ? "accepted" : "refused"), ("code", key)],
                    help: "Commands by outcome and refusal code."
                )
                commands[key] = made
                return made
            }
        counter.increment()
        commandSeconds.record(seconds)
    }

    /// Records a group commit (called on the log's writing or syncing thread).
    func groupCommitted(_ group: GroupCommit) {
        groupEvents.record(Double(group.events))
        writeSeconds.record(group.writeSeconds)
        if group.syncSeconds > 0 { syncSeconds.record(group.syncSeconds) }
    }

    func lag(_ events: UInt64) { projectionLag.set(Double(events)) }

    func response(status: Int) {
        let counter =
            lock.withLock { responses[status] }
            ?? lock.withLock {
                let made = registry.makeCounter(
                    name: "docket_http_responses_total",
                    labels: [("status", String(status))],
                    help: "HTTP responses by status."
                )
                responses[status] = made
                return made
            }
        counter.increment()
    }

    /// The text exposition.
    func text() -> [UInt8] { registry.emitToBuffer() }
}
