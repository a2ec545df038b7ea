import Certification
import Chronology
import DocketJSON

/// Reads typed fields from a JSON object, naming the JSON path of any field at fault.
///
/// A missing (or `null`) required field is `missing-field`; a field of the wrong type or outside
/// its allowed values is `invalid-field`. Unknown keys are ignored (SPEC §5).
///
/// Reading a command (`checksText`), every string is held to ``TextLimit``: at most 200
/// characters (free text such as reasons and summaries 2,000), and no control characters (free
/// text may hold tabs and line breaks): nothing a client sends can grow an event past the log's
/// limits, or reach a terminal or a page as an escape sequence. Events already recorded are read
/// without these checks (they are history, whatever they hold).
struct FieldReader {
    let object: JSONObject
    /// The path of `object` itself, such as `data.candidate`.
    let path: String
    /// Whether strings are held to ``TextLimit`` (commands) or read as they are (history).
    let checksText: Bool

    init(_ object: JSONObject, path: String, checksText: Bool = false) {
        self.object = object
        self.path = path
        self.checksText = checksText
    }

    /// Reads `value` at `path` as an object.
    init(_ value: JSONValue, path: String, checksText: Bool = false) throws(Rejection) {
        guard case .object(let object) = value else {
            throw Rejection(.invalidField, "\(path) must be an object, not \(value.kindDescription)", field: path)
        }
        self.init(object, path: path, checksText: checksText)
    }

    func path(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The value at `key`, treating `null` as absent.
    func optional(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    func required(_ key: String, _ what: String) throws(Rejection) -> JSONValue {
        guard let value = optional(key) else {
            throw Rejection(.missingField, "give \(what)", field: path(key))
        }
        return value
    }

    func string(_ key: String, _ what: String, limit: TextLimit = .short) throws(Rejection) -> String {
        let value = try required(key, what)
        guard case .string(let s) = value else {
            throw Rejection(
                .invalidField,
                "\(key) must be a string (\(what)), not \(value.kindDescription)",
                field: path(key)
            )
        }
        if checksText, let problem = limit.problem(with: s) {
            throw Rejection(.invalidField, "\(key) \(problem)", field: path(key))
        }
        return s
    }

    /// A required string that is not blank.
    func text(_ key: String, _ what: String, limit: TextLimit = .short) throws(Rejection) -> String {
        let s = try string(key, what, limit: limit)
        guard s.contains(where: { !$0.isWhitespace }) else {
            throw Rejection(.missingField, "give \(what); it is blank", field: path(key))
        }
        return s
    }

    func optionalString(_ key: String, _ what: String, limit: TextLimit = .short) throws(Rejection) -> String? {
        guard optional(key) != nil else { return nil }
        return try string(key, what, limit: limit)
    }

    func int(_ key: String, _ what: String) throws(Rejection) -> Int {
        let value = try required(key, what)
        guard let n = value.intValue else {
            throw Rejection(
                .invalidField,
                "\(key) must be a whole number (\(what)), not \(Self.show(value))",
                field: path(key)
            )
        }
        return n
    }

    func optionalInt(_ key: String, _ what: String) throws(Rejection) -> Int? {
        guard optional(key) != nil else { return nil }
        return try int(key, what)
    }

    /// A count of years: a number from 0 to 100, fractions allowed (SPEC §5).
    func optionalYears(_ key: String, _ what: String) throws(Rejection) -> Years? {
        guard let value = optional(key) else { return nil }
        guard case .number(let number) = value, let double = number.double, let years = Years(double) else {
            throw Rejection(
                .invalidField,
                "\(key) must be a number of years from 0 to 100, fractions allowed (\(what)), not \(Self.show(value))",
                field: path(key)
            )
        }
        return years
    }

    func bool(_ key: String, _ what: String) throws(Rejection) -> Bool {
        let value = try required(key, what)
        guard let b = value.boolValue else {
            throw Rejection(.invalidField, "\(key) must be true or false, not \(Self.show(value))", field: path(key))
        }
        return b
    }

    func optionalBool(_ key: String, _ what: String) throws(Rejection) -> Bool? {
        guard optional(key) != nil else { return nil }
        return try bool(key, what)
    }

    func object(_ key: String, _ what: String) throws(Rejection) -> FieldReader {
        try FieldReader(try required(key, what), path: path(key), checksText: checksText)
    }

    func array(_ key: String, _ what: String) throws(Rejection) -> [JSONValue] {
        let value = try required(key, what)
        guard case .array(let items) = value else {
            throw Rejection(
                .invalidField,
                "\(key) must be an array (\(what)), not \(value.kindDescription)",
                field: path(key)
            )
        }
        return items
    }

    /// A string that must be one of `E`'s raw values.
    func choice<E: RawRepresentable & CaseIterable>(
        _ key: String,
        _ type: E.Type,
        _ what: String,
        code: RejectionCode = .invalidField
    ) throws(Rejection) -> E where E.RawValue == String {
        let s = try string(key, what)
        guard let value = E(rawValue: s) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw Rejection(code, "\(key) is one of \(allowed); \"\(s)\" is not", field: path(key))
        }
        return value
    }

    func date(_ key: String, _ what: String) throws(Rejection) -> LocalDate {
        let s = try string(key, what)
        guard let date = LocalDate(s) else {
            throw Rejection(.invalidField, "\(key) is a date written YYYY-MM-DD, not \"\(s)\"", field: path(key))
        }
        return date
    }

    func timestamp(_ key: String, _ what: String) throws(Rejection) -> Timestamp {
        let s = try string(key, what)
        guard let t = RFC3339.parse(s) else {
            throw Rejection(
                .invalidField,
                "\(key) is an RFC 3339 time with its offset, such as 2024-03-02T10:15:00+08:00, not \"\(s)\"",
                field: path(key)
            )
        }
        return t
    }

    /// A short rendering of a value for messages (never a whole photo).
    static func show(_ value: JSONValue) -> String {
        switch value {
        case .number(let n): return n.text
        case .string(let s): return s.count > 40 ? "a long string" : "\"\(s)\""
        default: return value.kindDescription
        }
    }
}
