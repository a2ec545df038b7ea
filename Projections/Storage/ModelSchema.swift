import GRDB

/// A read model's tables and secondary indexes. Private helper tables (lookups the model keeps
/// for itself) are listed too: they are part of its state and of its fingerprints.
public struct ModelSchema: Sendable {
    public var tables: [ModelTable]
    public var indexes: [ModelIndex]

    public init(_ tables: [ModelTable], indexes: [ModelIndex] = []) {
        self.tables = tables
        self.indexes = indexes
    }

    /// The table named `name`.
    public func table(_ name: String) -> ModelTable? { tables.first { $0.name == name } }

    // MARK: SQLite

    /// Creates the tables in SQLite (no secondary indexes: a rebuild loads first, indexes
    /// after). A table keyed by one integer is a rowid table; any other is `WITHOUT ROWID`.
    public func createTables(_ db: Database) throws {
        for table in tables { try db.execute(sql: Self.sqliteCreate(table)) }
    }

    /// Creates the secondary indexes in SQLite.
    public func createIndexes(_ db: Database) throws {
        for index in indexes {
            try db.execute(
                sql: "CREATE \(index.unique ? "UNIQUE " : "")INDEX \(index.name) ON \(index.table)("
                    + index.columns.joined(separator: ", ") + ")"
            )
        }
    }

    static func sqliteCreate(_ table: ModelTable) -> String {
        let rowid =
            table.primaryKey.count == 1
            && table.columns.first { $0.name == table.primaryKey[0] }?.type == .integer
        var parts: [String] = table.columns.map { column in
            let type =
                switch column.type {
                case .text: "TEXT"
                case .integer: "INTEGER"
                case .blob: "BLOB"
                }
            if rowid && column.name == table.primaryKey[0] { return "\(column.name) INTEGER PRIMARY KEY" }
            return "\(column.name) \(type)" + (column.nullable ? "" : " NOT NULL")
        }
        if !rowid { parts.append("PRIMARY KEY (" + table.primaryKey.joined(separator: ", ") + ")") }
        return "CREATE TABLE \(table.name) (" + parts.joined(separator: ", ") + ")" + (rowid ? "" : " WITHOUT ROWID")
    }
}
