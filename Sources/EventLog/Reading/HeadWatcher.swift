/// Wakes live readers when the log's visible end moves, with no polling.
final class HeadWatcher: @unchecked Sendable {
    /// Why a wait ended.
    enum Wake: Sendable {
        /// The visible end moved to this position.
        case advanced(UInt64)
        /// Nothing moved within the wait's time limit.
        case timedOut
        /// The log is closing, or the waiting task was cancelled.
        case closed
    }

    // Guarded by `lock`.
    private let lock = ConditionLock()
    private var position: UInt64
    private var closed = false
    private var waiters: [UInt64: (after: UInt64, continuation: CheckedContinuation<Wake, Never>)] = [:]
    private var nextID: UInt64 = 0

    init(position: UInt64) { self.position = position }

    var current: UInt64 { lock.withLock { position } }

    /// Publishes a new visible end and resumes everyone waiting for less.
    func advance(to newPosition: UInt64) {
        let ready: [CheckedContinuation<Wake, Never>] = lock.withLock {
            position = max(position, newPosition)
            let due = waiters.filter { $0.value.after < position }
            for id in due.keys { waiters.removeValue(forKey: id) }
            return due.map(\.value.continuation)
        }
        for continuation in ready { continuation.resume(returning: .advanced(newPosition)) }
    }

    /// Ends every wait (the log is closing).
    func close() {
        let all: [CheckedContinuation<Wake, Never>] = lock.withLock {
            closed = true
            defer { waiters.removeAll() }
            return waiters.values.map(\.continuation)
        }
        for continuation in all { continuation.resume(returning: .closed) }
    }

    /// Waits until the visible end passes `position`; `nil` when the log closes or the task is cancelled.
    func wait(beyond position: UInt64) async -> UInt64? {
        if case .advanced(let p) = await wait(beyond: position, timeout: nil) { return p }
        return nil
    }

    /// Waits until the visible end passes `position`, for at most `timeout` (forever if `nil`).
    func wait(beyond position: UInt64, timeout: Duration?) async -> Wake {
        let id: UInt64 = lock.withLock {
            nextID += 1
            return nextID
        }
        let timer = timeout.map { limit in
            Task { [weak self] in
                try? await Task.sleep(for: limit)
                guard !Task.isCancelled, let self else { return }
                let waiter = self.lock.withLock { self.waiters.removeValue(forKey: id) }
                waiter?.continuation.resume(returning: .timedOut)
            }
        }
        defer { timer?.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Wake, Never>) in
                let immediate: Wake? = lock.withLock {
                    if closed || Task.isCancelled { return .closed }
                    if self.position > position { return .advanced(self.position) }
                    waiters[id] = (position, continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = lock.withLock { waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(returning: .closed)
        }
    }
}
