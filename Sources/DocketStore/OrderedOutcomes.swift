import CertificationWire
import Dispatch

/// Puts outcomes delivered out of order back in input order, and bounds how many commands are
/// in flight (so a huge input streams in constant memory).
///
/// `emit` is called in order of the numbers given by ``reserve()``, under the sequencer's lock,
/// on whichever thread completed the prefix.
public final class OrderedOutcomes: @unchecked Sendable {
    private let lock = Lock()
    private var ready: [Int: CommandOutcome] = [:]
    private var nextToEmit = 0
    private var nextNumber = 0
    private let window: DispatchSemaphore
    private let done = DispatchSemaphore(value: 0)
    private var waitingForAll = false
    private let emit: (CommandOutcome) -> Void
    private let flush: () -> Void

    /// - Parameters:
    ///   - maximumInFlight: how many commands may be reserved and not yet emitted.
    ///   - emit: receives each outcome in order.
    ///   - flush: called after each run of emits (write out what `emit` gathered).
    public init(
        maximumInFlight: Int = 16_384,
        emit: @escaping (CommandOutcome) -> Void,
        flush: @escaping () -> Void = {}
    ) {
        window = DispatchSemaphore(value: maximumInFlight)
        self.emit = emit
        self.flush = flush
    }

    /// The number of the next command; blocks while `maximumInFlight` are outstanding.
    public func reserve() -> Int {
        window.wait()
        return lock.withLock {
            defer { nextNumber += 1 }
            return nextNumber
        }
    }

    /// Delivers the outcome of command `number`.
    public func deliver(_ number: Int, _ outcome: CommandOutcome) {
        var released = 0
        var finished = false
        lock.withLock {
            ready[number] = outcome
            while let next = ready.removeValue(forKey: nextToEmit) {
                emit(next)
                nextToEmit += 1
                released += 1
            }
            if released > 0 { flush() }
            finished = waitingForAll && nextToEmit == nextNumber
        }
        for _ in 0..<released { window.signal() }
        if finished { done.signal() }
    }

    /// Blocks until every reserved command has been emitted.
    public func waitForAll() {
        let pending = lock.withLock { () -> Bool in
            waitingForAll = true
            return nextToEmit < nextNumber
        }
        if pending { done.wait() }
    }
}
