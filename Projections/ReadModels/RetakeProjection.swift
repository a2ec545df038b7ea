import Certification
import CertificationWire
import Chronology

/// Retakes: one row per case that passed one subject and not the other, so may sit the other
/// once more while its pass is kept (notice §三(四)): the subject owed, the day the kept pass
/// runs out, and whether a retake was requested, sat and passed. Whether an unused window has
/// lapsed, or runs out within the next days, is worked out when reported (it depends on today).
public final class RetakeProjection: Projection, @unchecked Sendable {
    private let folder = CaseFolder()
    private let batches = BatchBook()

    public init() {}

    public var name: String { "retakes" }
    public var summary: String { "cases owed one subject: the retake window, requested, sat, passed" }
    public var schemaVersion: Int { 1 }
    public var schema: ModelSchema { Self.schema }

    static let retakes = ModelTable(
        "retakes",
        [
            .text("case_id"), .text("occupation"), .text("batch"), .text("subject"), .text("kept_subject"),
            .text("window_closes_on", nullable: true), .text("retake_batch", nullable: true), .integer("sat"),
            .integer("passed"),
        ],
        primaryKey: ["case_id"]
    )
    static let schema = ModelSchema(
        [retakes, BatchBook.table],
        indexes: [ModelIndex("retakes_window", on: "retakes", ["window_closes_on"])]
    )
    static let upsert = ModelStatement.replace(into: retakes)
    static let delete = ModelStatement.delete(from: retakes, where: ["case_id"])

    public func willFeed(_ context: FeedContext) {
        folder.willFeed(context)
        batches.willFeed()
    }

    public func apply(_ e: RecordedDomainEvent, _ storage: any ModelStorage) throws {
        try batches.load(storage)
        switch e.event {
        case .batchEvent(let event):
            try batches.apply(e, event, storage)
        case .caseEvent(let event):
            guard let caseID = e.caseID else { return }
            try folder.evolve(e, event, caseID: caseID)
        }
    }

    /// Writes (or removes) the row of each case touched in this transaction.
    public func willCommit(_ storage: any ModelStorage) throws {
        for entry in folder.touched {
            guard let row = retake(entry.state) else {
                try storage.run(Self.delete) { $0.text(entry.caseID) }
                continue
            }
            try storage.run(Self.upsert) { r in
                r.text(entry.caseID)
                r.text(row.occupation)
                r.text(row.batch)
                r.text(row.subject.rawValue)
                r.text(row.kept.rawValue)
                r.text(row.windowClosesOn)
                r.text(row.retakeBatch)
                r.bool(row.sat)
                r.bool(row.passed)
            }
        }
        folder.clearTouched()
    }

    public func didCommit(through position: UInt64) { folder.didCommit(through: position) }

    private struct Row {
        var occupation: String
        var batch: String
        var subject: Subject
        var kept: Subject
        var windowClosesOn: String?
        var retakeBatch: String?
        var sat: Bool
        var passed: Bool
    }

    /// The case's retake, if it is owed one subject (or took its retake).
    private func retake(_ state: CaseState) -> Row? {
        guard let application = state.application else { return nil }
        let owed: Subject
        if let requested = state.retake {
            owed = requested.subject
        } else {
            let failed = Subject.allCases.filter { state.results[$0].map { !$0.passed } ?? false }
            let passed = Subject.allCases.filter { state.results[$0]?.passed == true }
            guard failed.count == 1, passed.count == 1 else { return nil }
            owed = failed[0]
        }
        guard let kept = Subject.allCases.first(where: { $0 != owed }), let pass = state.results[kept], pass.passed
        else { return nil }
        let sitting = state.retake.flatMap { r in state.results[owed].flatMap { $0.batch == r.batch ? $0 : nil } }
        return Row(
            occupation: application.occupation.rawValue,
            batch: application.batch,
            subject: owed,
            kept: kept,
            windowClosesOn: batches[pass.batch]?.examDate.map {
                CertificationCalendar.passKeptUntil(examDate: $0).description
            },
            retakeBatch: state.retake?.batch,
            sat: sitting != nil,
            passed: sitting?.passed ?? false
        )
    }
}
