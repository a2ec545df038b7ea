import Certification
import Chronology

/// The case view at any point of a case's history: the one fold of a case (``CaseState``)
/// with its status evaluated at a moment against the batches as they stood. The application
/// layer folds with it, and so does the evidence verifier, from nothing but a bundle.
public struct CaseFold {
    public let caseID: String
    public private(set) var state = CaseState()
    /// Batch events merged in log order, and how many of them are applied.
    private let batchEvents: [RecordedDomainEvent]
    private var batchCursor = 0
    private var batches: [String: BatchState] = [:]

    /// A fold of case `caseID`, with the events of the batches it was in (any order).
    public init(caseID: String, batchEvents: [RecordedDomainEvent]) {
        self.caseID = caseID
        self.batchEvents = batchEvents.sorted { $0.position < $1.position }
    }

    /// Applies the case's next event, and every batch event the log held before it.
    public mutating func apply(_ e: RecordedDomainEvent) {
        advanceBatches(through: e.position)
        if case .caseEvent(let event) = e.event { state.evolve(with: event, at: e.at, position: e.position) }
    }

    /// Applies every batch event at or before `position`.
    public mutating func advanceBatches(through position: UInt64) {
        while batchCursor < batchEvents.count, batchEvents[batchCursor].position <= position {
            let b = batchEvents[batchCursor]
            if let id = b.batchID, case .batchEvent(let event) = b.event {
                batches[id, default: BatchState()].evolve(with: event, at: b.at, position: b.position)
            }
            batchCursor += 1
        }
    }

    /// The view of the state so far, its status evaluated at `moment`.
    public func view(at moment: Timestamp) -> CaseView {
        let batches = self.batches
        return CaseView(
            caseID: caseID,
            state: state,
            status: CaseStatus.of(state, batch: { batches[$0] }, at: moment),
            moment: moment
        )
    }
}
