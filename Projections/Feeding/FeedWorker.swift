import CertificationWire
import Foundation

/// One projection fed on a thread of its own, so the projections of a feed share the machine's
/// cores while the caller reads and decodes the log once for all of them.
///
/// Batches wait in a short queue (the reader blocks when it is full, which bounds memory); the
/// first error stops the worker and is reported by ``finish()``.
final class FeedWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [(batch: [RecordedDomainEvent], through: UInt64)] = []
    private var closed = false
    private var failure: ProjectionError?
    private var applied = 0
    private var target: FeedTarget
    private let finished = DispatchSemaphore(value: 0)
    /// Batches allowed to wait.
    static let depth = 2

    init(_ target: FeedTarget) {
        self.target = target
        let thread = Thread { [self] in run() }
        thread.name = "feed-" + target.projection.name
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Queues a batch (blocks while the queue is full); false once the worker has failed.
    func send(_ batch: [RecordedDomainEvent], through: UInt64) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= Self.depth && failure == nil { condition.wait() }
        guard failure == nil else { return false }
        queue.append((batch, through))
        condition.broadcast()
        return true
    }

    /// Waits until every queued batch is applied; returns the events applied or the error.
    func finish() throws(ProjectionError) -> Int {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
        finished.wait()
        if let failure { throw failure }
        return applied
    }

    /// The next queued batch; waits for one, `nil` once the feed is closed and drained.
    private func take() -> (batch: [RecordedDomainEvent], through: UInt64)? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed { condition.wait() }
        guard !queue.isEmpty else { return nil }
        let next = queue.removeFirst()
        condition.broadcast()
        return next
    }

    private func run() {
        defer { finished.signal() }
        while true {
            do throws(ProjectionError) {
                let count = try target.transaction { take() }
                if count == 0 && isDrained { return }
                condition.lock()
                applied += count
                condition.unlock()
            } catch {
                condition.lock()
                failure = error
                queue.removeAll()
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }

    private var isDrained: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed && queue.isEmpty
    }
}
