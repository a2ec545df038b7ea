import Certification
import Chronology
import DocketJSON

/// Writes an event's payload bytes directly: the same text as `JSONWriter.write(data(of:))`,
/// without building a `JSONValue` tree first (every decided event passes here; a tree of an
/// `Applied` is dozens of allocations). ``EventCodingTests`` holds the two to the same bytes.
struct StoredPayloadWriter {
    var out: [UInt8] = []

    init(capacity: Int) { out.reserveCapacity(capacity) }

    mutating func open() { out.append(0x7B) }
    mutating func close() { out.append(0x7D) }

    /// `"key":` preceded by a comma unless it is the object's first member.
    mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { out.append(0x2C) }
        out.append(0x22)
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(0x22)
        out.append(0x3A)
    }

    mutating func string(_ name: StaticString, _ value: String, first: Bool = false) {
        key(name, first: first)
        JSONWriter.writeString(value, into: &out)
    }

    mutating func int(_ name: StaticString, _ value: Int, first: Bool = false) {
        key(name, first: first)
        out.append(contentsOf: String(value).utf8)
    }

    mutating func null(_ name: StaticString, first: Bool = false) {
        key(name, first: first)
        out.append(contentsOf: "null".utf8)
    }

    /// A number already in JSON's form (``Years/description``).
    mutating func number(_ name: StaticString, _ text: String, first: Bool = false) {
        key(name, first: first)
        out.append(contentsOf: text.utf8)
    }

    mutating func bool(_ name: StaticString, _ value: Bool, first: Bool = false) {
        key(name, first: first)
        out.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func strings(_ name: StaticString, _ values: [String], first: Bool = false) {
        key(name, first: first)
        out.append(0x5B)
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(0x2C) }
            JSONWriter.writeString(v, into: &out)
        }
        out.append(0x5D)
    }

    static func payload(of event: CaseEvent) -> [UInt8] {
        var w = StoredPayloadWriter(capacity: 160)
        w.open()
        switch event {
        case .applied(let a):
            w = StoredPayloadWriter(capacity: 720)
            w.open()
            w.string("batch", a.batch, first: true)
            w.string("occupation", a.occupation.rawValue)
            w.int("level", a.level)
            w.key("candidate")
            w.open()
            w.string("name", a.candidate.name, first: true)
            w.string("birthDate", a.candidate.birthDate.description)
            w.string("region", a.candidate.region.rawValue)
            w.key("idDocument")
            w.open()
            w.string("type", a.candidate.idDocument.type.rawValue, first: true)
            w.string("number", a.candidate.idDocument.number)
            w.close()
            w.key("contact")
            w.open()
            w.string("channel", a.candidate.contact.channel.rawValue, first: true)
            w.string("address", a.candidate.contact.address)
            w.close()
            w.close()
            w.key("photo")
            w.open()
            w.string("sha256", a.photo.sha256, first: true)
            w.int("widthPx", a.photo.widthPx)
            w.int("heightPx", a.photo.heightPx)
            w.int("bytes", a.photo.bytes)
            w.close()
            w.key("eligibility")
            w.eligibility(a.eligibility)
        case .documentsVerified(let v):
            w.string("outcome", v.outcome.rawValue, first: true)
            w.key("checks")
            w.open()
            w.bool("identityMatches", v.identityMatches, first: true)
            w.bool("photoCompliant", v.photoCompliant)
            w.bool("eligibilityEvidence", v.eligibilityEvidence)
            w.close()
            w.strings("reasons", v.reasons)
        case .paid(let p):
            w.string("paymentRef", p.paymentRef, first: true)
            w.int("amountYuan", p.amountYuan)
            w.strings("subjects", p.subjects.map(\.rawValue))
        case .refunded(let r):
            w.string("paymentRef", r.paymentRef, first: true)
            w.int("amountYuan", r.amountYuan)
            w.string("reason", r.reason)
        case .withdrawn(let x):
            w.string("reason", x.reason, first: true)
        case .ticketSent(let t):
            w.string("ticketNumber", t.ticketNumber, first: true)
            w.string("channel", t.channel.rawValue)
            w.string("batch", t.batch)
            w.bool("late", t.late)
        case .scored(let s):
            w.string("subject", s.subject.rawValue, first: true)
            w.int("score", s.score)
            w.string("batch", s.batch)
        case .scoreCorrected(let c):
            w.string("subject", c.subject.rawValue, first: true)
            w.int("score", c.score)
            w.string("complaintId", c.complaintID)
            w.string("reason", c.reason)
        case .retakeRequested(let r):
            w.string("subject", r.subject.rawValue, first: true)
            w.string("batch", r.batch)
        case .certified(let c):
            w.string("certificateNumber", c.certificateNumber, first: true)
            w.string("channel", c.channel.rawValue)
        case .complaintLodged(let l):
            w.string("complaintId", l.complaintID, first: true)
            w.string("channel", l.channel.rawValue)
            w.string("category", l.category.rawValue)
            w.string("summary", l.summary)
        case .complaintResolved(let r):
            w.string("complaintId", r.complaintID, first: true)
            w.string("outcome", r.outcome.rawValue)
            w.string("resolution", r.resolution)
        case .noteAdded(let n):
            w.string("text", n.text, first: true)
            if let id = n.complaintID { w.string("complaintId", id) } else { w.null("complaintId") }
        case .personalDataErased, .holdPlaced, .holdReleased:
            // Rare events: written from their tree (the fast reader leaves them to the general one).
            var out: [UInt8] = []
            JSONWriter.write(EventCoding.data(of: event), into: &out)
            return out
        }
        w.close()
        return w.out
    }

    mutating func eligibility(_ e: Eligibility) {
        open()
        string("condition", e.condition.rawValue, first: true)
        if let v = e.occupation { string("occupation", v) }
        if let v = e.description { string("description", v) }
        if let v = e.yearsOfWork { number("yearsOfWork", v.description) }
        if e.certificateNumber != nil || e.certificateOccupation != nil {
            key("certificate")
            open()
            var first = true
            if let v = e.certificateNumber {
                string("number", v, first: true)
                first = false
            }
            if let v = e.certificateOccupation { string("occupation", v, first: first) }
            close()
        }
        if let v = e.yearsSinceCertificate { number("yearsSinceCertificate", v.description) }
        if let v = e.schoolLevel { string("schoolLevel", v) }
        if let v = e.major { string("major", v) }
        if let v = e.graduating { bool("graduating", v) }
        key("evidence")
        out.append(0x5B)
        for (i, piece) in e.evidence.enumerated() {
            if i > 0 { out.append(0x2C) }
            open()
            string("kind", piece.kind, first: true)
            string("reference", piece.reference)
            close()
        }
        out.append(0x5D)
        close()
    }
}
