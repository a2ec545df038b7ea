import Certification
import Chronology
import DocketJSON

extension CommandWorkload {
    static func time(_ micros: Int64) -> JSONValue {
        .string(Timestamp(microseconds: micros / 1_000_000 * 1_000_000, utcOffsetSeconds: 28_800).description)
    }

    static func envelope(
        _ command: String,
        id: String,
        target: (String, String),
        at: Int64,
        actor: (String, String),
        data: JSONValue?
    ) -> JSONValue {
        var object = JSONObject([
            ("command", .string(command)), ("commandId", .string(id)), (target.0, .string(target.1)),
            ("at", time(at)), ("actor", .object(["id": .string(actor.0), "role": .string(actor.1)])),
        ])
        if let data { object.set("data", data) }
        return .object(object)
    }

    /// The command for one stub.
    static func command(_ stub: Stub, ordinal: Int, seed: UInt64) -> JSONValue {
        let id = "w\(seed)-\(ordinal + 1)"
        if stub.caseIndex < 0 {
            let b = Int(-stub.caseIndex - 1)
            let batch = batches[b].id
            switch stub.kind {
            case .schedule:
                let start = batches[b].examDay * day + 1 * hour
                return envelope(
                    "schedule-batch",
                    id: id,
                    target: ("batch", batch),
                    at: stub.time,
                    actor: ("admin-01", "admin"),
                    data: .object([
                        "examStartsAt": time(start),
                        "occupations": .array([.string("blockchain-operator"), .string("ai-trainer")]),
                    ])
                )
            case .reschedule:
                return envelope(
                    "reschedule-batch",
                    id: id,
                    target: ("batch", batch),
                    at: stub.time,
                    actor: ("admin-01", "admin"),
                    data: .object([
                        "examStartsAt": time(examStart(1)),
                        "reason": .string("typhoon warning: exam centre closed (force majeure, notice §五)"),
                    ])
                )
            default:
                return envelope(
                    "publish-scores",
                    id: id,
                    target: ("batch", batch),
                    at: stub.time,
                    actor: ("exam-office", "examiner"),
                    data: nil
                )
            }
        }
        let c = Int(stub.caseIndex)
        let person = Person(index: c, seed: seed)
        let caseTarget = ("case", caseID(c))
        let b = c % 3
        func on(_ name: String, _ actor: (String, String), _ data: JSONValue) -> JSONValue {
            envelope(name, id: id, target: caseTarget, at: stub.time, actor: actor, data: data)
        }
        let portal = ("portal-web", "portal")
        let payments = ("alipay-gateway", "payments")
        let examiner = ("exam-office", "examiner")
        let supervisor = ("supervisor-\(c % 7 + 1)", "supervisor")
        switch stub.kind {
        case .apply:
            return on(
                "apply",
                portal,
                person.application(batch: batches[b].id, photo: Photos.valid[c % Photos.valid.count])
            )
        case .applyInvalid:
            var p = person
            var photo = Photos.valid[c % Photos.valid.count]
            switch stub.detail {
            case 0: photo = Photos.tooSmall
            case 1: p.idNumber = p.idNumber.prefix(17) + (p.idNumber.last == "0" ? "1" : "0")
            case 2:
                p.eligibility = .object([
                    "condition": .string("work-5y"), "occupation": .string("software-engineer"), "yearsOfWork": .int(3),
                    "evidence": .array([
                        .object(["kind": .string("work-experience-pledge"), "reference": .string("pledge")])
                    ]),
                ])
            case 3: p.region = "foreign"
            default: break  // applied after registration closed (time set by the stub)
            }
            if stub.detail == 1 || stub.detail == 3 { p.documentType = "resident-id-card" }
            return on("apply", portal, p.application(batch: batches[b].id, photo: photo))
        case .verify, .reject:
            let approved = stub.kind == .verify
            return on(
                "verify-documents",
                ("registrar-\(c % 5 + 1)", "registrar"),
                .object([
                    "outcome": .string(approved ? "approved" : "rejected"),
                    "checks": .object([
                        "identityMatches": .bool(true), "photoCompliant": .bool(approved),
                        "eligibilityEvidence": .bool(true),
                    ]),
                    "reasons": .array(
                        approved ? [] : [.string("photo background is not plain white; upload a new photo")]
                    ),
                ])
            )
        case .pay, .payWrongAmount:
            return on(
                "record-payment",
                payments,
                .object([
                    "paymentRef": .string("PAY-\(seed)-\(c)" + (stub.kind == .payWrongAmount ? "-X" : "")),
                    "amountYuan": .int(stub.kind == .payWrongAmount ? 80 : 160),
                    "subjects": .array([.string("theory"), .string("skill")]),
                ])
            )
        case .withdraw:
            return on("withdraw", portal, .object(["reason": .string("candidate cannot attend: work travel")]))
        case .refund:
            return on(
                "refund",
                payments,
                .object([
                    "paymentRef": .string("PAY-\(seed)-\(c)"), "amountYuan": .int(160),
                    "reason": .string("case closed before the exam"),
                ])
            )
        case .ticket, .ticketLate, .ticketReissue, .retakeTicket:
            let suffix = stub.kind == .ticketReissue ? "-R" : (stub.kind == .retakeTicket ? "-K" : "")
            return on(
                "send-ticket",
                examiner,
                .object(["ticketNumber": .string("T\(seed)-\(c)\(suffix)"), "channel": .string(person.channel)])
            )
        case .score, .retakeScore:
            let subject = stub.detail >> 8 == 0 ? "theory" : "skill"
            return on(
                "record-score",
                examiner,
                .object(["subject": .string(subject), "score": .int(stub.detail & 0xFF)])
            )
        case .scoreAgain:
            return on("record-score", examiner, .object(["subject": .string("theory"), "score": .int(99)]))
        case .complaint:
            return on(
                "lodge-complaint",
                supervisor,
                .object([
                    "complaintId": .string("CP-\(seed)-\(c)"), "channel": .string("phone"),
                    "category": .string("score"),
                    "summary": .string("candidate asks for the marking to be reviewed"),
                ])
            )
        case .correct:
            return on(
                "correct-score",
                supervisor,
                .object([
                    "subject": .string(stub.detail == 0 ? "theory" : "skill"), "score": .int(60),
                    "complaintId": .string("CP-\(seed)-\(c)"),
                    "reason": .string("re-marking found an unmarked answer"),
                ])
            )
        case .resolve:
            return on(
                "resolve-complaint",
                supervisor,
                .object([
                    "complaintId": .string("CP-\(seed)-\(c)"),
                    "outcome": .string(stub.detail == 1 ? "upheld" : "dismissed"),
                    "resolution": .string(
                        stub.detail == 1 ? "score corrected after re-marking" : "marking confirmed on review"
                    ),
                ])
            )
        case .retake:
            return on(
                "request-retake",
                portal,
                .object([
                    "subject": .string(stub.detail == 0 ? "theory" : "skill"), "batch": .string(batches[b + 1].id),
                ])
            )
        case .retakePay:
            return on(
                "record-payment",
                payments,
                .object([
                    "paymentRef": .string("PAY-\(seed)-\(c)-R"), "amountYuan": .int(80),
                    "subjects": .array([.string(stub.detail == 0 ? "theory" : "skill")]),
                ])
            )
        case .certify:
            return on(
                "certify",
                ("cert-office", "certifier"),
                .object(["certificateNumber": .string("Z\(seed)\(String(c + 100_000_000))")])
            )
        case .schedule, .reschedule, .publish:
            fatalError("batch stub with a case index")
        }
    }
}
