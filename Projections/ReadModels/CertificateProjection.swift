import Certification
import CertificationWire
import Chronology

/// Certificates by number, for the public look-up of notice §三(五): occupation, level, issue
/// date and a masked holder (first character of the name, masked identity number).
public struct CertificateProjection: Projection {
    public init() {}
    public var name: String { "certificates" }
    public var summary: String { "certificates by number with a masked holder (public look-up)" }
    public var schemaVersion: Int { 1 }
    public var schema: ModelSchema { Self.schema }

    static let holders = ModelTable(
        "certificate_holders",
        [.text("case_id"), .text("occupation"), .integer("level"), .text("holder")],
        primaryKey: ["case_id"]
    )
    static let certificates = ModelTable(
        "certificates",
        [
            .text("number"), .text("case_id"), .text("occupation"), .integer("level"), .text("issued_on"),
            .text("holder"),
        ],
        primaryKey: ["number"]
    )
    static let schema = ModelSchema(
        [holders, certificates],
        indexes: [ModelIndex("certificates_issued", on: "certificates", ["issued_on"])]
    )
    static let putHolder = ModelStatement.replace(into: holders)
    static let holder = ModelStatement.select(["occupation", "level", "holder"], from: holders, where: ["case_id"])
    static let issue = ModelStatement.replace(into: certificates)
    static let eraseHolder = ModelStatement.update(holders, set: ["holder"], where: ["case_id"])
    static let eraseCertificateHolder = ModelStatement.update(certificates, set: ["holder"], where: ["case_id"])

    /// The holder as the public look-up shows them: the name's first character and the masked
    /// identity number (`张* 110101********123X`).
    /// An erased identity (issue 17) shows as `[erased]`: the certificate and its number stay.
    public static func maskedHolder(_ candidate: Candidate) -> String {
        guard !candidate.isIdentityErased else { return "[erased]" }
        return candidate.maskedName + " " + Disclosure.masked.identityNumber(candidate.idDocument.number)
    }

    public func apply(_ e: RecordedDomainEvent, _ storage: any ModelStorage) throws {
        guard let caseID = e.caseID, case .caseEvent(let event) = e.event else { return }
        switch event {
        case .applied(let a):
            try storage.run(Self.putHolder) { row in
                row.text(caseID)
                row.text(a.occupation.rawValue)
                row.int(a.level)
                row.text(Self.maskedHolder(a.candidate))
            }
        case .certified(let c):
            guard let holder = try storage.rows(Self.holder, { $0.text(caseID) }).first, holder.count == 3 else {
                return
            }
            try storage.run(Self.issue) { row in
                row.text(c.certificateNumber)
                row.text(caseID)
                row.value(holder[0])
                row.value(holder[1])
                row.text(e.localDay)
                row.value(holder[2])
            }
        case .personalDataErased(let x) where x.groups.contains(.identity):
            for statement in [Self.eraseHolder, Self.eraseCertificateHolder] {
                try storage.run(statement) { row in
                    row.text("[erased]")
                    row.text(caseID)
                }
            }
        default:
            break
        }
    }
}
