import Certification
import CertificationWire

/// Batch statistics by batch × occupation: how many cases applied, were approved, rejected or
/// withdrew, were sent a ticket, sat and passed each subject, were certified, and asked for a
/// retake there. Pass rates are computed when reported.
///
/// Each count is of cases, once per batch: a ticket sent again after a reschedule is not a new
/// ticketed case; a retake's sitting counts in the retake's batch (as a sitting and a pass, not
/// as an application); a corrected score moves a pass between counts. Counts change by deltas
/// gathered in memory and added once per transaction.
public final class BatchStatisticsProjection: Projection, @unchecked Sendable {
    /// The counted measures, in column order.
    enum Measure: Int, CaseIterable {
        case applied, approved, rejected, withdrawn, ticketed
        case satTheory, passedTheory, satSkill, passedSkill
        case certified, retakesRequested

        var column: String {
            [
                "applied", "approved", "rejected", "withdrawn", "ticketed", "sat_theory", "passed_theory", "sat_skill",
                "passed_skill", "certified", "retakes_requested",
            ][rawValue]
        }

        static func sat(_ subject: Subject) -> Measure { subject == .theory ? .satTheory : .satSkill }
        static func passed(_ subject: Subject) -> Measure { subject == .theory ? .passedTheory : .passedSkill }
    }

    private struct Key: Hashable {
        var batch: String
        var occupation: String
    }

    private let folder = CaseFolder()
    private var deltas: [Key: [Int]] = [:]

    public init() {}

    public var name: String { "batches" }
    public var summary: String { "cases applied, approved, ticketed, sat, passed, certified by batch and occupation" }
    public var schemaVersion: Int { 1 }
    public var schema: ModelSchema { Self.schema }

    static let stats = ModelTable(
        "batch_stats",
        [.text("batch"), .text("occupation")] + Measure.allCases.map { ModelTable.Column.integer($0.column) },
        primaryKey: ["batch", "occupation"]
    )
    static let schema = ModelSchema([stats])
    static let add = ModelStatement.add(into: stats)

    public func willFeed(_ context: FeedContext) {
        folder.willFeed(context)
        deltas.removeAll()
    }

    public func apply(_ e: RecordedDomainEvent, _ storage: any ModelStorage) throws {
        guard let caseID = e.caseID, case .caseEvent(let event) = e.event else { return }
        let entry = try folder.entry(for: e, caseID: caseID)
        // Only what the counts read of the state before the event (a copy of the whole state
        // made the fold copy the case's arrays and dictionaries on write, every event).
        let sittingBefore = entry.state.sittingBatch
        let ticketBatchBefore = entry.state.ticket?.batch
        var correctedFrom: CaseState.SubjectResult?
        if case .scoreCorrected(let c) = event { correctedFrom = entry.state.results[c.subject] }
        folder.advance(entry, e, event)
        guard let application = entry.state.application else { return }
        func count(_ measure: Measure, _ batch: String, _ delta: Int = 1) {
            let key = Key(batch: batch, occupation: application.occupation.rawValue)
            deltas[key, default: Array(repeating: 0, count: Measure.allCases.count)][measure.rawValue] += delta
        }
        let sitting = sittingBefore ?? application.batch
        switch event {
        case .applied(let a):
            count(.applied, a.batch)
        case .documentsVerified(let v):
            count(v.outcome == .approved ? .approved : .rejected, application.batch)
        case .withdrawn:
            count(.withdrawn, sitting)
        case .ticketSent(let t):
            if ticketBatchBefore != t.batch { count(.ticketed, t.batch) }
        case .scored(let s):
            count(.sat(s.subject), s.batch)
            if s.score >= Subject.passMark { count(.passed(s.subject), s.batch) }
        case .scoreCorrected(let c):
            guard let old = correctedFrom else { break }
            let change = (c.score >= Subject.passMark ? 1 : 0) - (old.passed ? 1 : 0)
            if change != 0 { count(.passed(c.subject), old.batch, change) }
        case .certified:
            count(.certified, sitting)
        case .retakeRequested(let r):
            count(.retakesRequested, r.batch)
        default:
            break
        }
    }

    public func willCommit(_ storage: any ModelStorage) throws {
        folder.clearTouched()
        guard !deltas.isEmpty else { return }
        // In key order, so the file's pages are written alike whatever the dictionary's order.
        for (key, values) in deltas.sorted(by: { ($0.key.batch, $0.key.occupation) < ($1.key.batch, $1.key.occupation) }
        ) {
            try storage.run(Self.add) { row in
                row.text(key.batch)
                row.text(key.occupation)
                for value in values { row.int(value) }
            }
        }
        deltas.removeAll(keepingCapacity: true)
    }

    public func didCommit(through position: UInt64) { folder.didCommit(through: position) }
}
