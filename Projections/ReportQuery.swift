import Chronology
import GRDB

/// A report's SQL against its read model: its columns, its query, and the arguments of the
/// filters that apply. Each read model writes its own (`<Model>+Report.swift`): the report
/// lives with the tables it reads. Time-dependent answers (a kept pass lapsing, a complaint's
/// age) are worked out in the query against `today`, since a read model stores only what the
/// events said.
public struct ReportQuery: Sendable {
    /// The columns, in camelCase (the same keys in JSON and CSV headers as in every view).
    public var columns: [String]
    /// The query, with a `?` for each argument (SQL that SQLite and PostgreSQL both read).
    public internal(set) var sql: String
    /// The arguments, in order.
    public internal(set) var arguments: [String]
    /// The column `--status` filters, and the values it may take; `nil` when the report has none.
    public var status: (column: String, values: [String])?
    /// The columns a totals row sums.
    public var summed: [String]

    init(
        columns: [String],
        sql: String,
        arguments: [String],
        status: (column: String, values: [String])? = nil,
        summed: [String] = []
    ) {
        self.columns = columns
        self.sql = sql
        self.arguments = arguments
        self.status = status
        self.summed = summed
    }

    /// The query with its rows kept to one status (the outer query names the aliased column).
    public func filtered(status value: String?) -> ReportQuery {
        guard let value, let status else { return self }
        var query = self
        query.sql = "SELECT * FROM (" + sql + ") AS report WHERE \"\(status.column)\" = ?"
        query.arguments.append(value)
        return query
    }

    /// `WHERE` conditions with their arguments, in order.
    struct Conditions {
        private(set) var sql: [String] = []
        private(set) var arguments: [String] = []

        /// Adds `condition` (with one `?`) when `value` is given.
        mutating func add(_ condition: String, _ value: String?) {
            guard let value else { return }
            sql.append(condition)
            arguments.append(value)
        }

        /// Adds `condition` with its arguments.
        mutating func add(_ condition: String, arguments values: [String]) {
            sql.append(condition)
            arguments.append(contentsOf: values)
        }

        /// ` WHERE a AND b`, or nothing.
        var clause: String { sql.isEmpty ? "" : " WHERE " + sql.joined(separator: " AND ") }
    }
}
