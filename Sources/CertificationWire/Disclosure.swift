import Certification
import Chronology
import DocketJSON

/// What a reader may see of a candidate's identity: the one masking rule every view, timeline,
/// replay, search hit, feed line, report and export goes through.
///
/// Registrars and auditors see identity numbers and birth dates in full. Everyone else sees the
/// number masked (SPEC §5: `110101********123X`, or the last 4 characters of other numbers) and
/// the birth date as its year only (`1995-**-**`): the eight hidden digits of a resident ID card
/// number *are* the birth date, so showing the full date beside the masked number would give the
/// number away. With the year shown, about 33 numbers fit what a masked view shows (365 days,
/// one in 11 passing the check character): none can be told from the others.
public enum Disclosure: Sendable, Hashable {
    /// Identity numbers and birth dates in full.
    case full
    /// Numbers masked, birth dates to the year.
    case masked

    /// What `role` may see.
    public static func of(_ role: Actor.Role) -> Disclosure {
        role == .registrar || role == .auditor ? .full : .masked
    }

    /// `number` as this reader may see it.
    public func identityNumber(_ number: String) -> String {
        self == .full ? number : IdentityNumber.mask(number)
    }

    /// `date` as this reader may see it: `1995-06-01`, or `1995-**-**`.
    public func birthDate(_ date: LocalDate) -> String {
        self == .masked ? Self.maskedBirthDate(year: date.year) : date.description
    }

    /// A birth date shown to the year only: `1995-**-**` (what a masked reader sees, and all a
    /// read model keeps).
    public static func maskedBirthDate(year: Int) -> String {
        let digits = String(year)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "-**-**"
    }

    /// A case event's `data` as this reader may see it (compact JSON). `stored` is the data as
    /// the log holds it, returned as is when nothing in it needs masking.
    public func data(of event: DomainEvent, stored: [UInt8]) -> [UInt8] {
        guard self == .masked, case .caseEvent(.applied(let applied)) = event, !applied.candidate.isIdentityErased
        else { return stored }
        guard case .object(var data) = EventCoding.data(of: event),
            case .object(var candidate)? = data["candidate"],
            case .object(var document)? = candidate["idDocument"]
        else { return stored }
        document.set("number", .string(identityNumber(applied.candidate.idDocument.number)))
        candidate.set("idDocument", .object(document))
        candidate.set("birthDate", .string(birthDate(applied.candidate.birthDate)))
        data.set("candidate", .object(candidate))
        var out: [UInt8] = []
        JSONWriter.write(.object(data), into: &out)
        return out
    }
}
