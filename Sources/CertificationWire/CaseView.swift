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

    public init(caseID: String, state: CaseState, status: CaseStatus, moment: Timestamp) {
        self.caseID = caseID
        self.state = state
        self.status = status
        self.moment = moment
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

    /// The view as JSON, the candidate's identity as `disclosure` allows (``Disclosure``).
    public func json(_ disclosure: Disclosure) -> JSONValue {
        let application = state.application
        func subject(_ s: Subject) -> JSONValue {
            guard let r = state.results[s] else {
                return .object(["score": .null, "passed": .null, "batch": .null])
            }
            return .object(["score": .int(r.score), "passed": .bool(r.passed), "batch": .string(r.batch)])
        }
        var candidate: JSONValue = .null
        if let c = application?.candidate {
            // Erased personal data (issue 17) shows as null, and the candidate says which groups.
            let identityErased = c.isIdentityErased
            let detailsErased = c.contact.address.isEmpty
            var object = JSONObject([
                ("name", identityErased ? .null : .string(c.name)),
                ("birthDate", identityErased ? .null : .string(disclosure.birthDate(c.birthDate))),
                ("region", .string(c.region.rawValue)),
                (
                    "idDocument",
                    .object([
                        "type": .string(c.idDocument.type.rawValue),
                        "number": identityErased ? .null : .string(disclosure.identityNumber(c.idDocument.number)),
                    ])
                ),
                (
                    "contact",
                    .object([
                        "channel": .string(c.contact.channel.rawValue),
                        "address": detailsErased ? .null : .string(c.contact.address),
                    ])
                ),
            ])
            var erased: PersonalDataGroups = []
            if identityErased { erased.insert(.identity) }
            if detailsErased { erased.insert(.details) }
            if !erased.isEmpty { object.set("erased", .array(erased.names.map(JSONValue.string))) }
            candidate = .object(object)
        }
        var certificate: JSONValue = .null
        if let number = state.certificateNumber {
            certificate = .object([
                "number": .string(number),
                "issuedAt": .optional(state.certifiedAt?.description),
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
            "holds": .array(
                state.holds.map {
                    .object([
                        "holdId": .string($0.id), "reason": .string($0.reason),
                        "status": .string($0.isOpen ? "open" : "released"),
                    ])
                }
            ),
            "asOf": .string(moment.description),
        ])
    }
}
