import CertificationWire
import Dispatch

/// Waits for one command's outcome.
final class OutcomeBox: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let lock = Lock()
    private var outcome: CommandOutcome?

    func set(_ value: CommandOutcome) {
        lock.withLock { outcome = value }
        semaphore.signal()
    }

    func wait() -> CommandOutcome {
        semaphore.wait()
        return lock.withLock { outcome! }
    }
}
