import Certification
import Chronology

/// A case as the write side holds it: its state, and what `out-of-order` and position checks need.
struct CaseRecord {
    var state = CaseState()
    /// The business time of the latest event (`at` is never earlier, SPEC §3).
    var lastAt: Timestamp?
    /// The log position of the latest event (decided, perhaps not yet durable).
    var lastPosition: UInt64 = 0

    mutating func evolve(with event: CaseEvent, at: Timestamp, position: UInt64) {
        state.evolve(with: event, position: position)
        lastAt = at
        lastPosition = position
    }
}

/// A batch as the write side holds it.
struct BatchRecord {
    var state = BatchState()
    var lastAt: Timestamp?
    var lastPosition: UInt64 = 0

    mutating func evolve(with event: BatchEvent, at: Timestamp, position: UInt64) {
        state.evolve(with: event, position: position)
        lastAt = at
        lastPosition = position
    }
}
