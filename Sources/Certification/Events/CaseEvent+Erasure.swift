import Chronology

/// How an event looks once some of its personal data is erased: every field of an erased group
/// holds its *erased value*, the empty string (an empty list for rejection reasons), and a birth
/// date of an erased identity is ``LocalDate/erased``. No live event holds an empty name,
/// contact address, photo digest or free text (each is required, non-blank, on the way in), so
/// the erased value cannot be mistaken for data.
extension CaseEvent {
    /// The personal data groups of this event that are erased.
    public var erasedGroups: PersonalDataGroups {
        switch self {
        case .applied(let a):
            var groups: PersonalDataGroups = []
            if a.candidate.isIdentityErased { groups.insert(.identity) }
            if a.candidate.contact.address.isEmpty { groups.insert(.details) }
            return groups
        case .documentsVerified(let v):
            return v.outcome == .rejected && v.reasons.isEmpty ? .details : []
        case .refunded(let r): return r.reason.isEmpty ? .details : []
        case .withdrawn(let w): return w.reason.isEmpty ? .details : []
        case .scoreCorrected(let c): return c.reason.isEmpty ? .details : []
        case .complaintLodged(let l): return l.summary.isEmpty ? .details : []
        case .complaintResolved(let r): return r.resolution.isEmpty ? .details : []
        case .noteAdded(let n): return n.text.isEmpty ? .details : []
        case .paid, .ticketSent, .scored, .retakeRequested, .certified, .personalDataErased, .holdPlaced,
            .holdReleased:
            return []
        }
    }

    /// The personal data groups this event type carries at all.
    public var personalGroups: PersonalDataGroups {
        switch self {
        case .applied: return .all
        case .documentsVerified, .refunded, .withdrawn, .scoreCorrected, .complaintLodged, .complaintResolved,
            .noteAdded:
            return .details
        case .paid, .ticketSent, .scored, .retakeRequested, .certified, .personalDataErased, .holdPlaced,
            .holdReleased:
            return []
        }
    }

    /// This event with the fields of `groups` set to their erased values.
    public func erasing(_ groups: PersonalDataGroups) -> CaseEvent {
        let details = groups.contains(.details)
        switch self {
        case .applied(var a):
            if groups.contains(.identity) { a.eraseIdentity() }
            if details {
                a.candidate.contact.address = ""
                a.photo.sha256 = ""
            }
            return .applied(a)
        case .documentsVerified(var v) where details:
            v.reasons = []
            return .documentsVerified(v)
        case .refunded(var r) where details:
            r.reason = ""
            return .refunded(r)
        case .withdrawn(var w) where details:
            w.reason = ""
            return .withdrawn(w)
        case .scoreCorrected(var c) where details:
            c.reason = ""
            return .scoreCorrected(c)
        case .complaintLodged(var l) where details:
            l.summary = ""
            return .complaintLodged(l)
        case .complaintResolved(var r) where details:
            r.resolution = ""
            return .complaintResolved(r)
        case .noteAdded(var n) where details:
            n.text = ""
            return .noteAdded(n)
        default:
            return self
        }
    }
}

extension CaseEvent.Applied {
    /// Sets the identity group's fields to their erased values.
    mutating func eraseIdentity() {
        candidate.name = ""
        candidate.birthDate = .erased
        candidate.idDocument.number = ""
        eligibility.description = nil
        eligibility.certificateNumber = nil
        eligibility.evidence = eligibility.evidence.map { Eligibility.Evidence(kind: $0.kind, reference: "") }
    }
}

extension Candidate {
    /// Whether the name, birth date and identity number are erased.
    public var isIdentityErased: Bool { name.isEmpty }
}

extension LocalDate {
    /// The birth date of an erased identity: 0001-01-01. (Erasure is told by the empty name, not
    /// by this date.)
    public static let erased = LocalDate(year: 1, month: 1, day: 1)!
}
