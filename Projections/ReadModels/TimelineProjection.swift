import Certification
import CertificationWire
import Chronology
import DocketJSON

/// Timelines: one row per case event with its actor, business and recorded times, and the
/// one-line summary a supervisor reads on the phone (no identity numbers, no names), and the
/// event's data with the identity number masked (what `docket timeline --json` shows).
public struct TimelineProjection: Projection {
    public init() {}
    public var name: String { "timelines" }
    public var summary: String { "one row per case event: who, when, what, in one line" }
    /// 2: birth dates masked to the year beside masked identity numbers (was: in full).
    public var schemaVersion: Int { 2 }
    public var schema: ModelSchema { Self.schema }

    static let timeline = ModelTable(
        "timeline",
        [
            .integer("position"), .text("case_id"), .integer("version"), .text("type"), .text("at"),
            .text("recorded_at"), .text("actor_id"), .text("actor_role"), .text("command_id", nullable: true),
            .text("summary"), .text("data"),
        ],
        primaryKey: ["position"]
    )
    static let schema = ModelSchema(
        [timeline],
        indexes: [ModelIndex("timeline_case", on: "timeline", ["case_id", "version"], unique: true)]
    )
    static let insert = ModelStatement.insert(into: timeline)
    static let caseRows = ModelStatement.select(
        ["position", "type", "summary", "data"],
        from: timeline,
        where: ["case_id"],
        orderBy: ["position"]
    )
    static let rewrite = ModelStatement.update(timeline, set: ["summary", "data"], where: ["position"])

    public func apply(_ e: RecordedDomainEvent, _ storage: any ModelStorage) throws {
        guard let caseID = e.caseID, case .caseEvent(let event) = e.event else { return }
        if case .personalDataErased(let erased) = event { try forget(erased.groups, of: caseID, storage) }
        try storage.run(Self.insert) { row in
            row.int(e.position)
            row.text(caseID)
            row.int(e.version)
            row.text(e.event.typeName)
            row.text(e.at.description)
            row.text(e.recordedAt.description)
            row.text(e.metadata.actorID)
            row.text(e.metadata.role)
            row.text(e.metadata.commandID)
            row.text(EventSummary.summary(of: e.event))
            row.utf8(Disclosure.masked.data(of: e.event, stored: e.payload))
        }
    }

    /// Rewrites the case's earlier rows without the erased groups' fields: their data loses
    /// them (named in `erased`), and a summary quoting a free text says `[erased]`.
    private func forget(_ groups: PersonalDataGroups, of caseID: String, _ storage: any ModelStorage) throws {
        var rewrites: [(position: Int64, summary: String, data: [UInt8])] = []
        for row in try storage.rows(Self.caseRows, { $0.text(caseID) }) {
            guard row.count == 4, let position = row[0].int, let type = row[1].text, let old = row[3].bytes else {
                continue
            }
            guard PersonalFields.fields(of: type).contains(where: { groups.contains($0.group) }) else { continue }
            let data = PersonalSeal.erase(old, type: type, groups: groups)
            var summary = row[2].text ?? ""
            if type != "Applied", let parsed = try? JSONParser.parse(data),
                let event = try? EventCoding.decode(
                    type: type,
                    data: parsed,
                    stream: StreamName.forCase(caseID),
                    keys: nil
                )
            {
                summary = EventSummary.summary(of: event)
            }
            rewrites.append((position, summary, data))
        }
        for r in rewrites {
            try storage.run(Self.rewrite) { row in
                row.text(r.summary)
                row.utf8(r.data)
                row.int(r.position)
            }
        }
    }
}
