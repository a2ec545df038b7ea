import Certification
import DocketJSON

/// Which fields of each event type are personal data, by group (``PersonalDataGroups``), and the
/// value each holds once erased: the one table that sealing, opening, erasing and the
/// interchange format's `erased` marker read.
///
/// A path names object members from the event's `data`; `*` stands for every element of an
/// array. Optional members (an eligibility description) are sealed when present; once erased
/// they are simply absent.
public enum PersonalFields {
    public struct Field: Sendable {
        public var group: PersonalDataGroups
        public var path: [String]
        /// What the field holds once erased, or `nil` for an optional field (then absent).
        public var erased: JSONValue?
        /// The dotted path (`candidate.idDocument.number`, `eligibility.evidence[].reference`).
        public var name: String {
            path.reduce(into: "") { out, part in
                if part == "*" {
                    out += "[]"
                } else {
                    out += (out.isEmpty ? "" : ".") + part
                }
            }
        }
    }

    private static let applied: [Field] = [
        Field(group: .identity, path: ["candidate", "name"], erased: .string("")),
        Field(group: .identity, path: ["candidate", "birthDate"], erased: .string("0001-01-01")),
        Field(group: .identity, path: ["candidate", "idDocument", "number"], erased: .string("")),
        Field(group: .identity, path: ["eligibility", "description"], erased: nil),
        Field(group: .identity, path: ["eligibility", "certificate", "number"], erased: nil),
        Field(group: .identity, path: ["eligibility", "evidence", "*", "reference"], erased: .string("")),
        Field(group: .details, path: ["candidate", "contact", "address"], erased: .string("")),
        Field(group: .details, path: ["photo", "sha256"], erased: .string("")),
    ]

    /// The personal fields of events of `type` (empty for types that carry none).
    public static func fields(of type: String) -> [Field] {
        switch type {
        case "Applied": return applied
        case "DocumentsVerified": return [Field(group: .details, path: ["reasons"], erased: .array([]))]
        case "Refunded", "Withdrawn", "ScoreCorrected":
            return [Field(group: .details, path: ["reason"], erased: .string(""))]
        case "ComplaintLodged": return [Field(group: .details, path: ["summary"], erased: .string(""))]
        case "ComplaintResolved": return [Field(group: .details, path: ["resolution"], erased: .string(""))]
        case "NoteAdded": return [Field(group: .details, path: ["text"], erased: .string(""))]
        default: return []
        }
    }

    /// The dotted names of the fields of `groups` across every event type (what an erasure
    /// event lists).
    public static func names(of groups: PersonalDataGroups) -> [String] {
        let types = [
            "Applied", "DocumentsVerified", "Refunded", "Withdrawn", "ScoreCorrected", "ComplaintLodged",
            "ComplaintResolved", "NoteAdded",
        ]
        var seen: Set<String> = []
        var out: [String] = []
        for type in types {
            for f in fields(of: type) where groups.contains(f.group) {
                if seen.insert(f.name).inserted { out.append(f.name) }
            }
        }
        return out
    }

    // MARK: Tree operations

    /// Moves the values at `path` out of `value` into `into` (same shape).
    static func move(_ path: ArraySlice<String>, from value: inout JSONValue, into: inout JSONValue) {
        guard let head = path.first else { return }
        let rest = path.dropFirst()
        if head == "*" {
            guard case .array(var items) = value else { return }
            var taken: [JSONValue]
            if case .array(let existing) = into, existing.count == items.count {
                taken = existing
            } else {
                taken = Array(repeating: .object(JSONObject()), count: items.count)
            }
            for i in items.indices { move(rest, from: &items[i], into: &taken[i]) }
            value = .array(items)
            into = .array(taken)
            return
        }
        guard case .object(var object) = value, let child = object[head] else { return }
        var target: JSONObject
        if case .object(let o) = into { target = o } else { target = JSONObject() }
        if rest.isEmpty {
            object.remove(head)
            target.set(head, child)
        } else {
            var inner = child
            var innerTarget = target[head] ?? .object(JSONObject())
            move(rest, from: &inner, into: &innerTarget)
            object.set(head, inner)
            target.set(head, innerTarget)
        }
        value = .object(object)
        into = .object(target)
    }

    /// Sets the value at `path` to `erased` where its parent exists (every element for `*`).
    static func fill(_ path: ArraySlice<String>, with erased: JSONValue, in value: inout JSONValue) {
        guard let head = path.first else { return }
        let rest = path.dropFirst()
        if head == "*" {
            guard case .array(var items) = value else { return }
            for i in items.indices { fill(rest, with: erased, in: &items[i]) }
            value = .array(items)
            return
        }
        guard case .object(var object) = value else { return }
        if rest.isEmpty {
            object.set(head, erased)
        } else {
            guard var child = object[head] else { return }
            fill(rest, with: erased, in: &child)
            object.set(head, child)
        }
        value = .object(object)
    }
}
