import GRDB
import GRDBSQLite

/// A prepared statement run with its values bound straight to SQLite.
///
/// Written by hand because GRDB's `execute(arguments:)` boxes every value as an existential
/// `DatabaseValueConvertible`, builds an argument array and validates it on each call: on a
/// rebuild's hot path (a row per event) that was about a tenth of the time in `perf`. GRDB
/// still prepares, caches and finalises the statement; this only binds and steps it.
struct DirectStatement {
    let statement: Statement

    /// The connection's cached statement for `sql`.
    init(_ db: Database, _ sql: String) throws { statement = try db.cachedStatement(sql: sql) }

    /// Binds with `bind` (in parameter order) and runs the statement to completion.
    func run(_ db: Database, _ bind: (inout Binder) -> Void) throws {
        try step(db, bind) { _ in }
    }

    /// Binds with `bind` and returns the first column of each row as text (a look-up).
    func texts(_ db: Database, _ bind: (inout Binder) -> Void) throws -> [String] {
        var out: [String] = []
        try step(db, bind) { raw in
            if let text = sqlite3_column_text(raw, 0) { out.append(String(cString: text)) }
        }
        return out
    }

    /// Binds, steps through every row (handing each to `row`) and resets the statement.
    private func step(_ db: Database, _ bind: (inout Binder) -> Void, row: (OpaquePointer) -> Void) throws {
        let raw = statement.sqliteStatement
        sqlite3_reset(raw)
        var binder = Binder(raw: raw)
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
                sql: statement.sql
            )
        }
    }

    /// Binds values in parameter order (texts are copied by SQLite).
    struct Binder {
        let raw: OpaquePointer
        var index: Int32 = 1

        mutating func text(_ value: String) {
            var value = value
            value.withUTF8 { bindText($0) }
        }

        private mutating func bindText(_ bytes: UnsafeBufferPointer<UInt8>) {
            _ = sqlite3_bind_text(
                raw,
                index,
                UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(
                    to: CChar.self
                ),
                Int32(bytes.count),
                Self.transient
            )
            index += 1
        }

        mutating func text(_ value: String?) {
            if let value { text(value) } else { null() }
        }

        /// UTF-8 bytes bound as text (JSON written by the event coder).
        mutating func blobText(_ value: [UInt8]) {
            value.withUnsafeBufferPointer { bindText($0) }
        }

        mutating func int(_ value: Int) {
            sqlite3_bind_int64(raw, index, Int64(value))
            index += 1
        }

        mutating func int(_ value: Int?) {
            if let value { int(value) } else { null() }
        }

        mutating func int(_ value: UInt64) { int(Int(truncatingIfNeeded: value)) }

        mutating func bool(_ value: Bool?) { int(value.map { $0 ? 1 : 0 }) }

        mutating func blob(_ value: [UInt8]) {
            value.withUnsafeBytes { bytes in
                _ = sqlite3_bind_blob(raw, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
            }
            index += 1
        }

        mutating func null() {
            sqlite3_bind_null(raw, index)
            index += 1
        }

        /// SQLite's `SQLITE_TRANSIENT`: copy the bytes before the call returns.
        static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    }
}
