/// Why text is not valid JSON, and where: the byte offset, with line and column for a person.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// Byte offset of the problem in the input.
    public var offset: Int
    /// 1-based line and column (in bytes) of the problem.
    public var line: Int
    public var column: Int

    public var description: String { "\(message) at line \(line), column \(column)" }
}
