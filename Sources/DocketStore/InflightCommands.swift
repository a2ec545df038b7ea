import EventLog

/// Commands decided but not yet durable, by command id (a retry arriving meanwhile is answered
/// by the log from the same idempotency key), the durable watermark, and the first failure of
/// the writer, after which nothing more is accepted. Shared by the deciding thread and the log's
/// completions, so it has its own lock.
final class InflightCommands: @unchecked Sendable {
    struct Entry {
        var digest: String
        var stream: String
        var request: AppendRequest
        var types: [String]
    }

    private let lock = Lock()
    private var entries: [String: (entry: Entry, lastPosition: UInt64)] = [:]
    private var failureMessage: String?
    private var durableThrough: UInt64 = 0

    func pending(_ commandID: String) -> Entry? { lock.withLock { entries[commandID]?.entry } }

    func add(_ commandID: String, _ entry: Entry, lastPosition: UInt64) {
        lock.withLock { entries[commandID] = (entry, lastPosition) }
    }

    /// The append of `commandID` is durable (or failed): forget it.
    func settle(_ commandID: String) {
        lock.withLock { _ = entries.removeValue(forKey: commandID) }
    }

    /// Events through `position` are durable.
    func durable(through position: UInt64) {
        lock.withLock { durableThrough = max(durableThrough, position) }
    }

    /// The last position known durable.
    var durablePosition: UInt64 { lock.withLock { durableThrough } }

    /// The writer's first failure, if it failed.
    var failure: String? { lock.withLock { failureMessage } }

    func fail(_ message: String) {
        lock.withLock { if failureMessage == nil { failureMessage = message } }
    }
}
