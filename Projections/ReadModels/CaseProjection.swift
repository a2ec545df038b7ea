import Certification
import CertificationWire
import Chronology
import Foundation
import GRDB

/// Cases: the case view of SPEC §3, one row per case, for queries and reports.
///
/// A row is the fold of the case's events; to fold without the log, the projection keeps each
/// case's event data in a private table and a bounded cache of recent states. The status is
/// the one at the case's latest event; `lapses_on` is the day a time-dependent status (a kept
/// pass running out) becomes `failed`, so readers can tell the status on any later day.
public final class CaseProjection: Projection, @unchecked Sendable {
    /// Case states by id, for the feed in progress (the Projector feeds one thread at a time).
    private var cache: [String: (state: CaseState, appliedOn: String)] = [:]
    private var batches: [String: BatchState] = [:]
    private var batchesLoaded = false
    /// Enough for every case of a large store's rebuild to stay in memory (a miss folds the case
    /// again from `case_events`); past it, the older half is dropped.
    static let cacheLimit = 131_072
    private var cacheOrder: [String] = []

    public init() {}

    public var name: String { "cases" }
    public var summary: String { "the case view, one row per case (status, subjects, payments, findings)" }
    public var tables: [(table: String, orderBy: String)] {
        [("cases", "case_id"), ("case_events", "case_id, version"), ("batch_events", "position")]
    }

    public func willFeed() {
        cache.removeAll()
        cacheOrder.removeAll()
        batches.removeAll()
        batchesLoaded = false
    }

    public func createTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE cases (
                    case_id TEXT PRIMARY KEY,
                    version INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    lapses_on TEXT,
                    occupation TEXT NOT NULL,
                    level INTEGER NOT NULL,
                    batch TEXT NOT NULL,
                    theory_score INTEGER, theory_passed INTEGER, theory_batch TEXT,
                    skill_score INTEGER, skill_passed INTEGER, skill_batch TEXT,
                    paid_yuan INTEGER NOT NULL,
                    refunded_yuan INTEGER NOT NULL,
                    certificate_number TEXT,
                    open_complaints INTEGER NOT NULL,
                    findings TEXT NOT NULL,
                    applied_on TEXT NOT NULL,
                    last_at TEXT NOT NULL
                );
                CREATE TABLE case_events (
                    case_id TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    position INTEGER NOT NULL,
                    local_day TEXT NOT NULL,
                    type TEXT NOT NULL,
                    data BLOB NOT NULL,
                    PRIMARY KEY (case_id, version)
                ) WITHOUT ROWID;
                CREATE TABLE batch_events (
                    position INTEGER PRIMARY KEY,
                    batch TEXT NOT NULL,
                    type TEXT NOT NULL,
                    data BLOB NOT NULL
                );
                """
        )
    }

    public func createIndexes(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX cases_batch ON cases(batch, occupation);
                CREATE INDEX cases_status ON cases(status);
                """
        )
    }

    public func apply(_ e: ProjectedEvent, _ db: Database) throws {
        try loadBatches(db)
        switch e.event {
        case .batchEvent(let event):
            guard let batchID = StreamName.batchID(of: e.stream) else { return }
            try db.cachedStatement(sql: "INSERT INTO batch_events VALUES (?, ?, ?, ?)")
                .execute(arguments: [
                    Int64(e.position), batchID, e.event.typeName, Data(EventCoding.payload(of: e.event)),
                ])
            batches[batchID, default: BatchState()].evolve(with: event, position: e.position)
            if case .rescheduled = event {
                // Tickets of this batch are void: every case sitting in it changes.
                let ids = try String.fetchAll(
                    db,
                    sql: "SELECT case_id FROM cases WHERE batch = ?",
                    arguments: [batchID]
                )
                for id in ids {
                    if let (state, appliedOn) = try state(id, db) {
                        try write(id, state, at: e.at, appliedOn: appliedOn, db)
                    }
                }
            }
        case .caseEvent(let event):
            guard let caseID = e.caseID else { return }
            // Kept to fold the case again, without what the view does not need: the identity
            // number and the name masked.
            try db.cachedStatement(sql: "INSERT INTO case_events VALUES (?, ?, ?, ?, ?, ?)")
                .execute(arguments: [
                    caseID, Int64(e.version), Int64(e.position), e.localDay, e.event.typeName,
                    Data(EventCoding.payload(of: Self.withoutPersonalData(e.event))),
                ])
            var (state, appliedOn) =
                try self.state(caseID, db, excludingVersion: e.version) ?? (CaseState(), e.localDay)
            state.evolve(with: event, position: e.position)
            remember(caseID, state, appliedOn)
            try write(caseID, state, at: e.at, appliedOn: appliedOn, db)
        }
    }

    private func loadBatches(_ db: Database) throws {
        guard !batchesLoaded else { return }
        batchesLoaded = true
        for row in try Row.fetchAll(db, sql: "SELECT position, batch, type, data FROM batch_events ORDER BY position") {
            let data: [UInt8] = Array(row["data"] as Data)
            if case .batchEvent(let event) = try EventCoding.decode(type: row["type"], payload: data) {
                batches[row["batch"], default: BatchState()].evolve(
                    with: event,
                    position: UInt64(row["position"] as Int64)
                )
            }
        }
    }

    /// The case's state from the cache, else folded from its stored events (all versions but
    /// `excludingVersion`, the one being applied now).
    private func state(
        _ id: String,
        _ db: Database,
        excludingVersion: UInt64 = .max
    ) throws -> (
        CaseState, appliedOn: String
    )? {
        if let cached = cache[id] { return cached }
        let rows = try Row.fetchAll(
            db,
            sql:
                "SELECT position, local_day, type, data FROM case_events WHERE case_id = ? AND version < ? ORDER BY version",
            arguments: [id, Int64(min(excludingVersion, UInt64(Int64.max)))]
        )
        guard let first = rows.first else { return nil }
        var state = CaseState()
        for row in rows {
            let data: [UInt8] = Array(row["data"] as Data)
            if case .caseEvent(let event) = try EventCoding.decode(type: row["type"], payload: data) {
                state.evolve(with: event, position: UInt64(row["position"] as Int64))
            }
        }
        return (state, first["local_day"])
    }

    private func remember(_ id: String, _ state: CaseState, _ appliedOn: String) {
        if cache.updateValue((state, appliedOn), forKey: id) == nil { cacheOrder.append(id) }
        guard cache.count > Self.cacheLimit else { return }
        let dropped = cacheOrder.prefix(cacheOrder.count / 2)
        for old in dropped { cache[old] = nil }
        cacheOrder.removeFirst(dropped.count)
    }

    /// Writes the case's row as its state stands at `at`.
    private func write(_ id: String, _ state: CaseState, at: Timestamp, appliedOn: String, _ db: Database) throws {
        guard let application = state.application else { return }
        let status = CaseStatus.of(state, batch: { self.batches[$0] }, at: at)
        let theory = state.results[.theory]
        let skill = state.results[.skill]
        var findings = state.lateTickets.map { "ticket-late:" + $0 }
        if state.isRejected || state.withdrawn, state.results.isEmpty {
            findings += state.payments.filter { !$0.refunded }.map { "refund-due:" + $0.reference }
        }
        try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            id, Int64(state.version), status.rawValue, lapsesOn(state, status),
            application.occupation.rawValue, application.level, state.sittingBatch ?? application.batch,
            theory?.score, theory.map { $0.passed ? 1 : 0 }, theory?.batch,
            skill?.score, skill.map { $0.passed ? 1 : 0 }, skill?.batch,
            state.paidYuan, state.refundedYuan, state.certificateNumber,
            state.complaints.filter(\.isOpen).count, findings.joined(separator: ","),
            appliedOn, at.description,
        ])
    }

    /// The day a kept pass runs out, when the status depends on it (the day after
    /// `passKeptUntil`, in Asia/Shanghai).
    private func lapsesOn(_ state: CaseState, _ status: CaseStatus) -> String? {
        guard [.retakeEligible, .retakeRequested, .ticketed].contains(status) else { return nil }
        let passed = state.results.values.filter(\.passed)
        guard passed.count == 1, let exam = batches[passed[0].batch]?.examDate else { return nil }
        return CertificationCalendar.passKeptUntil(examDate: exam).adding(days: 1).description
    }

    /// The event with the identity number and the name masked.
    static func withoutPersonalData(_ event: DomainEvent) -> DomainEvent {
        guard case .caseEvent(.applied(var a)) = EventSummary.masked(event) else { return event }
        a.candidate.name = a.candidate.maskedName
        return .caseEvent(.applied(a))
    }
}
