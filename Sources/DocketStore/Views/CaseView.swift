import Certification
import CertificationWire
import Chronology
import DocketJSON

/// The case view of SPEC §3: the fold of a case's events, its status at a moment, and the audit
/// findings, with the identity number masked unless the reader is entitled to it.
public struct CaseView: Sendable {
    public var caseID: String
    public var state: CaseState
    public var status: CaseStatus
    /// The moment the status was evaluated at.
    public var moment: Timestamp
    /// When the certificate was issued, if it was.
    public var certifiedAt: Timestamp?
    public var complaintCategories: [String: CaseEvent.ComplaintLodged.Category] = [:]

    /// Which events the view folds.
    public enum Cut: Sendable {
        /// Everything, status evaluated now.
        case now(Timestamp)
        /// Events whose business time is at or before the moment (batch events too).
        case asOf(Timestamp)
        /// The first N events; status at event N's time.
        case atVersion(UInt64)
    }

    /// Builds the view of `history` at `cut`.
    /// - Throws: `invalidRequest` when `atVersion` is 0 or beyond the case's version, or when
    ///   `asOf` is before the case's first event.
    public static func make(_ history: CaseHistory, at cut: Cut) throws(DocketStoreError) -> CaseView {
        let entries: ArraySlice<CaseHistory.Entry>
        let moment: Timestamp
        let batchCut: Timestamp?
        switch cut {
        case .now(let now):
            entries = history.entries[...]
            moment = now
            batchCut = nil
        case .asOf(let t):
            entries = history.entries.filter { $0.recorded.at <= t }[...]
            guard !entries.isEmpty else {
                throw DocketStoreError(.invalidRequest, "case \(history.caseID) had no events by \(t)")
            }
            moment = t
            batchCut = t
        case .atVersion(let n):
            guard n >= 1, n <= UInt64(history.entries.count) else {
                throw DocketStoreError(
                    .invalidRequest,
                    "case \(history.caseID) has versions 1 to \(history.entries.count), not \(n)"
                )
            }
            entries = history.entries.prefix(Int(n))
            moment = entries.last!.recorded.at
            batchCut = moment
        }
        var state = CaseState()
        var view = CaseView(caseID: history.caseID, state: state, status: .applied, moment: moment)
        for entry in entries {
            state.evolve(with: entry.event, position: entry.recorded.position)
            if case .certified = entry.event { view.certifiedAt = entry.recorded.at }
            if case .complaintLodged(let l) = entry.event { view.complaintCategories[l.complaintID] = l.category }
        }
        let batches = history.batches(asOf: batchCut)
        view.state = state
        view.status = CaseStatus.of(state, batch: { batches[$0] }, at: moment)
        return view
    }

    /// Audit findings: late tickets, and refunds due (a rejected or withdrawn case that paid,
    /// did not sit, and was not refunded).
    public var findings: [JSONValue] {
        var out: [JSONValue] = state.lateTickets.map {
            .object(["kind": .string("ticket-late"), "ticketNumber": .string($0)])
        }
        if state.isRejected || state.withdrawn, state.results.isEmpty {
            for payment in state.payments where !payment.refunded {
                out.append(
                    .object([
                        "kind": .string("refund-due"), "paymentRef": .string(payment.reference),
                        "amountYuan": .int(payment.amountYuan),
                    ])
                )
            }
        }
        return out
    }

    /// The view as JSON. Identity numbers are masked unless `fullIdentity` (registrars and
    /// auditors only).
    public func json(fullIdentity: Bool = false) -> JSONValue {
        let application = state.application
        func subject(_ s: Subject) -> JSONValue {
            guard let r = state.results[s] else {
                return .object(["score": .null, "passed": .null, "batch": .null])
            }
            return .object(["score": .int(r.score), "passed": .bool(r.passed), "batch": .string(r.batch)])
        }
        var candidate: JSONValue = .null
        if let c = application?.candidate {
            candidate = .object([
                "name": .string(c.name),
                "birthDate": .string(c.birthDate.description),
                "region": .string(c.region.rawValue),
                "idDocument": .object([
                    "type": .string(c.idDocument.type.rawValue),
                    "number": .string(fullIdentity ? c.idDocument.number : IdentityNumber.mask(c.idDocument.number)),
                ]),
                "contact": .object([
                    "channel": .string(c.contact.channel.rawValue), "address": .string(c.contact.address),
                ]),
            ])
        }
        var certificate: JSONValue = .null
        if let number = state.certificateNumber {
            certificate = .object([
                "number": .string(number),
                "issuedAt": .optional(certifiedAt?.description),
                "channel": .optional(application?.candidate.contact.channel.rawValue),
            ])
        }
        return .object([
            "case": .string(caseID),
            "version": .int(state.version),
            "status": .string(status.rawValue),
            "occupation": .optional(application?.occupation.rawValue),
            "level": application.map { .int($0.level) } ?? .null,
            "batch": .optional(state.sittingBatch),
            "subjects": .object(["theory": subject(.theory), "skill": subject(.skill)]),
            "paidYuan": .int(state.paidYuan),
            "refundedYuan": .int(state.refundedYuan),
            "certificate": certificate,
            "complaints": .array(
                state.complaints.map {
                    .object([
                        "complaintId": .string($0.id),
                        "category": .string($0.category.rawValue),
                        "status": .string($0.outcome?.rawValue ?? "open"),
                    ])
                }
            ),
            "findings": .array(findings),
            "retake": state.retake.map {
                .object(["subject": .string($0.subject.rawValue), "batch": .string($0.batch)])
            }
                ?? .null,
            "ticket": state.ticket.map {
                .object(["number": .string($0.number), "batch": .string($0.batch), "late": .bool($0.late)])
            } ?? .null,
            "candidate": candidate,
            "asOf": .string(moment.description),
        ])
    }
}
