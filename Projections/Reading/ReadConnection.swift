import GRDBSQLite

/// One read-only SQLite connection to a model file with its prepared statements, used by one
/// thread at a time (a ``ModelReader`` lends it out).
///
/// Written by hand over SQLite's C API rather than a GRDB `DatabasePool` read: a pool read
/// synchronises through dispatch queues and a barrier lock and begins and ends a transaction
/// around each closure, and on the server's two event-loop threads those waits (not the query)
/// bounded case reads to a few thousand a second. One statement is one snapshot in SQLite, so a
/// view query that also reads the checkpoint needs no transaction of its own.
final class ReadConnection {
    private let db: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]

    init(path: String) throws(ProjectionError) {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let handle else {
            sqlite3_close_v2(handle)
            throw ProjectionError(.database, "cannot open \(path) for reading (SQLite code \(code))")
        }
        db = handle
        // A reader meeting a checkpoint in progress waits a little rather than failing.
        sqlite3_busy_timeout(db, 5_000)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(db)
    }

    /// Runs `sql` with `texts` bound in order, handing each row to `row`.
    func rows(_ sql: String, _ texts: [String], _ row: (ResultRow) -> Void) throws(ProjectionError) {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (i, text) in texts.enumerated() {
            var text = text
            text.withUTF8 { bytes in
                _ = sqlite3_bind_text(
                    statement,
                    Int32(i + 1),
                    UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(
                        to: CChar.self
                    ),
                    Int32(bytes.count),
                    ModelBinder.transient
                )
            }
        }
        var code = sqlite3_step(statement)
        while code == SQLITE_ROW {
            row(ResultRow(statement: statement))
            code = sqlite3_step(statement)
        }
        guard code == SQLITE_DONE else {
            throw ProjectionError(.database, "cannot read: \(String(cString: sqlite3_errmsg(db))) in \(sql)")
        }
    }

    private func prepared(_ sql: String) throws(ProjectionError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw ProjectionError(.database, "cannot prepare \(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        statements[sql] = statement
        return statement
    }
}

/// The current row of a statement being stepped (valid only inside the row callback).
struct ResultRow {
    let statement: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func int(_ column: Int32) -> Int64? { isNull(column) ? nil : sqlite3_column_int64(statement, column) }

    func text(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: text)
    }

    /// The column's text as UTF-8 bytes, copied once.
    func bytes(_ column: Int32) -> [UInt8]? {
        guard let text = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return Array(UnsafeBufferPointer(start: text, count: count))
    }
}
