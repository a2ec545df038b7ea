/// A failure of the event log, with a stable code, a message for a person, and where it happened.
///
/// Modelled on swift-nio's `FileSystemError`: one struct with an extensible code rather than an
/// enum per layer, so callers can switch on ``Code`` and people can read ``message``.
public struct EventLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable kind of failure. Scripts and callers match on these.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A stream was not at the expected version; nothing was written.
        public static let versionConflict = Code(rawValue: "version-conflict")
        /// Another process holds the store's write lock.
        public static let storeLocked = Code(rawValue: "store-locked")
        /// No store at the given directory.
        public static let storeNotFound = Code(rawValue: "store-not-found")
        /// A request broke a limit or was malformed (empty append, oversized event, …).
        public static let invalidAppend = Code(rawValue: "invalid-append")
        /// Stored bytes failed a check somewhere other than a torn tail; nothing was skipped.
        public static let corruption = Code(rawValue: "corruption")
        /// The log ends before a position it had acknowledged (per its index or seal).
        public static let acknowledgedDataMissing = Code(rawValue: "acknowledged-data-missing")
        /// The index disagrees with the frame it points to.
        public static let indexMismatch = Code(rawValue: "index-mismatch")
        /// A write or sync failed earlier; this writer accepts nothing more (reopen the store).
        public static let writerFailed = Code(rawValue: "writer-failed")
        /// A system call failed.
        public static let io = Code(rawValue: "io")
        /// The log is closed.
        public static let closed = Code(rawValue: "closed")
        /// The files were written by a format version this build cannot read.
        public static let unsupportedFormat = Code(rawValue: "unsupported-format")
        /// A position beyond the end of the log was asked for.
        public static let positionOutOfRange = Code(rawValue: "position-out-of-range")
        /// The log was opened read-only and cannot append.
        public static let readOnly = Code(rawValue: "read-only")
    }

    /// What kind of failure.
    public var code: Code
    /// What went wrong and what to do, for a person.
    public var message: String
    /// The file concerned, relative to the store, if any.
    public var file: String?
    /// The byte offset in `file`, if known.
    public var offset: UInt64?
    /// The log position concerned, if known.
    public var position: UInt64?
    /// The operating system's error number, for I/O failures.
    public var errno: Int32?

    /// Creates an error.
    public init(
        _ code: Code,
        _ message: String,
        file: String? = nil,
        offset: UInt64? = nil,
        position: UInt64? = nil,
        errno: Int32? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.offset = offset
        self.position = position
        self.errno = errno
    }

    public var description: String {
        var text = "\(code): \(message)"
        var place: [String] = []
        if let file { place.append("file \(file)") }
        if let offset { place.append("offset \(offset)") }
        if let position { place.append("position \(position)") }
        if let errno { place.append("errno \(errno)") }
        if !place.isEmpty { text += " (" + place.joined(separator: ", ") + ")" }
        return text
    }
}
