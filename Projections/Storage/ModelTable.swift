/// A read model's table as the model states it once, for every storage: its columns, their
/// types, its primary key. Each storage writes its own DDL from it (SQLite's in
/// ``ModelSchema/createTables(_:)``, PostgreSQL's in the ProjectionsPostgres module), so a
/// model's schema is not written twice.
public struct ModelTable: Sendable {
    /// The kinds of value a read model stores (SQLite's storage classes the models use).
    public enum ColumnType: Sendable {
        /// UTF-8 text, compared byte by byte.
        case text
        /// A 64-bit signed integer (booleans as 0 and 1).
        case integer
        /// Bytes.
        case blob
    }

    /// One column.
    public struct Column: Sendable {
        public var name: String
        public var type: ColumnType
        public var nullable: Bool
        /// A text column (`NOT NULL` unless `nullable`).
        public static func text(_ name: String, nullable: Bool = false) -> Column {
            Column(name: name, type: .text, nullable: nullable)
        }

        /// An integer column (`NOT NULL` unless `nullable`).
        public static func integer(_ name: String, nullable: Bool = false) -> Column {
            Column(name: name, type: .integer, nullable: nullable)
        }

        /// A blob column (`NOT NULL` unless `nullable`).
        public static func blob(_ name: String, nullable: Bool = false) -> Column {
            Column(name: name, type: .blob, nullable: nullable)
        }
    }

    public var name: String
    public var columns: [Column]
    /// The key columns, in order: rows are unique by them and fingerprints order by them.
    public var primaryKey: [String]

    public init(_ name: String, _ columns: [Column], primaryKey: [String]) {
        precondition(primaryKey.allSatisfy { key in columns.contains { $0.name == key } }, "key not a column")
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
    }

    /// The column names, in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The columns that are not part of the key, in order.
    public var valueColumns: [String] { columns.map(\.name).filter { !primaryKey.contains($0) } }

    /// What fingerprints order the rows by.
    public var orderBy: String { primaryKey.joined(separator: ", ") }
}

/// A secondary index of a read model (built after a bulk load).
public struct ModelIndex: Sendable {
    public var name: String
    public var table: String
    public var columns: [String]
    public var unique: Bool

    public init(_ name: String, on table: String, _ columns: [String], unique: Bool = false) {
        self.name = name
        self.table = table
        self.columns = columns
        self.unique = unique
    }
}
