import Certification
import Chronology

/// A fast path for reading event payloads the store wrote itself.
///
/// Every payload in a store is written by ``EventCoding/payload(of:)`` (imports are re-encoded
/// too), so its keys come in one known order, compact, with strings escaped only where JSON
/// requires. This reader walks those bytes once, building the event directly, with no JSON tree
/// in between — replay and verify read every event, so this is their hot path. Anything
/// unexpected (another key order, an escape, an unknown type) returns `nil` and the caller falls
/// back to the general decoder, so the fast path can only be faster, never different.
struct StoredPayloadReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    /// The bytes stop before the object's closing brace (a sealed payload's clear part, whose
    /// `"sealed"` member follows: ``PersonalSeal``).
    private var openEnded = false

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The event, or `nil` when the payload is not in the store's own form.
    static func decode(type: String, payload: [UInt8]) -> DomainEvent? {
        payload.withUnsafeBufferPointer { decode(type: type, buffer: $0) }
    }

    /// The same, over bytes lent in place; `openEnded`: the bytes end where the object's last
    /// member ends, without its closing brace.
    static func decode(type: String, buffer: UnsafeBufferPointer<UInt8>, openEnded: Bool = false) -> DomainEvent? {
        var reader = StoredPayloadReader(buffer)
        reader.openEnded = openEnded
        guard let event = reader.event(type), reader.i == buffer.count else { return nil }
        return event
    }

    /// Metadata in the form ``EventMetadata/bytes`` writes, or `nil` (read it generally then).
    static func metadata(_ payload: [UInt8]) -> EventMetadata? {
        payload.withUnsafeBufferPointer { buffer in
            var r = StoredPayloadReader(buffer)
            guard r.byte(0x7B), r.key("actor"), r.byte(0x7B), r.key("id"), let actorID = r.string(), r.next("role"),
                let role = r.string(), r.byte(0x7D), r.next("commandId")
            else { return nil }
            var commandID: String?
            if r.null() {
                commandID = nil
            } else {
                guard let id = r.string() else { return nil }
                commandID = id
            }
            var digest: String?
            if r.optionalNext("commandDigest") {
                guard let d = r.string() else { return nil }
                digest = d
            }
            guard r.byte(0x7D), r.i == buffer.count else { return nil }
            return EventMetadata(actorID: actorID, role: role, commandID: commandID, commandDigest: digest)
        }
    }

    // MARK: Tokens

    private mutating func null() -> Bool {
        guard i + 4 <= bytes.count, bytes[i] == 0x6E, bytes[i + 1] == 0x75, bytes[i + 2] == 0x6C, bytes[i + 3] == 0x6C
        else { return false }
        i += 4
        return true
    }

    private mutating func byte(_ b: UInt8) -> Bool {
        guard i < bytes.count, bytes[i] == b else { return false }
        i += 1
        return true
    }

    /// `"key":` (after a `{` or a `,` the caller consumed).
    private mutating func key(_ name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard i + count + 3 <= bytes.count, bytes[i] == 0x22, bytes[i + count + 1] == 0x22, bytes[i + count + 2] == 0x3A
        else { return false }
        let matches = name.withUTF8Buffer { k in
            for j in 0..<count where bytes[i + 1 + j] != k[j] { return false }
            return true
        }
        guard matches else { return false }
        i += count + 3
        return true
    }

    /// `,"key":`.
    private mutating func next(_ name: StaticString) -> Bool { byte(0x2C) && key(name) }

    /// Whether the next member is `,"key":` (consumed if so).
    private mutating func optionalNext(_ name: StaticString) -> Bool {
        let start = i
        if next(name) { return true }
        i = start
        return false
    }

    private mutating func string() -> String? {
        guard byte(0x22) else { return nil }
        let start = i
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x22 {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                i += 1
                return s
            }
            if b == 0x5C { return nil }  // an escape: leave it to the general decoder
            i += 1
        }
        return nil
    }

    private mutating func int() -> Int? {
        var negative = false
        if byte(0x2D) { negative = true }
        var value = 0
        let start = i
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            value = value &* 10 &+ Int(bytes[i] - 0x30)
            i += 1
        }
        guard i > start, i - start <= 18 else { return nil }
        return negative ? -value : value
    }

    /// A whole number of years; a fraction is left to the general decoder (the next byte is
    /// then `.`, which no caller accepts).
    private mutating func years() -> Years? {
        int().flatMap { Years($0) }
    }

    private mutating func bool() -> Bool? {
        if i + 4 <= bytes.count, bytes[i] == 0x74, bytes[i + 1] == 0x72, bytes[i + 2] == 0x75, bytes[i + 3] == 0x65 {
            i += 4
            return true
        }
        if i + 5 <= bytes.count, bytes[i] == 0x66, bytes[i + 1] == 0x61, bytes[i + 2] == 0x6C, bytes[i + 3] == 0x73,
            bytes[i + 4] == 0x65
        {
            i += 5
            return false
        }
        return nil
    }

    private mutating func strings() -> [String]? {
        guard byte(0x5B) else { return nil }
        var out: [String] = []
        if byte(0x5D) { return out }
        repeat {
            guard let s = string() else { return nil }
            out.append(s)
        } while byte(0x2C)
        return byte(0x5D) ? out : nil
    }

    @inline(__always)
    private mutating func choice<E: RawRepresentable>(_: E.Type) -> E? where E.RawValue == String {
        string().flatMap(E.init(rawValue:))
    }

    private mutating func timestamp() -> Timestamp? { string().flatMap(RFC3339.parse) }

    // MARK: Events

    private mutating func event(_ type: String) -> DomainEvent? {
        guard byte(0x7B) else { return nil }
        let event: DomainEvent?
        switch type {
        case "Applied": event = applied().map { .caseEvent(.applied($0)) }
        case "Scored":
            guard key("subject"), let subject = choice(Subject.self), next("score"), let score = int(),
                next("batch"), let batch = string()
            else { return nil }
            event = .caseEvent(.scored(.init(subject: subject, score: score, batch: batch)))
        case "Paid":
            guard key("paymentRef"), let ref = string(), next("amountYuan"), let amount = int(), next("subjects"),
                let names = strings()
            else { return nil }
            let subjects = names.compactMap(Subject.init(rawValue:))
            guard subjects.count == names.count else { return nil }
            event = .caseEvent(.paid(.init(paymentRef: ref, amountYuan: amount, subjects: subjects)))
        case "DocumentsVerified":
            guard key("outcome"), let outcome = choice(CaseEvent.DocumentsVerified.Outcome.self), next("checks"),
                byte(0x7B), key("identityMatches"), let identity = bool(), next("photoCompliant"), let photo = bool(),
                next("eligibilityEvidence"), let evidence = bool(), byte(0x7D), next("reasons"), let reasons = strings()
            else { return nil }
            event = .caseEvent(
                .documentsVerified(
                    .init(
                        outcome: outcome,
                        identityMatches: identity,
                        photoCompliant: photo,
                        eligibilityEvidence: evidence,
                        reasons: reasons
                    )
                )
            )
        case "TicketSent":
            guard key("ticketNumber"), let number = string(), next("channel"),
                let channel = choice(Candidate.Contact.Channel.self), next("batch"), let batch = string(), next("late"),
                let late = bool()
            else { return nil }
            event = .caseEvent(.ticketSent(.init(ticketNumber: number, channel: channel, batch: batch, late: late)))
        case "Certified":
            guard key("certificateNumber"), let number = string(), next("channel"),
                let channel = choice(Candidate.Contact.Channel.self)
            else { return nil }
            event = .caseEvent(.certified(.init(certificateNumber: number, channel: channel)))
        case "RetakeRequested":
            guard key("subject"), let subject = choice(Subject.self), next("batch"), let batch = string() else {
                return nil
            }
            event = .caseEvent(.retakeRequested(.init(subject: subject, batch: batch)))
        case "Refunded":
            guard key("paymentRef"), let ref = string(), next("amountYuan"), let amount = int(), next("reason"),
                let reason = string()
            else { return nil }
            event = .caseEvent(.refunded(.init(paymentRef: ref, amountYuan: amount, reason: reason)))
        case "Withdrawn":
            guard key("reason"), let reason = string() else { return nil }
            event = .caseEvent(.withdrawn(.init(reason: reason)))
        case "ScoreCorrected":
            guard key("subject"), let subject = choice(Subject.self), next("score"), let score = int(),
                next("complaintId"), let complaint = string(), next("reason"), let reason = string()
            else { return nil }
            event = .caseEvent(
                .scoreCorrected(.init(subject: subject, score: score, complaintID: complaint, reason: reason))
            )
        case "ComplaintLodged":
            guard key("complaintId"), let id = string(), next("channel"),
                let channel = choice(CaseEvent.ComplaintLodged.Channel.self), next("category"),
                let category = choice(CaseEvent.ComplaintLodged.Category.self), next("summary"), let summary = string()
            else { return nil }
            event = .caseEvent(
                .complaintLodged(.init(complaintID: id, channel: channel, category: category, summary: summary))
            )
        case "ComplaintResolved":
            guard key("complaintId"), let id = string(), next("outcome"),
                let outcome = choice(CaseEvent.ComplaintResolved.Outcome.self), next("resolution"),
                let resolution = string()
            else { return nil }
            event = .caseEvent(.complaintResolved(.init(complaintID: id, outcome: outcome, resolution: resolution)))
        case "NoteAdded":
            guard key("text"), let text = string(), next("complaintId") else { return nil }
            var complaintID: String?
            if !null() {
                guard let id = string() else { return nil }
                complaintID = id
            }
            event = .caseEvent(.noteAdded(.init(text: text, complaintID: complaintID)))
        case "BatchScheduled":
            guard key("examStartsAt"), let start = timestamp(), next("occupations"), let names = strings() else {
                return nil
            }
            let occupations = names.compactMap(Occupation.init(rawValue:))
            guard occupations.count == names.count else { return nil }
            event = .batchEvent(.scheduled(examStartsAt: start, occupations: occupations))
        case "BatchRescheduled":
            guard key("examStartsAt"), let start = timestamp(), next("reason"), let reason = string() else {
                return nil
            }
            event = .batchEvent(.rescheduled(examStartsAt: start, reason: reason))
        case "ScoresPublished":
            event = .batchEvent(.scoresPublished)
        default:
            return nil
        }
        guard event != nil, openEnded ? i == bytes.count : byte(0x7D) else { return nil }
        return event
    }

    private mutating func applied() -> CaseEvent.Applied? {
        guard key("batch"), let batch = string(), next("occupation"), let occupation = choice(Occupation.self),
            next("level"), let level = int(), next("candidate"), byte(0x7B), key("name"), let name = string(),
            next("birthDate"), let birth = string().flatMap(LocalDate.init), next("region"),
            let region = choice(Region.self), next("idDocument"), byte(0x7B), key("type"),
            let type = choice(IdentityDocumentType.self), next("number"), let number = string(), byte(0x7D),
            next("contact"), byte(0x7B), key("channel"), let channel = choice(Candidate.Contact.Channel.self),
            next("address"), let address = string(), byte(0x7D), byte(0x7D), next("photo"), byte(0x7B),
            key("sha256"), let sha = string(), next("widthPx"), let width = int(), next("heightPx"),
            let height = int(), next("bytes"), let size = int(), byte(0x7D), next("eligibility"), byte(0x7B),
            key("condition"), let condition = choice(Eligibility.Condition.self)
        else { return nil }
        var claim = Eligibility(condition: condition)
        if optionalNext("occupation") {
            guard let v = string() else { return nil }
            claim.occupation = v
        }
        if optionalNext("description") {
            guard let v = string() else { return nil }
            claim.description = v
        }
        if optionalNext("yearsOfWork") {
            guard let v = years() else { return nil }
            claim.yearsOfWork = v
        }
        if optionalNext("certificate") {
            guard byte(0x7B) else { return nil }
            var first = true
            if key("number") {
                guard let v = string() else { return nil }
                claim.certificateNumber = v
                first = false
            }
            if first ? key("occupation") : optionalNext("occupation") {
                guard let v = string() else { return nil }
                claim.certificateOccupation = v
            }
            guard byte(0x7D) else { return nil }
        }
        if optionalNext("yearsSinceCertificate") {
            guard let v = years() else { return nil }
            claim.yearsSinceCertificate = v
        }
        if optionalNext("schoolLevel") {
            guard let v = string() else { return nil }
            claim.schoolLevel = v
        }
        if optionalNext("major") {
            guard let v = string() else { return nil }
            claim.major = v
        }
        if optionalNext("graduating") {
            guard let v = bool() else { return nil }
            claim.graduating = v
        }
        guard next("evidence"), byte(0x5B) else { return nil }
        if !byte(0x5D) {
            repeat {
                guard byte(0x7B), key("kind"), let kind = string(), next("reference"), let reference = string(),
                    byte(0x7D)
                else { return nil }
                claim.evidence.append(.init(kind: kind, reference: reference))
            } while byte(0x2C)
            guard byte(0x5D) else { return nil }
        }
        guard byte(0x7D) else { return nil }
        return CaseEvent.Applied(
            batch: batch,
            occupation: occupation,
            level: level,
            candidate: Candidate(
                name: name,
                birthDate: birth,
                region: region,
                idDocument: .init(type: type, number: number),
                contact: .init(channel: channel, address: address)
            ),
            photo: PhotoRecord(sha256: sha, widthPx: width, heightPx: height, bytes: size),
            eligibility: claim
        )
    }
}
