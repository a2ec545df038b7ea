import Certification
import CertificationWire
import Chronology

/// Complaints, open and resolved, with their category, channel and dates (their age is counted
/// when reported).
public struct ComplaintProjection: Projection {
    public init() {}
    public var name: String { "complaints" }
    public var summary: String { "complaints, open and resolved, by category and age" }
    public var schemaVersion: Int { 1 }
    public var schema: ModelSchema { Self.schema }

    static let complaints = ModelTable(
        "complaints",
        [
            .text("complaint_id"), .text("case_id"), .text("channel"), .text("category"), .text("lodged_at"),
            .text("lodged_on"), .text("resolved_on", nullable: true), .text("outcome", nullable: true), .text("status"),
        ],
        primaryKey: ["complaint_id"]
    )
    static let schema = ModelSchema(
        [complaints],
        indexes: [ModelIndex("complaints_status", on: "complaints", ["status", "category"])]
    )
    static let lodge = ModelStatement.replace(into: complaints)
    static let resolve = ModelStatement.update(
        complaints,
        set: ["resolved_on", "outcome", "status"],
        where: ["complaint_id", "case_id"]
    )

    public func apply(_ e: RecordedDomainEvent, _ storage: any ModelStorage) throws {
        guard let caseID = e.caseID, case .caseEvent(let event) = e.event else { return }
        switch event {
        case .complaintLodged(let l):
            try storage.run(Self.lodge) { row in
                row.text(l.complaintID)
                row.text(caseID)
                row.text(l.channel.rawValue)
                row.text(l.category.rawValue)
                row.text(e.at.description)
                row.text(e.localDay)
                row.null()
                row.null()
                row.text("open")
            }
        case .complaintResolved(let r):
            try storage.run(Self.resolve) { row in
                row.text(e.localDay)
                row.text(r.outcome.rawValue)
                row.text("resolved")
                row.text(r.complaintID)
                row.text(caseID)
            }
        default:
            break
        }
    }
}
