import Foundation

/// Makes the writer's groups durable on a thread of its own, one group at a time, so that the
/// writer encodes and writes the next group while the previous one is in `fdatasync`.
///
/// A group is acknowledged only after a sync that began after the group was written, exactly
/// as before; what changes is that the writer no longer sits idle through that sync. Bulk
/// appends of 1,000 events spent about half their time waiting for `fdatasync` (1.2 s of 2.43 s
/// for 868 commits, `docs/PERFORMANCE.md`), with the writer's encoding and the sync one after
/// the other. At most one group is in flight: the writer collects it (``finish()``) before it
/// hands over the next, so groups become durable, and are acknowledged, in log order.
///
/// The syncer shares the writer's queue lock, so the writer can sleep until either a new append
/// arrives or the group in flight has ended (a failed sync must stop the writer at once).
final class GroupSyncer: @unchecked Sendable {
    /// One written group to make durable.
    struct Job {
        /// The segment the group was written to.
        let file: FileHandle
        /// Runs on the syncer's thread once the group is durable, with the seconds the sync
        /// took: the index update, the acknowledgements and the live readers' wake-up. Not run
        /// when the sync fails (the writer fails the group then).
        let onDurable: (Double) -> Void
    }

    private enum State {
        case idle
        case syncing(Job)
        case ended(EventLogError?)
    }

    // Guarded by `lock`, which is the writer's queue lock.
    private let lock: ConditionLock
    private var state = State.idle
    private var stopping = false
    private var started = false
    private var stopped = false

    /// A syncer whose state is guarded by `lock` (the writer's queue lock: its waits wake on
    /// both new appends and ended syncs). Its thread starts with ``launch()``.
    init(lock: ConditionLock) {
        self.lock = lock
    }

    /// Starts the syncer's thread (once the writer is sure to start: a log that fails to open
    /// leaves no thread behind).
    func launch() {
        lock.withLock { started = true }
        let thread = Thread { [self] in run() }
        thread.name = "docket-log-syncer"
        thread.start()
    }

    /// Starts syncing a written group. Call only with no group in flight (after ``finish()``).
    func start(_ job: Job) {
        lock.withLock {
            guard case .idle = state else { preconditionFailure("a group is already in flight") }
            state = .syncing(job)
            lock.broadcast()
        }
    }

    /// Whether a group's sync has ended and waits to be collected. Call with the lock held.
    var hasEndedLocked: Bool {
        if case .ended = state { return true }
        return false
    }

    /// Waits for the group in flight, if any, and collects it: `nil` when it is durable (its
    /// `onDurable` has run) or when there was none, the error when its sync failed.
    func finish() -> EventLogError? {
        lock.withLock {
            while true {
                switch state {
                case .idle:
                    return nil
                case .syncing:
                    lock.wait()
                case .ended(let error):
                    state = .idle
                    return error
                }
            }
        }
    }

    /// Stops the thread once no group is in flight.
    func stop() {
        lock.withLock {
            guard started else { return }
            stopping = true
            lock.broadcast()
            while !stopped { lock.wait() }
        }
    }

    private func run() {
        lock.lock()
        while true {
            guard case .syncing(let job) = state else {
                if stopping { break }
                lock.wait()
                continue
            }
            lock.unlock()
            let start = ContinuousClock.now
            var failure: EventLogError?
            do { try job.file.syncData() } catch { failure = error }
            if failure == nil {
                let elapsed = ContinuousClock.now - start
                job.onDurable(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
            lock.lock()
            state = .ended(failure)
            lock.broadcast()
        }
        stopped = true
        lock.broadcast()
        lock.unlock()
    }
}
