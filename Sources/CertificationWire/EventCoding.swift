import Certification
import Chronology
import DocketJSON

/// Events' `data` as JSON (SPEC §3, the interchange format), both ways. The log stores exactly
/// these bytes as the event payload, so an export splices them without re-encoding.
public enum EventCoding {
    /// Why stored or imported event data could not be read.
    public struct DecodingError: Error, Sendable, CustomStringConvertible {
        public var type: String
        public var rejection: Rejection
        public var description: String { "\(type): \(rejection.message)" + (rejection.field.map { " (\($0))" } ?? "") }
    }

    // MARK: Encoding

    /// The `data` object of an event.
    public static func data(of event: DomainEvent) -> JSONValue {
        switch event {
        case .caseEvent(let e): return data(of: e)
        case .batchEvent(let e): return data(of: e)
        }
    }

    /// The compact UTF-8 JSON of an event's `data`, as stored in the log.
    public static func payload(of event: DomainEvent) -> [UInt8] {
        switch event {
        case .caseEvent(let e):
            return StoredPayloadWriter.payload(of: e)
        case .batchEvent(let e):
            var out: [UInt8] = []
            out.reserveCapacity(128)
            JSONWriter.write(data(of: e), into: &out)
            return out
        }
    }

    public static func data(of event: BatchEvent) -> JSONValue {
        switch event {
        case .scheduled(let start, let occupations):
            return .object([
                "examStartsAt": .string(start.description),
                "occupations": .array(occupations.map { .string($0.rawValue) }),
            ])
        case .rescheduled(let start, let reason):
            return .object(["examStartsAt": .string(start.description), "reason": .string(reason)])
        case .scoresPublished:
            return .object(JSONObject())
        }
    }

    public static func data(of event: CaseEvent) -> JSONValue {
        switch event {
        case .applied(let a):
            let c = a.candidate
            return .object([
                "batch": .string(a.batch),
                "occupation": .string(a.occupation.rawValue),
                "level": .int(a.level),
                "candidate": .object([
                    "name": .string(c.name),
                    "birthDate": .string(c.birthDate.description),
                    "region": .string(c.region.rawValue),
                    "idDocument": .object([
                        "type": .string(c.idDocument.type.rawValue), "number": .string(c.idDocument.number),
                    ]),
                    "contact": .object([
                        "channel": .string(c.contact.channel.rawValue), "address": .string(c.contact.address),
                    ]),
                ]),
                "photo": .object([
                    "sha256": .string(a.photo.sha256),
                    "widthPx": .int(a.photo.widthPx),
                    "heightPx": .int(a.photo.heightPx),
                    "bytes": .int(a.photo.bytes),
                ]),
                "eligibility": eligibilityData(a.eligibility),
            ])
        case .documentsVerified(let v):
            return .object([
                "outcome": .string(v.outcome.rawValue),
                "checks": .object([
                    "identityMatches": .bool(v.identityMatches),
                    "photoCompliant": .bool(v.photoCompliant),
                    "eligibilityEvidence": .bool(v.eligibilityEvidence),
                ]),
                "reasons": .array(v.reasons.map(JSONValue.string)),
            ])
        case .paid(let p):
            return .object([
                "paymentRef": .string(p.paymentRef),
                "amountYuan": .int(p.amountYuan),
                "subjects": .array(p.subjects.map { .string($0.rawValue) }),
            ])
        case .refunded(let r):
            return .object([
                "paymentRef": .string(r.paymentRef), "amountYuan": .int(r.amountYuan), "reason": .string(r.reason),
            ])
        case .withdrawn(let w):
            return .object(["reason": .string(w.reason)])
        case .ticketSent(let t):
            return .object([
                "ticketNumber": .string(t.ticketNumber),
                "channel": .string(t.channel.rawValue),
                "batch": .string(t.batch),
                "late": .bool(t.late),
            ])
        case .scored(let s):
            return .object(["subject": .string(s.subject.rawValue), "score": .int(s.score), "batch": .string(s.batch)])
        case .scoreCorrected(let s):
            return .object([
                "subject": .string(s.subject.rawValue),
                "score": .int(s.score),
                "complaintId": .string(s.complaintID),
                "reason": .string(s.reason),
            ])
        case .retakeRequested(let r):
            return .object(["subject": .string(r.subject.rawValue), "batch": .string(r.batch)])
        case .certified(let c):
            return .object(["certificateNumber": .string(c.certificateNumber), "channel": .string(c.channel.rawValue)])
        case .complaintLodged(let l):
            return .object([
                "complaintId": .string(l.complaintID),
                "channel": .string(l.channel.rawValue),
                "category": .string(l.category.rawValue),
                "summary": .string(l.summary),
            ])
        case .complaintResolved(let r):
            return .object([
                "complaintId": .string(r.complaintID),
                "outcome": .string(r.outcome.rawValue),
                "resolution": .string(r.resolution),
            ])
        case .noteAdded(let n):
            return .object(["text": .string(n.text), "complaintId": .optional(n.complaintID)])
        case .personalDataErased(let e):
            return .object([
                "scope": .string(e.groups == .all ? "all" : e.groups.names.joined(separator: ",")),
                "reason": .string(e.reason),
                "basis": .string(e.basis),
                "fields": .array(PersonalFields.names(of: e.groups).map(JSONValue.string)),
            ])
        case .holdPlaced(let h):
            return .object(["holdId": .string(h.holdID), "reason": .string(h.reason)])
        case .holdReleased(let h):
            return .object(["holdId": .string(h.holdID), "reason": .string(h.reason)])
        }
    }

    /// The groups an erasure's `scope` names: `all`, or `details` (contact, photo, free text).
    public static func erasureGroups(scope: String) -> PersonalDataGroups? {
        switch scope {
        case "all": return .all
        case "details": return .details
        default: return nil
        }
    }

    static func eligibilityData(_ e: Eligibility) -> JSONValue {
        var object = JSONObject([("condition", .string(e.condition.rawValue))])
        if let v = e.occupation { object.set("occupation", .string(v)) }
        if let v = e.description { object.set("description", .string(v)) }
        if let v = e.yearsOfWork { object.set("yearsOfWork", .number(JSONNumber(text: v.description))) }
        if e.certificateNumber != nil || e.certificateOccupation != nil {
            var cert = JSONObject()
            if let v = e.certificateNumber { cert.set("number", .string(v)) }
            if let v = e.certificateOccupation { cert.set("occupation", .string(v)) }
            object.set("certificate", .object(cert))
        }
        if let v = e.yearsSinceCertificate {
            object.set("yearsSinceCertificate", .number(JSONNumber(text: v.description)))
        }
        if let v = e.schoolLevel { object.set("schoolLevel", .string(v)) }
        if let v = e.major { object.set("major", .string(v)) }
        if let v = e.graduating { object.set("graduating", .bool(v)) }
        object.set(
            "evidence",
            .array(e.evidence.map { .object(["kind": .string($0.kind), "reference": .string($0.reference)]) })
        )
        return .object(object)
    }

    // MARK: Decoding

    /// The event of type `type` with `data` (a stored payload or an imported line's `data`).
    public static func decode(type: String, data: JSONValue) throws(DecodingError) -> DomainEvent {
        do throws(Rejection) {
            let d = try FieldReader(data, path: "data")
            switch type {
            case "BatchScheduled":
                let start = try d.timestamp("examStartsAt", "the exam start")
                var occupations: [Occupation] = []
                for (i, item) in try d.array("occupations", "the occupations").enumerated() {
                    guard let o = item.stringValue.flatMap(Occupation.init(rawValue:)) else {
                        throw Rejection(.invalidField, "unknown occupation", field: "data.occupations[\(i)]")
                    }
                    occupations.append(o)
                }
                return .batchEvent(.scheduled(examStartsAt: start, occupations: occupations))
            case "BatchRescheduled":
                return .batchEvent(
                    .rescheduled(
                        examStartsAt: try d.timestamp("examStartsAt", "the exam start"),
                        reason: try d.string("reason", "the reason")
                    )
                )
            case "ScoresPublished":
                return .batchEvent(.scoresPublished)
            case "Applied":
                let c = try d.object("candidate", "the candidate")
                let doc = try c.object("idDocument", "the identity document")
                let contact = try c.object("contact", "the contact")
                let photo = try d.object("photo", "the photo record")
                return .caseEvent(
                    .applied(
                        .init(
                            batch: try d.string("batch", "the batch"),
                            occupation: try d.choice("occupation", Occupation.self, "the occupation"),
                            level: try d.int("level", "the level"),
                            candidate: Candidate(
                                name: try c.string("name", "the name"),
                                birthDate: try c.date("birthDate", "the birth date"),
                                region: try c.choice("region", Region.self, "the region"),
                                idDocument: .init(
                                    type: try doc.choice("type", IdentityDocumentType.self, "the document type"),
                                    number: try doc.string("number", "the number")
                                ),
                                contact: .init(
                                    channel: try contact.choice(
                                        "channel",
                                        Candidate.Contact.Channel.self,
                                        "the channel"
                                    ),
                                    address: try contact.string("address", "the address")
                                )
                            ),
                            photo: PhotoRecord(
                                sha256: try photo.string("sha256", "the photo's SHA-256"),
                                widthPx: try photo.int("widthPx", "the width"),
                                heightPx: try photo.int("heightPx", "the height"),
                                bytes: try photo.int("bytes", "the size")
                            ),
                            eligibility: try CommandDecoder.eligibilityData(
                                try d.object("eligibility", "the eligibility claim")
                            )
                        )
                    )
                )
            case "DocumentsVerified":
                let checks = try d.object("checks", "the checks")
                var reasons: [String] = []
                if d.optional("reasons") != nil {
                    for item in try d.array("reasons", "the reasons") {
                        guard let s = item.stringValue else {
                            throw Rejection(.invalidField, "reasons are strings", field: "data.reasons")
                        }
                        reasons.append(s)
                    }
                }
                return .caseEvent(
                    .documentsVerified(
                        .init(
                            outcome: try d.choice("outcome", CaseEvent.DocumentsVerified.Outcome.self, "the outcome"),
                            identityMatches: try checks.bool("identityMatches", "the identity check"),
                            photoCompliant: try checks.bool("photoCompliant", "the photo check"),
                            eligibilityEvidence: try checks.bool("eligibilityEvidence", "the evidence check"),
                            reasons: reasons
                        )
                    )
                )
            case "Paid":
                var subjects: [Subject] = []
                for item in try d.array("subjects", "the subjects") {
                    guard let s = item.stringValue.flatMap(Subject.init(rawValue:)) else {
                        throw Rejection(.invalidField, "unknown subject", field: "data.subjects")
                    }
                    subjects.append(s)
                }
                return .caseEvent(
                    .paid(
                        .init(
                            paymentRef: try d.string("paymentRef", "the reference"),
                            amountYuan: try d.int("amountYuan", "the amount"),
                            subjects: subjects
                        )
                    )
                )
            case "Refunded":
                return .caseEvent(
                    .refunded(
                        .init(
                            paymentRef: try d.string("paymentRef", "the reference"),
                            amountYuan: try d.int("amountYuan", "the amount"),
                            reason: try d.string("reason", "the reason")
                        )
                    )
                )
            case "Withdrawn":
                return .caseEvent(.withdrawn(.init(reason: try d.string("reason", "the reason"))))
            case "TicketSent":
                return .caseEvent(
                    .ticketSent(
                        .init(
                            ticketNumber: try d.string("ticketNumber", "the ticket number"),
                            channel: try d.choice("channel", Candidate.Contact.Channel.self, "the channel"),
                            batch: try d.string("batch", "the batch"),
                            late: try d.optionalBool("late", "whether it was late") ?? false
                        )
                    )
                )
            case "Scored":
                return .caseEvent(
                    .scored(
                        .init(
                            subject: try d.choice("subject", Subject.self, "the subject"),
                            score: try d.int("score", "the score"),
                            batch: try d.string("batch", "the batch")
                        )
                    )
                )
            case "ScoreCorrected":
                return .caseEvent(
                    .scoreCorrected(
                        .init(
                            subject: try d.choice("subject", Subject.self, "the subject"),
                            score: try d.int("score", "the score"),
                            complaintID: try d.string("complaintId", "the complaint"),
                            reason: try d.string("reason", "the reason")
                        )
                    )
                )
            case "RetakeRequested":
                return .caseEvent(
                    .retakeRequested(
                        .init(
                            subject: try d.choice("subject", Subject.self, "the subject"),
                            batch: try d.string("batch", "the batch")
                        )
                    )
                )
            case "Certified":
                return .caseEvent(
                    .certified(
                        .init(
                            certificateNumber: try d.string("certificateNumber", "the certificate number"),
                            channel: try d.choice("channel", Candidate.Contact.Channel.self, "the channel")
                        )
                    )
                )
            case "ComplaintLodged":
                return .caseEvent(
                    .complaintLodged(
                        .init(
                            complaintID: try d.string("complaintId", "the complaint id"),
                            channel: try d.choice("channel", CaseEvent.ComplaintLodged.Channel.self, "the channel"),
                            category: try d.choice("category", CaseEvent.ComplaintLodged.Category.self, "the category"),
                            summary: try d.string("summary", "the summary")
                        )
                    )
                )
            case "ComplaintResolved":
                return .caseEvent(
                    .complaintResolved(
                        .init(
                            complaintID: try d.string("complaintId", "the complaint id"),
                            outcome: try d.choice("outcome", CaseEvent.ComplaintResolved.Outcome.self, "the outcome"),
                            resolution: try d.string("resolution", "the resolution")
                        )
                    )
                )
            case "NoteAdded":
                return .caseEvent(
                    .noteAdded(
                        .init(
                            text: try d.string("text", "the note"),
                            complaintID: try d.optionalString("complaintId", "the complaint the note is about")
                        )
                    )
                )
            case "PersonalDataErased":
                let scope = try d.string("scope", "what was erased")
                guard let groups = erasureGroups(scope: scope) else {
                    throw Rejection(.invalidField, "scope is all or details", field: "data.scope")
                }
                return .caseEvent(
                    .personalDataErased(
                        .init(
                            groups: groups,
                            reason: try d.string("reason", "why"),
                            basis: try d.string("basis", "the basis")
                        )
                    )
                )
            case "HoldPlaced":
                return .caseEvent(
                    .holdPlaced(
                        .init(holdID: try d.string("holdId", "the hold"), reason: try d.string("reason", "why"))
                    )
                )
            case "HoldReleased":
                return .caseEvent(
                    .holdReleased(
                        .init(holdID: try d.string("holdId", "the hold"), reason: try d.string("reason", "why"))
                    )
                )
            default:
                throw Rejection(.invalidField, "unknown event type \(type)", field: "type")
            }
        } catch {
            throw DecodingError(type: type, rejection: error)
        }
    }

    /// Decodes a stored payload (compact JSON bytes): by the fast path for payloads in the
    /// store's own form (sealed ones too), else by the general decoder, opening sealed personal
    /// data of `stream` under `keys` (``PersonalSeal``; without a key, sealed fields read as
    /// erased).
    public static func decode(
        type: String,
        payload: [UInt8],
        stream: String = "",
        keys: (any PersonalDataKeys)? = nil
    ) throws(DecodingError) -> DomainEvent {
        try payload.withUnsafeBufferPointer { (buffer) throws(DecodingError) -> DomainEvent in
            try decode(type: type, buffer: buffer, stream: stream, keys: keys)
        }
    }

    /// Decodes a stored payload lent in place (``EventLog/scan(from:through:_:)``), copying
    /// nothing on the fast path.
    public static func decode(
        type: String,
        payload: UnsafeRawBufferPointer,
        stream: String = "",
        keys: (any PersonalDataKeys)? = nil
    ) throws(DecodingError) -> DomainEvent {
        try decode(type: type, buffer: payload.assumingMemoryBound(to: UInt8.self), stream: stream, keys: keys)
    }

    static func decode(
        type: String,
        buffer bytes: UnsafeBufferPointer<UInt8>,
        stream: String,
        keys: (any PersonalDataKeys)?
    ) throws(DecodingError) -> DomainEvent {
        if let event = StoredPayloadReader.decode(type: type, buffer: bytes) { return event }
        do throws(Rejection) {
            if let event = try PersonalSeal.decodeSealed(type: type, buffer: bytes, stream: stream, keys: keys) {
                return event
            }
        } catch {
            throw DecodingError(type: type, rejection: error)
        }
        let data: JSONValue
        do throws(JSONParseError) {
            data = try JSONParser.parse(buffer: bytes)
        } catch {
            throw DecodingError(type: type, rejection: Rejection(.invalidJSON, "the stored data is not JSON: \(error)"))
        }
        return try decode(type: type, data: data, stream: stream, keys: keys)
    }

    /// Decodes a stored payload as ``decode(type:payload:stream:keys:)`` does, with the event's
    /// interchange `data`: the stored bytes themselves when they hold nothing sealed or erased.
    public static func decodeOpened(
        type: String,
        payload: [UInt8],
        stream: String,
        keys: (any PersonalDataKeys)?
    ) throws(DecodingError) -> (event: DomainEvent, data: [UInt8]) {
        if let event = StoredPayloadReader.decode(type: type, payload: payload) { return (event, payload) }
        let event = try decode(type: type, payload: payload, stream: stream, keys: keys)
        guard !PersonalFields.fields(of: type).isEmpty else { return (event, payload) }
        return (event, PersonalSeal.interchangeData(of: event))
    }

    /// Decodes `data` (a parsed stored payload or an imported line's `data`) after opening its
    /// sealed or erased personal data (``PersonalSeal``).
    public static func decode(
        type: String,
        data: JSONValue,
        stream: String,
        keys: (any PersonalDataKeys)?
    ) throws(DecodingError) -> DomainEvent {
        do throws(Rejection) {
            return try PersonalSeal.decode(data, type: type, stream: stream, keys: keys)
        } catch {
            throw DecodingError(type: type, rejection: error)
        }
    }
}
