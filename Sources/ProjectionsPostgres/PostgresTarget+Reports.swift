import Foundation
import Projections

extension PostgresTarget {
    /// Which stores a report covers.
    public enum StoreSelection: Sendable, Equatable {
        /// This store (the target's own id).
        case this
        /// One store by id.
        case store(String)
        /// Every store the target holds, each row with a leading `store` column.
        case all
    }

    /// Report `name` answered from the target: the same query as from SQLite (the model's own
    /// ``ReportQuery``), over one store's rows or every store's.
    public func report(
        _ name: String,
        filters: Report.Filters,
        today: String,
        stores selection: StoreSelection = .this
    ) throws(ProjectionError) -> Report {
        guard let projection = projections.first(where: { $0.name == name }),
            let query = projection.report(filters, today: today)?.filtered(status: filters.status)
        else {
            throw ProjectionError(
                .unknownProjection,
                "no report \(name) in the target; it holds \(models.filter { Report.names.contains($0) }.joined(separator: ", "))"
            )
        }
        guard try existingModels().contains(name) else {
            throw ProjectionError(
                .target,
                "the target does not hold the \(name) model yet; run `docket projections update`"
            )
        }
        let session = try session("_report")
        switch selection {
        case .this, .store:
            let id: String
            if case .store(let other) = selection { id = other } else { id = storeID }
            let rows = try Self.rows(query, projection, store: id, session)
            return Report(query, rows: rows)
        case .all:
            var rows: [[Report.Value]] = []
            for (store, _) in try stores() {
                rows += try Self.rows(query, projection, store: store, session).map { [.text(store)] + $0 }
            }
            var columnsQuery = query
            columnsQuery.columns = ["store"] + query.columns
            return Report(columnsQuery, rows: rows)
        }
    }

    /// The query's rows over store `store`: each table the query names is, for the query, a
    /// common table expression of the store's rows of the model's schema (the report's own SQL
    /// is untouched; no temporary objects, so a read-only replica answers too), and its `?`
    /// are the arguments as literals. The session's search path finds the shared functions.
    static func rows(
        _ query: ReportQuery,
        _ projection: any Projection,
        store: String,
        _ session: PostgresSession
    ) throws(ProjectionError) -> [[Report.Value]] {
        guard isValidStoreID(store) else { throw ProjectionError(.target, "\(store) is not a store id") }
        let schema = PostgresSchema.name(projection.name)
        let scoped = projection.schema.tables.map { table in
            "\(table.name) AS (SELECT " + table.columnNames.joined(separator: ", ")
                + " FROM \(schema).\(table.name) WHERE store_id = \(PostgresLiteral.text(store)))"
        }
        let sql = "WITH " + scoped.joined(separator: ", ") + " " + inline(query.sql, query.arguments)
        return try session.execute(sql).map { $0.map(\.report) }
    }

    /// `sql` with each `?` outside quotes replaced by the next argument as a text literal.
    static func inline(_ sql: String, _ arguments: [String]) -> String {
        var out = ""
        var next = arguments.makeIterator()
        var quote: Character?
        for c in sql {
            if let q = quote {
                if c == q { quote = nil }
                out.append(c)
            } else if c == "'" || c == "\"" {
                quote = c
                out.append(c)
            } else if c == "?", let argument = next.next() {
                out += PostgresLiteral.text(argument)
            } else {
                out.append(c)
            }
        }
        return out
    }
}
