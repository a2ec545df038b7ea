import Certification
import CertificationWire
import Chronology
import Crypto

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
    public var schema: ModelSchema { Self.schema }

    static let findings = ModelTable(
        "findings",
        [
            .text("target"), .text("kind"), .text("key"), .text("batch", nullable: true), .integer("position"),
            .text("day"), .text("code", nullable: true), .text("detail"),
        ],
        primaryKey: ["target", "kind", "key"]
    )
    static let claims = ModelTable(
        "claims",
        [.text("kind"), .text("key"), .text("case_id")],
        primaryKey: ["kind", "key"]
    )
    static let persons = ModelTable("persons", [.text("person"), .text("case_id")], primaryKey: ["person", "case_id"])
    static let schema = ModelSchema(
        [findings, claims, persons, BatchBook.table],
        indexes: [ModelIndex("findings_kind", on: "findings", ["kind", "day"])]
    )
    static let putFinding = ModelStatement.replace(into: findings)
    static let clearFinding = ModelStatement.delete(from: findings, where: ["target", "kind", "key"])
    static let clearFindings = ModelStatement.delete(from: findings, where: ["target", "kind"])
    static let claimed = ModelStatement.select(["case_id"], from: claims, where: ["kind", "key"])
    static let claim = ModelStatement.insertIfAbsent(into: claims)
    static let addPerson = ModelStatement.insertIfAbsent(into: persons)
    static let forgetPerson = ModelStatement.delete(from: persons, where: ["case_id"])
    static let personCases = ModelStatement.select(["case_id"], from: persons, where: ["person"])

    public func willFeed(_ context: FeedContext) {
        folder.willFeed(context)
        batches.willFeed()
    }

    public func apply(_ e: RecordedDomainEvent, _ storage: any ModelStorage) throws {
        try batches.load(storage)
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
                    let hasScores = (try? claim("scores", batchID, storage)) != nil
                    return BatchDecider.decide(
                        command,
                        batchID: batchID,
                        state: batches[batchID] ?? BatchState(),
                        context: .init(at: e.at, actor: actor, batchHasScores: hasScores)
                    )
                }
            if let rejection { try ruleBroken(rejection, target: "batch " + batchID, batch: batchID, e, storage) }
            try batches.apply(e, event, storage)
        case .caseEvent(let event):
            guard let caseID = e.caseID else { return }
            let entry = try folder.entry(for: e, caseID: caseID)
            if e.metadata.commandDigest == nil, let rejection = try check(event, entry, caseID, e, storage) {
                try ruleBroken(rejection, target: caseID, batch: entry.state.application?.batch, e, storage)
            }
            // Only what `record` reads of the state before the event: copying the whole state
            // here made every event's fold copy the case's arrays and dictionaries on write
            // (a tenth of this model's time in a rebuild).
            var correctedFrom: CaseState.SubjectResult?
            if case .scoreCorrected(let c) = event { correctedFrom = entry.state.results[c.subject] }
            folder.advance(entry, e, event)
            try record(event, correctedFrom: correctedFrom, entry, e, storage)
        }
    }

    /// Why the rules would refuse the case event, given the case and the claims before it.
    private func check(
        _ event: CaseEvent,
        _ entry: CaseFolder.Entry,
        _ caseID: String,
        _ e: RecordedDomainEvent,
        _ storage: any ModelStorage
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
                caseWithPaymentRef: { try? self.claim("payment", $0, storage) },
                caseWithTicketNumber: { try? self.claim("ticket", $0, storage) },
                caseWithCertificateNumber: { try? self.claim("certificate", $0, storage) },
                caseWithComplaintID: { try? self.claim("complaint", $0, storage) }
            )
            let lookups = CaseDecider.ApplyLookups(
                hasOpenCase: { document, occupation in
                    (try? self.hasOpenCase(document, occupation, other: caseID, e, storage)) ?? false
                },
                sha256: { Hex.of(SHA256.hash(data: $0)) }
            )
            return CaseDecider.decide(command, state: before, context: context, apply: lookups)
        }
    }

    /// Records what the event claims across cases, and the findings it makes or clears.
    private func record(
        _ event: CaseEvent,
        correctedFrom: CaseState.SubjectResult?,
        _ entry: CaseFolder.Entry,
        _ e: RecordedDomainEvent,
        _ storage: any ModelStorage
    ) throws {
        let caseID = entry.caseID
        let batch = entry.state.application?.batch
        switch event {
        case .personalDataErased(let x) where x.groups.contains(.identity):
            try storage.run(Self.forgetPerson) { $0.text(caseID) }
        case .applied(let a) where !a.candidate.isIdentityErased:
            let key = try person(a.candidate.idDocument, a.occupation)
            try storage.run(Self.addPerson) {
                $0.text(key)
                $0.text(caseID)
            }
        case .paid(let p):
            try claim("payment", p.paymentRef, caseID, storage)
        case .ticketSent(let t):
            try claim("ticket", t.ticketNumber, caseID, storage)
            if t.late {
                try finding(
                    caseID,
                    "ticket-late",
                    t.ticketNumber,
                    batch,
                    e,
                    nil,
                    "ticket \(t.ticketNumber) for \(t.batch) sent late",
                    storage
                )
            }
        case .scored(let s):
            try claim("scores", s.batch, "", storage)
        case .scoreCorrected(let c):
            let old = correctedFrom.map { String($0.score) } ?? "none"
            try finding(
                caseID,
                "score-corrected",
                String(e.position),
                batch,
                e,
                nil,
                "\(c.subject.rawValue) \(old) → \(c.score) (complaint \(c.complaintID))",
                storage
            )
        case .certified(let c):
            try claim("certificate", c.certificateNumber, caseID, storage)
        case .complaintLodged(let l):
            try claim("complaint", l.complaintID, caseID, storage)
            try finding(
                caseID,
                "complaint-open",
                l.complaintID,
                batch,
                e,
                nil,
                "\(l.category.rawValue) complaint \(l.complaintID) open",
                storage
            )
        case .complaintResolved(let r):
            try storage.run(Self.clearFinding) {
                $0.text(caseID)
                $0.text("complaint-open")
                $0.text(r.complaintID)
            }
        default:
            break
        }
    }

    /// Refunds due change with the case's state: rewritten for each case the transaction touched.
    public func willCommit(_ storage: any ModelStorage) throws {
        for entry in folder.touched {
            let state = entry.state
            try storage.run(Self.clearFindings) {
                $0.text(entry.caseID)
                $0.text("refund-due")
            }
            guard state.isRejected || state.withdrawn, state.results.isEmpty else { continue }
            for payment in state.payments where !payment.refunded {
                try storage.run(Self.putFinding) { r in
                    r.text(entry.caseID)
                    r.text("refund-due")
                    r.text(payment.reference)
                    r.text(state.application?.batch)
                    r.int(state.version)
                    r.text(entry.lastAt.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset).description)
                    r.null()
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
        _ storage: any ModelStorage
    ) throws {
        try finding(
            target,
            "rule-broken",
            String(e.position),
            batch,
            e,
            rejection.code.rawValue,
            rejection.message,
            storage
        )
    }

    private func finding(
        _ target: String,
        _ kind: String,
        _ key: String,
        _ batch: String?,
        _ e: RecordedDomainEvent,
        _ code: String?,
        _ detail: String,
        _ storage: any ModelStorage
    ) throws {
        try storage.run(Self.putFinding) { r in
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
    private func claim(_ kind: String, _ key: String, _ storage: any ModelStorage) throws -> String? {
        try storage.texts(Self.claimed) {
            $0.text(kind)
            $0.text(key)
        }.first
    }

    private func claim(_ kind: String, _ key: String, _ caseID: String, _ storage: any ModelStorage) throws {
        try storage.run(Self.claim) {
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
        _ storage: any ModelStorage
    ) throws -> Bool {
        let key = try person(document, occupation)
        let ids = try storage.texts(Self.personCases) { $0.text(key) }
        for id in ids where id != caseID {
            guard let other = try folder.entry(id, before: .max, position: e.position) else { continue }
            if !CaseStatus.of(other.state, batch: { self.batches[$0] }, at: e.at).isClosed { return true }
        }
        return false
    }
}
