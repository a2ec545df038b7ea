import CertificationWire
import Foundation

/// Counts outcomes (from the sequencer's thread).
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var accepted = 0
    private var refused = 0
    private var failed = 0

    /// Counts `outcome`; returns how many outcomes have been counted.
    @discardableResult
    func count(_ outcome: CommandOutcome) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if outcome.storeFailure != nil {
            failed += 1
        } else if outcome.ok {
            accepted += 1
        } else {
            refused += 1
        }
        return accepted + refused + failed
    }

    var totals: (accepted: Int, refused: Int, failed: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (accepted, refused, failed)
    }
}
