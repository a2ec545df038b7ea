import Dispatch
import EventLog
import Foundation
import Logging
import Projections
import ProjectionsPostgres
import ServiceLifecycle

/// Keeps the read models current while the server runs: a catch-up when it starts, then one
/// each time the log's live tail shows a new event (appends made while a catch-up runs are
/// taken by the next one), at most one per ``minimumInterval``. Catch-ups run on a queue of
/// their own, off the server's threads.
///
/// The interval bounds the fixed cost of a catch-up (a transaction in each of the nine model
/// files, whatever the number of events) to twenty a second under load; what remains is the
/// cost per event (about 140 µs of one core at 3,000 commands a second, most of it the case
/// views rewritten).
final class ProjectionFollower: Service, @unchecked Sendable {
    private let projector: Projector
    /// The store's PostgreSQL target, fed after each catch-up of the SQLite models.
    private let target: PostgresTarget?
    /// The target's feeds run here, never holding up the SQLite models' queue (a connection
    /// timing out, a load by COPY take seconds).
    private let targetQueue = DispatchQueue(label: "docket.postgres-follower")
    /// Guarded by ``lock``: a target feed is queued or running; another is wanted after it.
    private var targetBusy = false
    private var targetAgain = false
    /// Seconds before retrying a failed target feed (doubling to a minute), on the target's queue.
    private var targetBackoff = 1.0
    private let log: EventLog
    private let logger: Logger
    private let queue = DispatchQueue(label: "docket.projection-follower")
    private let lock = NSLock()
    private var caughtUpTo: UInt64 = 0
    private var caughtUpOnce = false
    /// The shortest time from one catch-up's start to the next one's.
    let minimumInterval: Duration = .milliseconds(50)

    init(projector: Projector, log: EventLog, target: PostgresTarget? = nil, logger: Logger) {
        self.projector = projector
        self.target = target
        self.log = log
        self.logger = logger
    }

    /// Events in the log not yet in the read models (as of the last catch-up).
    var lag: UInt64 {
        let last = log.lastPosition
        return lock.withLock { last > caughtUpTo ? last - caughtUpTo : 0 }
    }

    /// Whether the first catch-up has finished.
    var hasCaughtUp: Bool { lock.withLock { caughtUpOnce } }

    func run() async throws {
        // A shutdown interrupts a catch-up between two of its transactions (a long one, or one
        // failing again and again, never holds the server past its grace period).
        let projector = self.projector
        try await withGracefulShutdownHandler {
            try await follow()
        } onGracefulShutdown: {
            projector.interruptFeeds()
        }
    }

    private func follow() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let started = ContinuousClock.now
            let (through, ok) = await catchUp()
            if !ok {
                // Retried after a pause rather than at once (a full disk does not clear itself).
                _ = await cancelWhenGracefulShutdown { try? await Task.sleep(for: .seconds(1)) }
                continue
            }
            // Wait for the next append (or shutdown).
            let log = self.log
            let appended = await cancelWhenGracefulShutdown { await Self.nextAppend(log, after: through) }
            if !appended { return }
            let soonest = started + minimumInterval
            if ContinuousClock.now < soonest { try? await Task.sleep(until: soonest, clock: .continuous) }
        }
    }

    /// Waits for an event after `position`; false when the wait was cancelled.
    private static func nextAppend(_ log: EventLog, after position: UInt64) async -> Bool {
        var events = log.subscribe(from: position + 1).makeAsyncIterator()
        do {
            return try await events.next() != nil
        } catch {
            return false
        }
    }

    /// Asks for a feed of the PostgreSQL target after the SQLite models moved: one runs on
    /// the target's queue, and one more after it when asked meanwhile.
    private func wantTarget() {
        guard target != nil else { return }
        let start = lock.withLock { () -> Bool in
            if targetBusy {
                targetAgain = true
                return false
            }
            targetBusy = true
            return true
        }
        if start { targetQueue.async { [self] in feedTarget() } }
    }

    /// Feeds the target until nobody asks again; a failure is logged and retried after a
    /// pause that doubles up to a minute (a server down, a refused store), even on a quiet log.
    private func feedTarget() {
        guard let target else { return }
        do {
            try target.catchUp(projector: projector)
            targetBackoff = 1
        } catch {
            logger.error(
                "the PostgreSQL target could not be brought up to date; retrying in \(Int(targetBackoff)) s",
                metadata: ["target": "\(target.url.redacted)", "error": "\(error.message)"]
            )
            let delay = targetBackoff
            targetBackoff = min(60, targetBackoff * 2)
            targetQueue.asyncAfter(deadline: .now() + delay) { [self] in feedTarget() }
            return
        }
        let again = lock.withLock { () -> Bool in
            if targetAgain {
                targetAgain = false
                return true
            }
            targetBusy = false
            return false
        }
        if again { targetQueue.async { [self] in feedTarget() } }
    }

    /// One catch-up, off the caller's thread; returns the position the models now hold (on a
    /// failure, logged, what they held before: the next append retries).
    private func catchUp() async -> (UInt64, Bool) {
        await withCheckedContinuation { continuation in
            queue.async { [self] in
                let end = log.lastPosition
                do {
                    try projector.catchUp()
                    lock.withLock {
                        caughtUpTo = end
                        caughtUpOnce = true
                    }
                    wantTarget()
                    continuation.resume(returning: (end, true))
                } catch {
                    logger.error("the read models could not be brought up to date", metadata: ["error": "\(error)"])
                    continuation.resume(returning: (lock.withLock { caughtUpTo }, false))
                }
            }
        }
    }
}
