/// Conveniences for building values to write (event payloads, result lines, views).
extension JSONValue {
    /// An integer number.
    public static func int<I: BinaryInteger>(_ value: I) -> JSONValue { .number(JSONNumber(text: String(value))) }

    /// A string, or `null` when `value` is `nil`.
    public static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// An object with `members` in the order given.
    public static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(JSONObject(members.map { (key: $0.key, value: $0.value) }))
    }

    /// The string if this is one.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer if this is a number written as an integer.
    public var intValue: Int? {
        if case .number(let n) = self, let v = n.int64 { return Int(exactly: v) }
        return nil
    }

    /// The boolean if this is one.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The object if this is one.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }
}
