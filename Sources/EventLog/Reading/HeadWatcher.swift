/// Wakes live readers when the log's visible end moves, with no polling.
final class HeadWatcher: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = ConditionLock()
    private var position: UInt64
    private var closed = false
    private var waiters: [UInt64: (after: UInt64, continuation: CheckedContinuation<UInt64?, Never>)] = [:]
    private var nextID: UInt64 = 0

    init(position: UInt64) { self.position = position }

    var current: UInt64 { lock.withLock { position } }

    /// Publishes a new visible end and resumes everyone waiting for less.
    func advance(to newPosition: UInt64) {
        let ready: [CheckedContinuation<UInt64?, Never>] = lock.withLock {
            position = max(position, newPosition)
            let due = waiters.filter { $0.value.after < position }
            for id in due.keys { waiters.removeValue(forKey: id) }
            return due.map(\.value.continuation)
        }
        for continuation in ready { continuation.resume(returning: newPosition) }
    }

    /// Ends every wait (the log is closing).
    func close() {
        let all: [CheckedContinuation<UInt64?, Never>] = lock.withLock {
            closed = true
            defer { waiters.removeAll() }
            return waiters.values.map(\.continuation)
        }
        for continuation in all { continuation.resume(returning: nil) }
    }

    /// Waits until the visible end passes `position`; `nil` when the log closes or the task is cancelled.
    func wait(beyond position: UInt64) async -> UInt64? {
        let id: UInt64 = lock.withLock {
            nextID += 1
            return nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<UInt64?, Never>) in
                let immediate: UInt64?? = lock.withLock {
                    if closed || Task.isCancelled { return .some(nil) }
                    if self.position > position { return .some(self.position) }
                    waiters[id] = (position, continuation)
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = lock.withLock { waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(returning: nil)
        }
    }
}
