import Certification
import CertificationWire
import Chronology
import DocketJSON
import Foundation

/// Cases: the case view of SPEC §3, one row per case, for queries and reports.
///
/// Each row holds the case's view as JSON too, which `docket case` shows when the model is
/// current (with the candidate's name, as the view does; identity numbers are masked).
///
/// A row is the fold of the case's events (a bounded cache of states, the log's earlier events
/// on a miss), written once per transaction however many of its events the transaction held. The status is
/// the one at the case's latest event; `lapses_on` is the day a time-dependent status (a kept
/// pass running out) becomes `failed`, so readers can tell the status on any later day.
public final class CaseProjection: Projection, @unchecked Sendable {
    private let folder = CaseFolder()
    private let batches = BatchBook()

    public init() {}

    public var name: String { "cases" }
    public var summary: String { "the case view, one row per case (status, subjects, payments, findings)" }
    /// 2: birth dates masked to the year beside masked identity numbers (was: in full).
    public var schemaVersion: Int { 2 }
    public var schema: ModelSchema { Self.schema }

    static let cases = ModelTable(
        "cases",
        [
            .text("case_id"), .integer("version"), .text("status"), .text("lapses_on", nullable: true),
            .text("occupation"), .integer("level"), .text("batch"),
            .integer("theory_score", nullable: true), .integer("theory_passed", nullable: true),
            .text("theory_batch", nullable: true),
            .integer("skill_score", nullable: true), .integer("skill_passed", nullable: true),
            .text("skill_batch", nullable: true),
            .integer("paid_yuan"), .integer("refunded_yuan"), .text("certificate_number", nullable: true),
            .integer("open_complaints"), .text("findings"), .text("applied_on"), .text("last_at"),
        ],
        primaryKey: ["case_id"]
    )
    /// The view's JSON in a table of its own: reports scan `cases`, which stays narrow.
    static let views = ModelTable("case_views", [.text("case_id"), .text("view")], primaryKey: ["case_id"])
    static let schema = ModelSchema(
        [cases, views, BatchBook.table],
        indexes: [
            ModelIndex("cases_batch", on: "cases", ["batch", "occupation"]),
            ModelIndex("cases_status", on: "cases", ["status"]),
        ]
    )
    static let putCase = ModelStatement.replace(into: cases)
    static let putView = ModelStatement.replace(into: views)
    static let inBatch = ModelStatement.select(["case_id"], from: cases, where: ["batch"])

    public func willFeed(_ context: FeedContext) {
        folder.willFeed(context)
        batches.willFeed()
    }

    public func apply(_ e: RecordedDomainEvent, _ storage: any ModelStorage) throws {
        try batches.load(storage)
        switch e.event {
        case .batchEvent(let event):
            guard let batchID = try batches.apply(e, event, storage) else { return }
            if case .rescheduled = event {
                // Tickets of this batch are void: every case sitting in it changes, as of now.
                try willCommit(storage)
                let ids = try storage.texts(Self.inBatch) { $0.text(batchID) }
                for id in ids {
                    guard let entry = try folder.entry(id, before: .max, position: e.position) else { continue }
                    entry.batchEventAt = e.at
                    folder.touch(entry)
                }
            }
        case .caseEvent(let event):
            guard let caseID = e.caseID else { return }
            try folder.evolve(e, event, caseID: caseID)
        }
    }

    /// Writes each case touched in this transaction once, as it stands at its latest event.
    public func willCommit(_ storage: any ModelStorage) throws {
        for entry in folder.touched { try write(entry, storage) }
        folder.clearTouched()
    }

    public func didCommit(through position: UInt64) { folder.didCommit(through: position) }

    /// Writes the case's row as its state stands at its latest event.
    private func write(_ entry: CaseFolder.Entry, _ storage: any ModelStorage) throws {
        guard let application = entry.state.application else { return }
        let status = CaseStatus.of(entry.state, batch: { self.batches[$0] }, at: entry.moment)
        let theory = entry.state.results[.theory]
        let skill = entry.state.results[.skill]
        var findings = entry.state.lateTickets.map { "ticket-late:" + $0 }
        if entry.state.isRejected || entry.state.withdrawn, entry.state.results.isEmpty {
            findings += entry.state.payments.filter { !$0.refunded }.map { "refund-due:" + $0.reference }
        }
        // The spec's case view as of the case's latest event (identity number masked): what
        // `docket case` shows when this model is current, its status brought to the day it is read.
        let view = JSONWriter.string(
            CaseView(
                caseID: entry.caseID,
                state: entry.state,
                status: status,
                moment: entry.moment
            ).json(.masked)
        )
        try storage.run(Self.putCase) { row in
            row.text(entry.caseID)
            row.int(entry.state.version)
            row.text(status.rawValue)
            row.text(lapsesOn(entry.state, status))
            row.text(application.occupation.rawValue)
            row.int(application.level)
            row.text(entry.state.sittingBatch ?? application.batch)
            row.int(theory?.score)
            row.bool(theory?.passed)
            row.text(theory?.batch)
            row.int(skill?.score)
            row.bool(skill?.passed)
            row.text(skill?.batch)
            row.int(entry.state.paidYuan)
            row.int(entry.state.refundedYuan)
            row.text(entry.state.certificateNumber)
            row.int(entry.state.complaints.filter(\.isOpen).count)
            row.text(findings.joined(separator: ","))
            row.text(entry.appliedOn)
            row.text(entry.moment.description)
        }
        try storage.run(Self.putView) { row in
            row.text(entry.caseID)
            row.text(view)
        }
    }

    /// The day a kept pass runs out, when the status depends on it (the day after
    /// `passKeptUntil`, in Asia/Shanghai).
    private func lapsesOn(_ state: CaseState, _ status: CaseStatus) -> String? {
        guard [.retakeEligible, .retakeRequested, .ticketed].contains(status) else { return nil }
        let passed = state.results.values.filter(\.passed)
        guard passed.count == 1, let exam = batches[passed[0].batch]?.examDate else { return nil }
        return CertificationCalendar.passKeptUntil(examDate: exam).adding(days: 1).description
    }
}
