import Certification
import CertificationWire
import Chronology
import DocketStore

extension DocketService {
    /// Batch `id` and its history (inside `cut`).
    /// - Throws: `batch-not-found`; `before-log`.
    public func batch(_ id: String, cut: TimeCut = .now) throws(DocketError) -> BatchAnswer {
        guard StreamName.isValidID(id) else {
            throw DocketError(.invalidParameter, "a batch id is 1 to 64 of A-Z a-z 0-9 . _ -", field: "batch")
        }
        try requireInsideLog(cut, field: cut.field)
        let logPosition = self.logPosition
        let events = try CaseHistory.read(stream: StreamName.forBatch(id), from: store).filter {
            cut.includes(at: $0.at, recordedAt: $0.recordedAt)
        }
        guard !events.isEmpty else {
            throw DocketError(
                .batchNotFound,
                "no batch \(id) \(cut == .now ? "has been scheduled" : cut.phrase)",
                field: "batch"
            )
        }
        var state = BatchState()
        var reschedules: [BatchAnswer.Reschedule] = []
        for e in events {
            guard case .batchEvent(let event) = e.event else { continue }
            state.evolve(with: event, at: e.at, position: e.position)
            if case .rescheduled(let start, let reason) = event {
                reschedules.append(.init(at: e.at, examStartsAt: start, reason: reason))
            }
        }
        return BatchAnswer(
            batchID: id,
            state: state,
            events: events.map {
                TimelineEntry(source: .batch, event: $0.line(.masked), summary: EventSummary.summary(of: $0.event))
            },
            reschedules: reschedules,
            logPosition: logPosition
        )
    }
}
