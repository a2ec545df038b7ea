/// One write or look-up a read model makes, stated once by table and columns; each storage
/// runs it in its own SQL. Models keep their statements in `static let`s: the SQL of both
/// storages is built once.
///
/// Values are bound in the order the statement lists its columns: an insert's columns (the
/// table's order), an update's `set` then its `where`, a delete's or a select's `where`.
///
/// In PostgreSQL every table carries the store's id first (many stores share one database):
/// the PostgreSQL form binds it as its first value and adds it to every key and condition, so
/// a model never names it.
public struct ModelStatement: Sendable {
    /// What the statement does.
    public enum Kind: Sendable {
        /// A new row; fails on an existing key.
        case insert
        /// A row, replacing any with the same key (`INSERT OR REPLACE`).
        case replace
        /// A row unless one with the same key exists (`INSERT OR IGNORE`).
        case insertIfAbsent
        /// A row whose value columns are added to an existing row's with the same key.
        case add
        case update
        case delete
        case select
    }

    public let kind: Kind
    public let table: ModelTable
    /// The columns a select returns.
    public let resultColumns: [ModelTable.ColumnType]
    /// SQLite's SQL (`?` for each value).
    public let sqlite: String
    /// PostgreSQL's SQL cut where values go: `postgres[0] + v0 + postgres[1] + v1 + …`, the
    /// store's id being `v0`.
    public let postgres: [String]
    /// For PostgreSQL: the index, among the bound values (the store's id first), of the value
    /// that goes in each gap of ``postgres`` in turn (an update's store id stands in its WHERE
    /// clause, after the values it sets).
    public let postgresValueOrder: [Int]

    private init(
        _ kind: Kind,
        _ table: ModelTable,
        sqlite: String,
        postgres: [String],
        results: [ModelTable.ColumnType] = [],
        order: [Int]? = nil
    ) {
        self.kind = kind
        self.table = table
        self.sqlite = sqlite
        self.postgres = postgres
        resultColumns = results
        postgresValueOrder = order ?? Array(0..<(postgres.count - 1))
    }

    // MARK: Writes

    /// Inserts a row (every column, in the table's order).
    public static func insert(into table: ModelTable) -> ModelStatement { row(.insert, table) }

    /// Inserts a row or replaces the one with its key.
    public static func replace(into table: ModelTable) -> ModelStatement { row(.replace, table) }

    /// Inserts a row unless one with its key exists.
    public static func insertIfAbsent(into table: ModelTable) -> ModelStatement { row(.insertIfAbsent, table) }

    /// Inserts a row, or adds its value columns (integers) to those of the row with its key.
    public static func add(into table: ModelTable) -> ModelStatement { row(.add, table) }

    private static func row(_ kind: Kind, _ table: ModelTable) -> ModelStatement {
        let columns = table.columnNames
        let marks = columns.map { _ in "?" }.joined(separator: ", ")
        let values = table.valueColumns
        let sqlite: String
        switch kind {
        case .replace:
            sqlite = "INSERT OR REPLACE INTO \(table.name) VALUES (\(marks))"
        case .insertIfAbsent:
            sqlite = "INSERT OR IGNORE INTO \(table.name) VALUES (\(marks))"
        case .add:
            sqlite =
                "INSERT INTO \(table.name) VALUES (\(marks)) ON CONFLICT (\(table.orderBy)) DO UPDATE SET "
                + values.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", ")
        default:
            sqlite = "INSERT INTO \(table.name) VALUES (\(marks))"
        }
        var head = "INSERT INTO \(table.name) (store_id, " + columns.joined(separator: ", ") + ") VALUES ("
        var parts: [String] = []
        for _ in 0...columns.count {
            parts.append(head)
            head = ", "
        }
        let key = "(store_id, " + table.primaryKey.joined(separator: ", ") + ")"
        var tail = ")"
        switch kind {
        case .replace where !values.isEmpty:
            tail +=
                " ON CONFLICT \(key) DO UPDATE SET "
                + values.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        case .replace, .insertIfAbsent:
            tail += " ON CONFLICT \(key) DO NOTHING"
        case .add:
            tail +=
                " ON CONFLICT \(key) DO UPDATE SET "
                + values.map { "\($0) = \(table.name).\($0) + EXCLUDED.\($0)" }.joined(separator: ", ")
        default:
            break
        }
        parts.append(tail)
        return ModelStatement(kind, table, sqlite: sqlite, postgres: parts)
    }

    /// Sets `columns` of the rows matching every `where` column.
    public static func update(
        _ table: ModelTable,
        set columns: [String],
        where conditions: [String]
    )
        -> ModelStatement
    {
        let sqlite =
            "UPDATE \(table.name) SET " + columns.map { "\($0) = ?" }.joined(separator: ", ")
            + Self.sqliteWhere(conditions)
        // `UPDATE t SET a = v1, b = v2 WHERE store_id = v0 AND c = v3`: the store id, bound
        // first, stands after the SET values in SQL order.
        var parts: [String] = []
        for (i, column) in columns.enumerated() {
            parts.append((i == 0 ? "UPDATE \(table.name) SET " : ", ") + "\(column) = ")
        }
        parts.append(" WHERE store_id = ")
        for column in conditions { parts.append(" AND \(column) = ") }
        parts.append("")
        let order = Array(1...columns.count) + [0] + Array((columns.count + 1)..<(parts.count - 1))
        return ModelStatement(.update, table, sqlite: sqlite, postgres: parts, order: order)
    }

    /// Deletes the rows matching every `where` column.
    public static func delete(from table: ModelTable, where conditions: [String]) -> ModelStatement {
        ModelStatement(
            .delete,
            table,
            sqlite: "DELETE FROM \(table.name)" + Self.sqliteWhere(conditions),
            postgres: Self.postgresWhere("DELETE FROM \(table.name)", conditions)
        )
    }

    /// Reads `columns` of the rows matching every `where` column, in `orderBy` order.
    public static func select(
        _ columns: [String],
        from table: ModelTable,
        where conditions: [String] = [],
        orderBy: [String] = []
    ) -> ModelStatement {
        let types = columns.map { name in table.columns.first { $0.name == name }?.type ?? .text }
        let order = orderBy.isEmpty ? "" : " ORDER BY " + orderBy.joined(separator: ", ")
        var postgres = Self.postgresWhere(
            "SELECT " + columns.joined(separator: ", ") + " FROM \(table.name)",
            conditions
        )
        postgres[postgres.count - 1] += order
        return ModelStatement(
            .select,
            table,
            sqlite: "SELECT " + columns.joined(separator: ", ") + " FROM \(table.name)"
                + Self.sqliteWhere(conditions) + order,
            postgres: postgres,
            results: types
        )
    }

    private static func sqliteWhere(_ conditions: [String]) -> String {
        conditions.isEmpty ? "" : " WHERE " + conditions.map { "\($0) = ?" }.joined(separator: " AND ")
    }

    /// `head WHERE store_id = v0 AND c1 = v1 …`.
    private static func postgresWhere(_ head: String, _ conditions: [String]) -> [String] {
        var parts = [head + " WHERE store_id = "]
        for column in conditions { parts.append(" AND \(column) = ") }
        parts.append("")
        return parts
    }

}
