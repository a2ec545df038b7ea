import Foundation
import GRDB
import GRDBSQLite

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
        /// Only rows in this state (cases: a case status; complaints: open or resolved;
        /// retakes: eligible, requested, passed, not-passed, lapsed).
        public var status: String?
        public init() {}
    }

    public var columns: [String]
    public var rows: [[Value]]
    /// The sums of the report's countable columns over its rows (yuan, cases), when it has any.
    public var totals: [(column: String, value: Int64)]?

    /// A report of `query`'s rows, with the totals of its summed columns.
    public init(_ query: ReportQuery, rows: [[Value]]) {
        columns = query.columns
        self.rows = rows
        if !query.summed.isEmpty {
            totals = query.summed.compactMap { column in
                guard let i = query.columns.firstIndex(of: column) else { return nil }
                let sum = rows.reduce(Int64(0)) { total, row in
                    if case .int(let v) = row[i] { return total &+ v }
                    return total
                }
                return (column, sum)
            }
        }
    }

    public init(columns: [String], rows: [[Value]], totals: [(column: String, value: Int64)]? = nil) {
        self.columns = columns
        self.rows = rows
        self.totals = totals
    }

    /// The states `Filters.status` may name for report `name` (empty when it takes none).
    public static func statuses(of name: String, projector: Projector) -> [String] {
        guard let projection = try? projector.select([name]).first else { return [] }
        return projection.report(Filters(), today: "2000-01-01")?.status?.values ?? []
    }

    /// The reports, by projection name.
    public static let names = [
        "cases", "timelines", "batches", "revenue", "retakes", "certificates", "complaints", "findings",
    ]
    // (search has its own command, `docket search`.)

    /// Runs report `name` against its projection's live file, or against `file` (a build of
    /// the model at a past moment); `today` ages open complaints and lapses kept passes.
    public static func run(
        _ name: String,
        filters: Filters,
        projector: Projector,
        today: String,
        file: String? = nil
    ) throws(ProjectionError) -> Report {
        guard let projection = try projector.select([name]).first,
            let query = projection.report(filters, today: today)?.filtered(status: filters.status)
        else {
            throw ProjectionError(
                .unknownProjection,
                "no report \(name); the reports are \(names.joined(separator: ", "))"
            )
        }
        // A build of a past moment is read as it is (read-only); the live model may be created.
        let queue: DatabaseQueue
        if let file {
            queue = try Projector.openReadOnly(file)
        } else {
            queue = try Projector.openLive(projector.path(projection.name), projection)
        }
        do {
            let version = try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
            guard version == projection.schemaVersion else {
                throw ProjectionError(
                    .database,
                    "the \(name) read model is being rebuilt (schema version \(version) on file, this build writes \(projection.schemaVersion)); ask again once `docket projections status` shows it current"
                )
            }
            let rows = try queue.read { db in try Self.rows(query, db) }
            return Report(query, rows: rows)
        } catch let error as ProjectionError {
            throw error
        } catch {
            throw ProjectionError(.database, "report \(name): \(error)")
        }
    }

    /// The query's rows, read column by column straight from SQLite (GRDB's `Row` boxes each
    /// value and copies each row: a report of 100,000 cases spent most of its time there).
    private static func rows(_ query: ReportQuery, _ db: Database) throws -> [[Value]] {
        let statement = try db.makeStatement(sql: query.sql)
        try statement.setArguments(StatementArguments(query.arguments.map { $0 as (any DatabaseValueConvertible)? }))
        let raw = statement.sqliteStatement
        let columns = sqlite3_column_count(raw)
        var rows: [[Value]] = []
        while true {
            let code = sqlite3_step(raw)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code),
                    message: db.lastErrorMessage,
                    sql: query.sql
                )
            }
            var row: [Value] = []
            row.reserveCapacity(Int(columns))
            for i in 0..<columns {
                switch sqlite3_column_type(raw, i) {
                case SQLITE_NULL: row.append(.null)
                case SQLITE_INTEGER: row.append(.int(sqlite3_column_int64(raw, i)))
                case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(raw, i)))
                default:
                    let count = Int(sqlite3_column_bytes(raw, i))
                    let text = sqlite3_column_text(raw, i).map {
                        String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
                    }
                    row.append(.text(text ?? ""))
                }
            }
            rows.append(row)
        }
        return rows
    }
}
