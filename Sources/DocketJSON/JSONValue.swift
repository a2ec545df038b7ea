/// A JSON value as read from a client: objects keep their key order (for faithful echoes and
/// exports) and numbers keep their literal text (so `78` and `78.0` can be told apart).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The value at `key` if this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// A short name of the value's kind, for messages ("a string", "an object").
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Structural equality where objects compare as sets of members (key order aside): what
    /// "the same command" means for idempotency.
    public func isSame(as other: JSONValue) -> Bool {
        switch (self, other) {
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a.members {
                guard let theirs = b[key], value.isSame(as: theirs) else { return false }
            }
            return true
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isSame(as: $1) }
        default:
            return self == other
        }
    }
}

/// A JSON number, kept as its literal text.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal as written (RFC 8259 grammar, already checked).
    public let text: String

    public init(text: String) { self.text = text }

    /// The value if the literal is an integer (no fraction or exponent) that fits in 64 bits.
    public var int64: Int64? { Int64(text) }

    /// The value as a double.
    public var double: Double? { Double(text) }

    public var description: String { text }
}

/// A JSON object: members in the order written, keys unique.
public struct JSONObject: Sendable, Equatable {
    public private(set) var members: [(key: String, value: JSONValue)]

    public init(_ members: [(key: String, value: JSONValue)] = []) { self.members = members }

    public var count: Int { members.count }
    public var keys: [String] { members.map(\.key) }

    /// The member named `key` (objects from clients are small: a linear search is fastest).
    public subscript(key: String) -> JSONValue? {
        for member in members where member.key == key { return member.value }
        return nil
    }

    /// Adds or replaces a member.
    public mutating func set(_ key: String, _ value: JSONValue) {
        if let i = members.firstIndex(where: { $0.key == key }) {
            members[i].value = value
        } else {
            members.append((key, value))
        }
    }

    /// Removes the member named `key`, returning its value.
    @discardableResult
    public mutating func remove(_ key: String) -> JSONValue? {
        guard let i = members.firstIndex(where: { $0.key == key }) else { return nil }
        return members.remove(at: i).value
    }

    /// Adds a member the caller knows is not there yet (the parser checked).
    mutating func appendNew(_ key: String, _ value: JSONValue) { members.append((key, value)) }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
