import Certification
import CertificationWire
import Chronology
import Crypto
import GRDB

/// Audit findings, one row each, for auditors and supervisors:
/// - `ticket-late`: a ticket sent after the exam's start less 7 days (accepted, but a finding);
/// - `refund-due`: a payment not refunded on a case rejected or withdrawn before any score;
/// - `score-corrected`: a score changed after a complaint, with the old and new score;
/// - `rule-broken`: an imported event the rules would refuse, with the rule's code. Each event
///   that came without a command digest (imports: the write side gives every command-made event
///   one, and decided it by these very rules) is re-run as the command that made it, as
///   `docket verify` does for every event;
/// - `complaint-open`: an open complaint, shown by the report once it has been open longer than
///   a threshold (15 days unless told otherwise: an age depends on the day of the report).
///
/// To re-run the rules it keeps what they look across cases for: the first case to claim each
/// payment reference, ticket, certificate and complaint id, the batches with scores, and each
/// person's cases under a keyed hash of their document (never the number itself).
public final class AuditFindingsProjection: Projection, @unchecked Sendable {
    private let folder = CaseFolder()
    private let batches = BatchBook()
    private let key: StoreKey

    public init(key: StoreKey) { self.key = key }

    public var name: String { "findings" }
    public var summary: String { "ticket-late, refund-due, score corrections, broken rules, long-open complaints" }
    public var schemaVersion: Int { 1 }
    public var tables: [(table: String, orderBy: String)] {
        [
            ("findings", "target, kind, key"), ("claims", "kind, key"), ("persons", "person, case_id"),
            BatchBook.table,
        ]
    }

    public func willFeed(_ context: FeedContext) {
        folder.willFeed(context)
        batches.willFeed()
    }

    public func createTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE findings (
                    target TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    key TEXT NOT NULL,
                    batch TEXT,
                    position INTEGER NOT NULL,
                    day TEXT NOT NULL,
                    code TEXT,
                    detail TEXT NOT NULL,
                    PRIMARY KEY (target, kind, key)
                ) WITHOUT ROWID;
                CREATE TABLE claims (
                    kind TEXT NOT NULL,
                    key TEXT NOT NULL,
                    case_id TEXT NOT NULL,
                    PRIMARY KEY (kind, key)
                ) WITHOUT ROWID;
                CREATE TABLE persons (
                    person TEXT NOT NULL,
                    case_id TEXT NOT NULL,
                    PRIMARY KEY (person, case_id)
                ) WITHOUT ROWID;
                """
        )
        try BatchBook.createTable(db)
    }

    public func createIndexes(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX findings_kind ON findings(kind, day)")
    }

    public func apply(_ e: RecordedDomainEvent, _ db: Database) throws {
        try batches.load(db)
        switch e.event {
        case .batchEvent(let event):
            guard let batchID = StreamName.batchID(of: e.stream) else { return }
            let rejection =
                e.metadata.commandDigest != nil
                ? nil
                : RecordedRules.check(
                    event,
                    actorID: e.metadata.actorID,
                    role: e.metadata.role,
                    at: e.at,
                    previousAt: batches[batchID]?.lastAt
                ) { command, actor in
                    let hasScores = (try? claim("scores", batchID, db)) != nil
                    return BatchDecider.decide(
                        command,
                        batchID: batchID,
                        state: batches[batchID] ?? BatchState(),
                        context: .init(at: e.at, actor: actor, batchHasScores: hasScores)
                    )
                }
            if let rejection { try ruleBroken(rejection, target: "batch " + batchID, batch: batchID, e, db) }
            try batches.apply(e, event, db)
        case .caseEvent(let event):
            guard let caseID = e.caseID else { return }
            let entry = try folder.entry(for: e, caseID: caseID)
            if e.metadata.commandDigest == nil, let rejection = try check(event, entry, caseID, e, db) {
                try ruleBroken(rejection, target: caseID, batch: entry.state.application?.batch, e, db)
            }
            let before = entry.state
            folder.advance(entry, e, event)
            try record(event, before: before, entry, e, db)
        }
    }

    /// Why the rules would refuse the case event, given the case and the claims before it.
    private func check(
        _ event: CaseEvent,
        _ entry: CaseFolder.Entry,
        _ caseID: String,
        _ e: RecordedDomainEvent,
        _ db: Database
    ) throws -> Rejection? {
        let before = entry.state
        let batches = self.batches
        let status = CaseStatus.of(before, batch: { batches[$0] }, at: e.at)
        return RecordedRules.check(
            event,
            actorID: e.metadata.actorID,
            role: e.metadata.role,
            at: e.at,
            previousAt: before.version > 0 ? entry.lastAt : nil
        ) { command, actor in
            let context = CaseContext(
                at: e.at,
                actor: actor,
                status: status,
                caseID: caseID,
                batch: { batches[$0] },
                caseWithPaymentRef: { try? self.claim("payment", $0, db) },
                caseWithTicketNumber: { try? self.claim("ticket", $0, db) },
                caseWithCertificateNumber: { try? self.claim("certificate", $0, db) },
                caseWithComplaintID: { try? self.claim("complaint", $0, db) }
            )
            let lookups = CaseDecider.ApplyLookups(
                hasOpenCase: { document, occupation in
                    (try? self.hasOpenCase(document, occupation, other: caseID, e, db)) ?? false
                },
                sha256: { Hex.of(SHA256.hash(data: $0)) }
            )
            return CaseDecider.decide(command, state: before, context: context, apply: lookups)
        }
    }

    /// Records what the event claims across cases, and the findings it makes or clears.
    private func record(
        _ event: CaseEvent,
        before: CaseState,
        _ entry: CaseFolder.Entry,
        _ e: RecordedDomainEvent,
        _ db: Database
    ) throws {
        let caseID = entry.caseID
        let batch = entry.state.application?.batch
        switch event {
        case .personalDataErased(let x) where x.groups.contains(.identity):
            try db.execute(sql: "DELETE FROM persons WHERE case_id = ?", arguments: [caseID])
        case .applied(let a) where !a.candidate.isIdentityErased:
            let key = try person(a.candidate.idDocument, a.occupation)
            try DirectStatement(db, "INSERT OR IGNORE INTO persons VALUES (?, ?)").run(db) {
                $0.text(key)
                $0.text(caseID)
            }
        case .paid(let p):
            try claim("payment", p.paymentRef, caseID, db)
        case .ticketSent(let t):
            try claim("ticket", t.ticketNumber, caseID, db)
            if t.late {
                try finding(
                    caseID,
                    "ticket-late",
                    t.ticketNumber,
                    batch,
                    e,
                    nil,
                    "ticket \(t.ticketNumber) for \(t.batch) sent late",
                    db
                )
            }
        case .scored(let s):
            try claim("scores", s.batch, "", db)
        case .scoreCorrected(let c):
            let old = before.results[c.subject].map { String($0.score) } ?? "none"
            try finding(
                caseID,
                "score-corrected",
                String(e.position),
                batch,
                e,
                nil,
                "\(c.subject.rawValue) \(old) → \(c.score) (complaint \(c.complaintID))",
                db
            )
        case .certified(let c):
            try claim("certificate", c.certificateNumber, caseID, db)
        case .complaintLodged(let l):
            try claim("complaint", l.complaintID, caseID, db)
            try finding(
                caseID,
                "complaint-open",
                l.complaintID,
                batch,
                e,
                nil,
                "\(l.category.rawValue) complaint \(l.complaintID) open",
                db
            )
        case .complaintResolved(let r):
            try DirectStatement(db, "DELETE FROM findings WHERE target = ? AND kind = 'complaint-open' AND key = ?")
                .run(db) {
                    $0.text(caseID)
                    $0.text(r.complaintID)
                }
        default:
            break
        }
    }

    /// Refunds due change with the case's state: rewritten for each case the transaction touched.
    public func willCommit(_ db: Database) throws {
        let clear = try DirectStatement(db, "DELETE FROM findings WHERE target = ? AND kind = 'refund-due'")
        for entry in folder.touched {
            let state = entry.state
            try clear.run(db) { $0.text(entry.caseID) }
            guard state.isRejected || state.withdrawn, state.results.isEmpty else { continue }
            for payment in state.payments where !payment.refunded {
                try DirectStatement(db, "INSERT OR REPLACE INTO findings VALUES (?, 'refund-due', ?, ?, ?, ?, NULL, ?)")
                    .run(db) { r in
                        r.text(entry.caseID)
                        r.text(payment.reference)
                        r.text(state.application?.batch)
                        r.int(state.version)
                        r.text(entry.lastAt.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset).description)
                        r.text("\(payment.amountYuan) yuan of \(payment.reference) not refunded")
                    }
            }
        }
        folder.clearTouched()
    }

    public func didCommit(through position: UInt64) { folder.didCommit(through: position) }

    // MARK: Helpers

    private func ruleBroken(
        _ rejection: Rejection,
        target: String,
        batch: String?,
        _ e: RecordedDomainEvent,
        _ db: Database
    ) throws {
        try finding(target, "rule-broken", String(e.position), batch, e, rejection.code.rawValue, rejection.message, db)
    }

    private func finding(
        _ target: String,
        _ kind: String,
        _ key: String,
        _ batch: String?,
        _ e: RecordedDomainEvent,
        _ code: String?,
        _ detail: String,
        _ db: Database
    ) throws {
        try DirectStatement(db, "INSERT OR REPLACE INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(db) { r in
            r.text(target)
            r.text(kind)
            r.text(key)
            r.text(batch)
            r.int(e.position)
            r.text(e.localDay)
            r.text(code)
            r.text(detail)
        }
    }

    /// The case that first claimed `key` of `kind`.
    private func claim(_ kind: String, _ key: String, _ db: Database) throws -> String? {
        try DirectStatement(db, "SELECT case_id FROM claims WHERE kind = ? AND key = ?").texts(db) {
            $0.text(kind)
            $0.text(key)
        }.first
    }

    private func claim(_ kind: String, _ key: String, _ caseID: String, _ db: Database) throws {
        try DirectStatement(db, "INSERT OR IGNORE INTO claims VALUES (?, ?, ?)").run(db) {
            $0.text(kind)
            $0.text(key)
            $0.text(caseID)
        }
    }

    private func person(_ document: Candidate.IdentityDocument, _ occupation: Occupation) throws -> String {
        try key.writingHash().hex(occupation.rawValue + "|" + document.type.rawValue + "|" + document.number)
    }

    /// Whether another case of this person for the occupation is open at the event's time.
    private func hasOpenCase(
        _ document: Candidate.IdentityDocument,
        _ occupation: Occupation,
        other caseID: String,
        _ e: RecordedDomainEvent,
        _ db: Database
    ) throws -> Bool {
        let key = try person(document, occupation)
        let ids = try DirectStatement(db, "SELECT case_id FROM persons WHERE person = ?").texts(db) { $0.text(key) }
        for id in ids where id != caseID {
            guard let other = try folder.entry(id, before: .max, position: e.position) else { continue }
            if !CaseStatus.of(other.state, batch: { self.batches[$0] }, at: e.at).isClosed { return true }
        }
        return false
    }
}
