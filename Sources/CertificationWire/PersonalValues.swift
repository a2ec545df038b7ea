import Certification
import Chronology
import DocketJSON

/// A case event's personal values of one group as a short list (what a sealed box holds), and
/// the event with them put back (issue 17). The order per type and group:
///
/// | event | identity | details |
/// |---|---|---|
/// | `Applied` | name, birth date, number, description?, certificate number?, [references] | address, photo SHA-256 |
/// | `DocumentsVerified` | — | [reasons] |
/// | `Refunded`, `Withdrawn`, `ScoreCorrected` | — | reason |
/// | `ComplaintLodged` | — | summary |
/// | `ComplaintResolved` | — | resolution |
/// | `NoteAdded` | — | text |
///
/// A list rather than a JSON object of the event's shape: opening a box is then a parse of a
/// few strings and a copy into the event the fast reader already made, with no tree to merge
/// (replay and rebuild open one box per application).
enum PersonalValues {
    /// The values of `group` in `event`.
    static func values(of event: CaseEvent, _ group: PersonalDataGroups) -> [JSONValue] {
        switch (event, group) {
        case (.applied(let a), .identity):
            return [
                .string(a.candidate.name), .string(a.candidate.birthDate.description),
                .string(a.candidate.idDocument.number), .optional(a.eligibility.description),
                .optional(a.eligibility.certificateNumber),
                .array(a.eligibility.evidence.map { .string($0.reference) }),
            ]
        case (.applied(let a), .details): return [.string(a.candidate.contact.address), .string(a.photo.sha256)]
        case (.documentsVerified(let v), .details): return [.array(v.reasons.map(JSONValue.string))]
        case (.refunded(let r), .details): return [.string(r.reason)]
        case (.withdrawn(let w), .details): return [.string(w.reason)]
        case (.scoreCorrected(let c), .details): return [.string(c.reason)]
        case (.complaintLodged(let l), .details): return [.string(l.summary)]
        case (.complaintResolved(let r), .details): return [.string(r.resolution)]
        case (.noteAdded(let n), .details): return [.string(n.text)]
        default: return []
        }
    }

    /// A box's values read directly (strings, `null`, lists of strings, no escapes), or `nil`
    /// for anything else (the general JSON reader then reads it): a box is opened for every
    /// application a replay folds, and a JSON tree per box was a measurable part of it.
    static func parse(_ bytes: [UInt8]) -> [JSONValue]? {
        bytes.withUnsafeBufferPointer { b -> [JSONValue]? in
            var i = 0
            func string() -> String? {
                guard i < b.count, b[i] == 0x22 else { return nil }
                let start = i + 1
                var j = start
                while j < b.count, b[j] != 0x22 {
                    if b[j] == 0x5C { return nil }
                    j += 1
                }
                guard j < b.count else { return nil }
                i = j + 1
                return String(decoding: UnsafeBufferPointer(rebasing: b[start..<j]), as: UTF8.self)
            }
            func value(nested: Bool) -> JSONValue? {
                guard i < b.count else { return nil }
                switch b[i] {
                case 0x22: return string().map(JSONValue.string)
                case 0x6E:
                    guard i + 4 <= b.count, b[i + 1] == 0x75, b[i + 2] == 0x6C, b[i + 3] == 0x6C else { return nil }
                    i += 4
                    return .null
                case 0x5B where !nested:
                    i += 1
                    var items: [JSONValue] = []
                    if i < b.count, b[i] == 0x5D {
                        i += 1
                        return .array(items)
                    }
                    while true {
                        guard let s = string() else { return nil }
                        items.append(.string(s))
                        guard i < b.count else { return nil }
                        if b[i] == 0x2C {
                            i += 1
                            continue
                        }
                        guard b[i] == 0x5D else { return nil }
                        i += 1
                        return .array(items)
                    }
                default: return nil
                }
            }
            guard b.first == 0x5B else { return nil }
            i = 1
            var out: [JSONValue] = []
            if i < b.count, b[i] == 0x5D { return i + 1 == b.count ? out : nil }
            while true {
                guard let v = value(nested: false) else { return nil }
                out.append(v)
                guard i < b.count else { return nil }
                if b[i] == 0x2C {
                    i += 1
                    continue
                }
                guard b[i] == 0x5D, i + 1 == b.count else { return nil }
                return out
            }
        }
    }

    /// Whether `values` hide nothing (an approval's empty list of reasons): then they are not
    /// sealed at all.
    static func areEmpty(_ values: [JSONValue]) -> Bool {
        values.allSatisfy {
            switch $0 {
            case .null: return true
            case .string(let s): return s.isEmpty
            case .array(let items): return items.isEmpty
            default: return false
            }
        }
    }

    /// `event` (in its erased form for `group`) with `values` put back, or `nil` when they do
    /// not fit it (a box of another shape: damage).
    static func restore(_ event: CaseEvent, _ group: PersonalDataGroups, _ values: [JSONValue]) -> CaseEvent? {
        func text(_ i: Int) -> String? { i < values.count ? values[i].stringValue : nil }
        switch (event, group) {
        case (.applied(var a), .identity):
            guard values.count == 6, let name = text(0), let birth = text(1).flatMap(LocalDate.init),
                let number = text(2), case .array(let references) = values[5],
                references.count == a.eligibility.evidence.count
            else { return nil }
            a.candidate.name = name
            a.candidate.birthDate = birth
            a.candidate.idDocument.number = number
            a.eligibility.description = values[3].stringValue
            a.eligibility.certificateNumber = values[4].stringValue
            for (i, reference) in references.enumerated() {
                guard let r = reference.stringValue else { return nil }
                a.eligibility.evidence[i].reference = r
            }
            return .applied(a)
        case (.applied(var a), .details):
            guard values.count == 2, let address = text(0), let sha = text(1) else { return nil }
            a.candidate.contact.address = address
            a.photo.sha256 = sha
            return .applied(a)
        case (.documentsVerified(var v), .details):
            guard values.count == 1, case .array(let items) = values[0] else { return nil }
            let reasons = items.compactMap(\.stringValue)
            guard reasons.count == items.count else { return nil }
            v.reasons = reasons
            return .documentsVerified(v)
        case (.refunded(var r), .details):
            guard values.count == 1, let t = text(0) else { return nil }
            r.reason = t
            return .refunded(r)
        case (.withdrawn(var w), .details):
            guard values.count == 1, let t = text(0) else { return nil }
            w.reason = t
            return .withdrawn(w)
        case (.scoreCorrected(var c), .details):
            guard values.count == 1, let t = text(0) else { return nil }
            c.reason = t
            return .scoreCorrected(c)
        case (.complaintLodged(var l), .details):
            guard values.count == 1, let t = text(0) else { return nil }
            l.summary = t
            return .complaintLodged(l)
        case (.complaintResolved(var r), .details):
            guard values.count == 1, let t = text(0) else { return nil }
            r.resolution = t
            return .complaintResolved(r)
        case (.noteAdded(var n), .details):
            guard values.count == 1, let t = text(0) else { return nil }
            n.text = t
            return .noteAdded(n)
        default:
            return nil
        }
    }
}
