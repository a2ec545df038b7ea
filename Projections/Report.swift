import Foundation
import GRDB

/// A report read from one projection: named columns and rows, for tables, JSON or CSV. Reports
/// never show full identity numbers or names beyond what the projection already masks.
public struct Report: Sendable {
    public enum Value: Sendable, Equatable {
        case null
        case int(Int64)
        case real(Double)
        case text(String)
    }

    /// Filters a report understands (each report uses those that apply to it).
    public struct Filters: Sendable {
        public var batch: String?
        public var occupation: String?
        /// Inclusive local dates (`YYYY-MM-DD`).
        public var from: String?
        public var to: String?
        public var caseID: String?
        /// Findings: open complaints are findings once open longer than this many days.
        public var complaintDays = 15
        /// Retakes: only unused windows that close within this many days of today.
        public var expiringWithinDays: Int?
        public init() {}
    }

    public var columns: [String]
    public var rows: [[Value]]

    /// The reports, by projection name.
    public static let names = [
        "cases", "timelines", "batches", "revenue", "retakes", "certificates", "complaints", "findings",
    ]
    // (search has its own command, `docket search`.)

    /// Runs report `name` against its projection's live file (`today` ages open complaints).
    public static func run(
        _ name: String,
        filters: Filters,
        projector: Projector,
        today: String
    ) throws(ProjectionError) -> Report {
        guard let projection = try projector.select([name]).first else {
            throw ProjectionError(.unknownProjection, "no report \(name)")
        }
        let queue = try Projector.openLive(projector.path(projection.name), projection)
        let query = ReportQuery(name, filters: filters, today: today)
        do {
            let rows = try queue.read { db in
                try Row.fetchAll(db, sql: query.sql, arguments: StatementArguments(query.arguments)).map {
                    row -> [Value] in
                    Array(row.databaseValues).map { value -> Value in
                        switch value.storage {
                        case .null: return .null
                        case .int64(let v): return .int(v)
                        case .double(let v): return .real(v)
                        case .string(let s): return .text(s)
                        case .blob: return .text("<blob>")
                        }
                    }
                }
            }
            return Report(columns: query.columns, rows: rows)
        } catch {
            throw ProjectionError(.database, "report \(name): \(error)")
        }
    }
}
