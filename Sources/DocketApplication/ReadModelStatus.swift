import DocketJSON
import Projections

/// Every read model's position, lag, schema and fingerprints, against the log's position; what
/// `docket projections status` prints and `GET /v1/projections` answers (one shape).
public struct ReadModelStatus: Sendable {
    public var logPosition: UInt64
    public var models: [Projector.Status]
    /// With a check: the tables whose live fingerprint differs from a fresh rebuild's.
    public var differences: [Projector.Difference]?

    public var json: JSONValue {
        let items: [JSONValue] = models.map { s in
            .object([
                "name": .string(s.name), "summary": .string(s.summary), "position": .int(s.position),
                "lag": .int(s.lag), "schemaVersion": .int(s.schemaVersion),
                "fileSchemaVersion": .int(s.fileSchemaVersion),
                "rebuildReason": .optional(s.rebuildReason), "fingerprintedAt": .int(s.fingerprintedAt),
                "fingerprints": .object(
                    JSONObject(s.fingerprints.map { (key: $0.table, value: .string($0.fingerprint)) })
                ),
            ])
        }
        var object = JSONObject([("logPosition", .int(logPosition)), ("projections", .array(items))])
        if let differences {
            object.set(
                "differences",
                .array(
                    differences.map {
                        .object([
                            "projection": .string($0.projection), "table": .string($0.table), "live": .string($0.live),
                            "rebuilt": .string($0.rebuilt),
                        ])
                    }
                )
            )
        }
        return .object(object)
    }
}
