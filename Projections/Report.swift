import Foundation
import GRDB

/// A report read from one projection: named columns and rows, for tables, JSON or CSV. Reports
/// never show full identity numbers or names beyond what the projection already masks.
public struct Report: Sendable {
    public enum Value: Sendable, Equatable {
        case null
        case int(Int64)
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
        public init() {}
    }

    public var columns: [String]
    public var rows: [[Value]]

    /// The reports, by projection name.
    public static let names = ["cases", "timelines", "certificates", "complaints", "revenue"]
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
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        func filter(_ sql: String, _ value: String?) {
            guard let value else { return }
            conditions.append(sql)
            arguments.append(value)
        }
        let sql: String
        let columns: [String]
        switch name {
        case "cases":
            filter("batch = ?", filters.batch)
            filter("occupation = ?", filters.occupation)
            filter("case_id = ?", filters.caseID)
            filter("applied_on >= ?", filters.from)
            filter("applied_on <= ?", filters.to)
            columns = [
                "case", "version", "status", "occupation", "level", "batch", "theory", "skill", "paid_yuan",
                "refunded_yuan", "certificate", "open_complaints", "findings",
            ]
            // A kept pass that ran out by today turns the status to failed (SPEC §5).
            arguments.insert(today, at: 0)
            sql =
                """
                SELECT case_id, version,
                       CASE WHEN lapses_on IS NOT NULL AND ? >= lapses_on THEN 'failed' ELSE status END,
                       occupation, level, batch, theory_score, skill_score, paid_yuan, refunded_yuan,
                       certificate_number, open_complaints, findings
                FROM cases
                """ + whereClause(conditions) + " ORDER BY case_id"
        case "timelines":
            filter("case_id = ?", filters.caseID)
            filter("substr(at, 1, 10) >= ?", filters.from)
            filter("substr(at, 1, 10) <= ?", filters.to)
            columns = ["case", "version", "position", "at", "actor", "role", "type", "summary"]
            sql =
                "SELECT case_id, version, position, at, actor_id, actor_role, type, summary FROM timeline"
                + whereClause(conditions) + " ORDER BY case_id, version"
        case "certificates":
            filter("occupation = ?", filters.occupation)
            filter("issued_on >= ?", filters.from)
            filter("issued_on <= ?", filters.to)
            filter("case_id = ?", filters.caseID)
            columns = ["number", "occupation", "level", "issued_on", "holder"]
            sql =
                "SELECT number, occupation, level, issued_on, holder FROM certificates" + whereClause(conditions)
                + " ORDER BY number"
        case "complaints":
            filter("lodged_on >= ?", filters.from)
            filter("lodged_on <= ?", filters.to)
            filter("case_id = ?", filters.caseID)
            columns = [
                "complaint", "case", "category", "channel", "status", "outcome", "lodged_on", "resolved_on", "age_days",
            ]
            arguments.insert(today, at: 0)
            sql =
                """
                SELECT complaint_id, case_id, category, channel, status, outcome, lodged_on, resolved_on,
                       CAST(julianday(COALESCE(resolved_on, ?)) - julianday(lodged_on) AS INTEGER)
                FROM complaints
                """ + whereClause(conditions) + " ORDER BY status DESC, category, lodged_on, complaint_id"
        default:  // revenue
            filter("batch = ?", filters.batch)
            filter("occupation = ?", filters.occupation)
            filter("day >= ?", filters.from)
            filter("day <= ?", filters.to)
            columns = ["batch", "occupation", "day", "paid_yuan", "refunded_yuan", "net_yuan"]
            sql =
                "SELECT batch, occupation, day, paid_yuan, refunded_yuan, paid_yuan - refunded_yuan FROM revenue"
                + whereClause(conditions) + " ORDER BY batch, occupation, day"
        }
        do {
            let rows = try queue.read { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row -> [Value] in
                    Array(row.databaseValues).map { value -> Value in
                        switch value.storage {
                        case .null: return .null
                        case .int64(let v): return .int(v)
                        case .double(let v): return .text(String(v))
                        case .string(let s): return .text(s)
                        case .blob: return .text("<blob>")
                        }
                    }
                }
            }
            return Report(columns: columns, rows: rows)
        } catch {
            throw ProjectionError(.database, "report \(name): \(error)")
        }
    }

    private static func whereClause(_ conditions: [String]) -> String {
        conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
    }
}
