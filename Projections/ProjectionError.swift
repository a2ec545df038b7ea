/// Why a projection could not be built, read or caught up.
public struct ProjectionError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// No projection of that name.
        case unknownProjection = "unknown-projection"
        /// The log could not be read or an event could not be decoded.
        case log
        /// SQLite refused (a damaged file, a full disk).
        case database
        /// A file could not be made durable or swapped in.
        case io
        /// A reporting target (PostgreSQL) could not be reached, or refused a statement.
        case target
        /// A store's log does not go on from what a reporting target recorded of it (restored
        /// from an older backup, or diverged): the target refuses to be fed from it.
        case storeDiverged = "store-diverged"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
