/// A value a read model writes or reads back.
public enum ModelValue: Sendable, Equatable {
    case null
    case int(Int64)
    case text(String)
    case blob([UInt8])

    /// The text, or `nil` for any other value.
    public var text: String? {
        if case .text(let s) = self { return s }
        return nil
    }

    /// The integer, or `nil` for any other value.
    public var int: Int64? {
        if case .int(let v) = self { return v }
        return nil
    }

    /// The bytes of a blob (or of a text), or `nil`.
    public var bytes: [UInt8]? {
        switch self {
        case .blob(let b): b
        case .text(let s): Array(s.utf8)
        default: nil
        }
    }
}
