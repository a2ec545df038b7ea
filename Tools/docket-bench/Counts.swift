import CertificationWire
import Foundation

/// Outcome counts from the sequencer's thread.
final class Counts: @unchecked Sendable {
    private let lock = NSLock()
    private var commands = 0
    private var accepted = 0
    private var events = 0

    func add(_ outcome: CommandOutcome) {
        lock.lock()
        commands += 1
        if outcome.ok { accepted += 1 }
        events += outcome.events.count
        lock.unlock()
    }

    var totals: (Int, Int, Int) {
        lock.lock()
        defer { lock.unlock() }
        return (commands, accepted, events)
    }
}
