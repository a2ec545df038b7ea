import Chronology

/// A batch as its events have made it.
public struct BatchState: Sendable, Hashable {
    /// The current exam start (after any reschedule).
    public private(set) var examStartsAt: Timestamp?
    public private(set) var occupations: [Occupation] = []
    /// Log positions of reschedules: a ticket recorded before the latest one is void.
    public private(set) var reschedulePositions: [UInt64] = []
    /// Where scores were first published, if they have been.
    public private(set) var scoresPublishedAt: UInt64?
    public private(set) var version: UInt64 = 0
    /// The business time of the latest event.
    public private(set) var lastAt: Timestamp?
    /// The log position of the latest event.
    public private(set) var lastPosition: UInt64 = 0

    /// A batch with no events.
    public init() {}

    public var isScheduled: Bool { examStartsAt != nil }

    /// Applies `event` (business time `at`, log position `position`) in place. Total: never fails.
    public mutating func evolve(with event: BatchEvent, at: Timestamp, position: UInt64) {
        version += 1
        lastAt = at
        lastPosition = position
        switch event {
        case .scheduled(let start, let occupations):
            examStartsAt = start
            self.occupations = occupations
        case .rescheduled(let start, _):
            examStartsAt = start
            reschedulePositions.append(position)
        case .scoresPublished:
            if scoresPublishedAt == nil { scoresPublishedAt = position }
        }
    }

    /// Whether a ticket recorded at `position` is still valid (no reschedule came after it).
    public func ticketIsValid(recordedAt position: UInt64) -> Bool {
        guard let last = reschedulePositions.last else { return true }
        return position > last
    }

    /// The local exam date (Asia/Shanghai), which starts a kept pass's year.
    public var examDate: LocalDate? { examStartsAt?.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset) }
}
