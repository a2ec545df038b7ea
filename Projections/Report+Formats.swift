import DocketJSON
import Foundation

extension Report {
    /// A value as text (tables and CSV): empty for null.
    public static func text(_ value: Value) -> String {
        switch value {
        case .null: return ""
        case .int(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let s): return s
        }
    }

    /// A value as JSON.
    public static func json(_ value: Value) -> JSONValue {
        switch value {
        case .null: return .null
        case .int(let v): return .int(v)
        case .real(let v): return v.isFinite ? .number(JSONNumber(text: String(v))) : .null
        case .text(let s): return .string(s)
        }
    }

    /// The rows as a JSON array of objects keyed by column.
    public var json: JSONValue { .array(rows.map(rowJSON)) }

    /// One row as an object keyed by column.
    public func rowJSON(_ row: [Value]) -> JSONValue {
        .object(JSONObject(zip(columns, row).map { (key: $0, value: Self.json($1)) }))
    }

    /// The totals as an object (`null` when the report has none).
    public var totalsJSON: JSONValue {
        guard let totals else { return .null }
        return .object(JSONObject(totals.map { (key: $0.column, value: .int($0.value)) }))
    }

    /// The totals as a row under the columns (`total` in the first, the sums under theirs).
    public var totalsRow: [Value]? {
        guard let totals else { return nil }
        return columns.enumerated().map { i, column in
            if let sum = totals.first(where: { $0.column == column }) { return .int(sum.value) }
            return i == 0 ? .text("total") : .null
        }
    }

    /// RFC 4180 CSV with a header line (and the totals row, when the report has one; see
    /// `CSV.line`). With `byteOrderMark`, the file begins with U+FEFF, which spreadsheet programs
    /// need to read UTF-8 (Chinese names) rather than a local code page.
    public func csvText(byteOrderMark: Bool = false) -> String {
        var out = byteOrderMark ? CSV.byteOrderMark : ""
        out += CSV.line(columns.map { CSV.Cell($0) })
        for row in rows { out += Self.csvLine(row) }
        if let totalsRow { out += Self.csvLine(totalsRow) }
        return out
    }

    /// The plain CSV (no byte-order mark).
    public var csv: String { csvText() }

    /// One CSV line of `values`.
    static func csvLine(_ values: [Value]) -> String {
        CSV.line(
            values.map { value in
                if case .text = value { return CSV.Cell(text(value)) }
                return CSV.Cell(text(value), isText: false)
            }
        )
    }
}
