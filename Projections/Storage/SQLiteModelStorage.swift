import GRDB
import GRDBSQLite

/// A read model's storage in its SQLite file, for one transaction of a feed: statements are
/// prepared once per connection (GRDB's cache) and bound directly (``ModelBinder``).
public final class SQLiteModelStorage: ModelStorage {
    let db: Database

    public init(_ db: Database) { self.db = db }

    public func run(_ statement: ModelStatement, _ bind: (inout ModelBinder) -> Void) throws {
        try step(statement, bind) { _ in }
    }

    public func rows(_ statement: ModelStatement, _ bind: (inout ModelBinder) -> Void) throws -> [[ModelValue]] {
        var rows: [[ModelValue]] = []
        let types = statement.resultColumns
        try step(statement, bind) { raw in
            rows.append(Self.row(raw, columns: Int32(types.count)))
        }
        return rows
    }

    /// The current row of `raw`'s first `columns` columns as values.
    static func row(_ raw: OpaquePointer, columns: Int32) -> [ModelValue] {
        var row: [ModelValue] = []
        row.reserveCapacity(Int(columns))
        for i in 0..<columns {
            switch sqlite3_column_type(raw, i) {
            case SQLITE_NULL: row.append(.null)
            case SQLITE_INTEGER: row.append(.int(sqlite3_column_int64(raw, i)))
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(raw, i))
                let bytes = sqlite3_column_blob(raw, i).map { Array(UnsafeRawBufferPointer(start: $0, count: count)) }
                row.append(.blob(bytes ?? []))
            default:
                let count = Int(sqlite3_column_bytes(raw, i))
                let text = sqlite3_column_text(raw, i).map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
                }
                row.append(.text(text ?? ""))
            }
        }
        return row
    }

    /// Binds, steps through every row (handing each to `row`) and resets the statement.
    private func step(
        _ statement: ModelStatement,
        _ bind: (inout ModelBinder) -> Void,
        row: (OpaquePointer) -> Void
    ) throws {
        let prepared = try db.cachedStatement(sql: statement.sqlite)
        let raw = prepared.sqliteStatement
        sqlite3_reset(raw)
        var binder = ModelBinder(sqlite: raw)
        bind(&binder)
        var code = sqlite3_step(raw)
        while code == SQLITE_ROW {
            row(raw)
            code = sqlite3_step(raw)
        }
        sqlite3_reset(raw)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: db.lastErrorMessage,
                sql: statement.sqlite
            )
        }
    }
}
