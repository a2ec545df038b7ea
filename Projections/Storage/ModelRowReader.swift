import GRDBSQLite

/// Reads a table of a model file row by row, on demand: what a bulk copy into another storage
/// pulls from (a PostgreSQL COPY takes chunks as it can send them).
///
/// A raw read-only SQLite connection of its own, rather than GRDB's: GRDB hands a cursor out
/// only inside one closure, and a COPY pulls its rows from another task.
public final class ModelRowReader: @unchecked Sendable {
    private var db: OpaquePointer?
    private var statement: OpaquePointer?
    private let columns: Int32
    /// Past the last row (SQLite would start the scan again if stepped once more).
    private var done = false

    /// Opens `file` read-only and prepares a scan of `table` in key order.
    public init(file: String, table: ModelTable) throws(ProjectionError) {
        columns = Int32(table.columns.count)
        guard sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            db = nil
            throw ProjectionError(.database, "cannot open \(file): \(message)")
        }
        let sql =
            "SELECT " + table.columnNames.joined(separator: ", ") + " FROM \(table.name) ORDER BY \(table.orderBy)"
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(db))
            sqlite3_close(db)
            db = nil
            throw ProjectionError(.database, "cannot read \(table.name) of \(file): \(message)")
        }
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close(db)
    }

    /// One column of a row as SQLite holds it, lent for the call it is handed to.
    public enum RawValue {
        case null
        case int(Int64)
        case text(UnsafeRawBufferPointer)
        case blob(UnsafeRawBufferPointer)
    }

    /// Hands each column of the next row to `column`, in order, without copying it; false
    /// after the last row. (A bulk copy encodes straight from SQLite's buffers: building a
    /// value per column was most of a COPY's client time.)
    public func nextRow(_ column: (RawValue) -> Void) throws(ProjectionError) -> Bool {
        guard try step(), let statement else { return false }
        for i in 0..<columns {
            switch sqlite3_column_type(statement, i) {
            case SQLITE_NULL:
                column(.null)
            case SQLITE_INTEGER:
                column(.int(sqlite3_column_int64(statement, i)))
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(statement, i))
                column(.blob(UnsafeRawBufferPointer(start: sqlite3_column_blob(statement, i), count: count)))
            default:
                let text = sqlite3_column_text(statement, i)
                let count = Int(sqlite3_column_bytes(statement, i))
                column(.text(UnsafeRawBufferPointer(start: text, count: count)))
            }
        }
        return true
    }

    /// Steps to the next row; false after the last.
    private func step() throws(ProjectionError) -> Bool {
        guard let statement, !done else { return false }
        let code = sqlite3_step(statement)
        guard code == SQLITE_ROW else {
            done = true
            guard code == SQLITE_DONE else {
                throw ProjectionError(.database, "reading a model file: \(String(cString: sqlite3_errmsg(db)))")
            }
            return false
        }
        return true
    }

    /// The next row, or `nil` after the last.
    public func next() throws(ProjectionError) -> [ModelValue]? {
        guard try step(), let statement else { return nil }
        return SQLiteModelStorage.row(statement, columns: columns)
    }
}
