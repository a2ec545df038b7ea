import Certification
import CertificationWire
import Chronology

/// Revenue by batch × occupation × day (Asia/Shanghai): paid, refunded and net yuan. A payment
/// counts for the batch of the sitting it pays for (the retake's batch for a retake's fee).
public struct RevenueProjection: Projection {
    public init() {}
    public var name: String { "revenue" }
    public var summary: String { "paid, refunded and net yuan by batch, occupation and day" }
    public var schemaVersion: Int { 1 }
    public var schema: ModelSchema { Self.schema }

    static let cases = ModelTable(
        "revenue_cases",
        [.text("case_id"), .text("batch"), .text("occupation")],
        primaryKey: ["case_id"]
    )
    static let revenue = ModelTable(
        "revenue",
        [.text("batch"), .text("occupation"), .text("day"), .integer("paid_yuan"), .integer("refunded_yuan")],
        primaryKey: ["batch", "occupation", "day"]
    )
    static let schema = ModelSchema([cases, revenue])
    static let putCase = ModelStatement.replace(into: cases)
    static let moveCase = ModelStatement.update(cases, set: ["batch"], where: ["case_id"])
    static let sitting = ModelStatement.select(["batch", "occupation"], from: cases, where: ["case_id"])
    static let add = ModelStatement.add(into: revenue)

    public func apply(_ e: RecordedDomainEvent, _ storage: any ModelStorage) throws {
        guard let caseID = e.caseID, case .caseEvent(let event) = e.event else { return }
        func add(paid: Int, refunded: Int) throws {
            guard let sitting = try storage.rows(Self.sitting, { $0.text(caseID) }).first, sitting.count == 2 else {
                return
            }
            try storage.run(Self.add) { row in
                row.value(sitting[0])
                row.value(sitting[1])
                row.text(e.localDay)
                row.int(paid)
                row.int(refunded)
            }
        }
        switch event {
        case .applied(let a):
            try storage.run(Self.putCase) { row in
                row.text(caseID)
                row.text(a.batch)
                row.text(a.occupation.rawValue)
            }
        case .retakeRequested(let r):
            try storage.run(Self.moveCase) { row in
                row.text(r.batch)
                row.text(caseID)
            }
        case .paid(let p):
            try add(paid: p.amountYuan, refunded: 0)
        case .refunded(let r):
            try add(paid: 0, refunded: r.amountYuan)
        default:
            break
        }
    }
}
