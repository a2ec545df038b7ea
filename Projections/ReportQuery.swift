import Chronology
import GRDB

/// A report's SQL against its read model: its columns, its query, and the arguments of the
/// filters that apply. Each read model writes its own (`<Model>+Report.swift`): the report
/// lives with the tables it reads. Time-dependent answers (a kept pass lapsing, a complaint's
/// age) are worked out in the query against `today`, since a read model stores only what the
/// events said.
public struct ReportQuery: Sendable {
    public var columns: [String]
    var sql: String
    var arguments: [String]

    init(columns: [String], sql: String, arguments: [String]) {
        self.columns = columns
        self.sql = sql
        self.arguments = arguments
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
