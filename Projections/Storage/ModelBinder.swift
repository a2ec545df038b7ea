import GRDBSQLite

/// Binds a statement's values in order, straight into SQLite's prepared statement or into a
/// list for PostgreSQL.
///
/// Written by hand for SQLite because GRDB's `execute(arguments:)` boxes every value as an
/// existential `DatabaseValueConvertible`, builds an argument array and validates it on each
/// call: on a rebuild's hot path (a row per event) that was about a tenth of the time in
/// `perf`. GRDB still prepares, caches and finalises the statement; this only binds it.
public struct ModelBinder {
    private let raw: OpaquePointer?
    private var index: Int32 = 1
    /// The values bound, when not bound into SQLite.
    public private(set) var values: [ModelValue] = []

    /// Binds into SQLite's statement `raw`.
    init(sqlite raw: OpaquePointer) { self.raw = raw }

    /// Collects the values, after `first` (PostgreSQL's store id).
    public init(collecting first: [ModelValue]) {
        raw = nil
        values = first
    }

    public mutating func text(_ value: String) {
        guard let raw else {
            values.append(.text(value))
            return
        }
        var value = value
        value.withUTF8 { bindText(raw, $0) }
    }

    public mutating func text(_ value: String?) {
        if let value { text(value) } else { null() }
    }

    /// UTF-8 bytes stored as text (JSON written by the event coder).
    public mutating func utf8(_ value: [UInt8]) {
        guard let raw else {
            values.append(.text(String(decoding: value, as: UTF8.self)))
            return
        }
        value.withUnsafeBufferPointer { bindText(raw, $0) }
    }

    public mutating func int(_ value: Int) { int(Int64(value)) }

    public mutating func int(_ value: Int64) {
        guard let raw else {
            values.append(.int(value))
            return
        }
        sqlite3_bind_int64(raw, index, value)
        index += 1
    }

    public mutating func int(_ value: Int?) {
        if let value { int(value) } else { null() }
    }

    public mutating func int(_ value: UInt64) { int(Int64(truncatingIfNeeded: value)) }

    public mutating func bool(_ value: Bool?) { int(value.map { $0 ? 1 : 0 }) }

    public mutating func blob(_ value: [UInt8]) {
        guard let raw else {
            values.append(.blob(value))
            return
        }
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(
                raw,
                index,
                bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                Int32(bytes.count),
                Self.transient
            )
        }
        index += 1
    }

    public mutating func null() {
        guard let raw else {
            values.append(.null)
            return
        }
        sqlite3_bind_null(raw, index)
        index += 1
    }

    /// Binds any value.
    public mutating func value(_ value: ModelValue) {
        switch value {
        case .null: null()
        case .int(let v): int(v)
        case .text(let s): text(s)
        case .blob(let b): blob(b)
        }
    }

    private mutating func bindText(_ raw: OpaquePointer, _ bytes: UnsafeBufferPointer<UInt8>) {
        _ = sqlite3_bind_text(
            raw,
            index,
            UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self),
            Int32(bytes.count),
            Self.transient
        )
        index += 1
    }

    /// SQLite's `SQLITE_TRANSIENT`: copy the bytes before the call returns.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
