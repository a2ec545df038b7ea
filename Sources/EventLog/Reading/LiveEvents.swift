/// The log from a position on, continuing with new appends as they become durable.
///
/// Iteration reads from disk until it reaches the visible end, then sleeps until the writer
/// publishes a new end (no polling). It finishes when the log closes or the task is cancelled.
public struct LiveEvents: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent
    let catalog: SegmentCatalog
    let index: StreamIndex
    let watcher: HeadWatcher
    let from: UInt64

    public func makeAsyncIterator() -> Iterator {
        Iterator(
            cursor: EventCursor(catalog: catalog, index: index, from: from, end: index.lastPosition),
            watcher: watcher,
            index: index
        )
    }

    /// What ``Iterator/next(idleAfter:)`` found.
    public enum Next: Sendable {
        /// The next event.
        case event(RecordedEvent)
        /// No event arrived within the time asked: the reader may do other work and wait again.
        case idle
        /// The log closed or the task was cancelled.
        case finished
    }

    /// Pulls events one at a time.
    public struct Iterator: AsyncIteratorProtocol {
        var cursor: EventCursor
        let watcher: HeadWatcher
        let index: StreamIndex

        /// The next event, or `.idle` when none arrives within `limit` (a server sends its
        /// keep-alives and checks its client's rights then).
        public mutating func next(idleAfter limit: Duration) async throws(EventLogError) -> Next {
            while true {
                if let event = try cursor.next() { return .event(event) }
                let end = cursor.end
                let visible = index.lastPosition
                if visible > end {
                    cursor.extend(to: visible)
                    continue
                }
                switch await watcher.wait(beyond: end, timeout: limit) {
                case .advanced: cursor.extend(to: index.lastPosition)
                case .timedOut: return .idle
                case .closed: return .finished
                }
            }
        }

        public mutating func next() async throws(EventLogError) -> RecordedEvent? {
            while true {
                if let event = try cursor.next() { return event }
                let end = cursor.end
                let visible = index.lastPosition
                if visible > end {
                    cursor.extend(to: visible)
                    continue
                }
                guard await watcher.wait(beyond: end) != nil else { return nil }
                cursor.extend(to: index.lastPosition)
            }
        }
    }
}
