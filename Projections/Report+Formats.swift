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
    public var json: JSONValue {
        .array(rows.map { row in .object(JSONObject(zip(columns, row).map { (key: $0, value: Self.json($1)) })) })
    }

    /// RFC 4180 CSV with a header line; fields quoted when they hold a comma, a quote or a line
    /// break, quotes doubled.
    public var csv: String {
        func field(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var out = columns.map(field).joined(separator: ",") + "\n"
        for row in rows { out += row.map { field(Self.text($0)) }.joined(separator: ",") + "\n" }
        return out
    }
}
