/// What a full verification of a store found.
public struct VerificationReport: Sendable, Hashable {
    /// One thing that is wrong, and where.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// A stable kind: `segment-header`, `segment-link`, `frame`, `block`, `position`,
        /// `version`, `seal`, `chain`, `digest`, `index`, `missing-segment`.
        public var kind: String
        /// What is wrong, for a person.
        public var message: String
        /// The file, relative to the store.
        public var file: String?
        /// The byte offset in the file.
        public var offset: UInt64?
        /// The log position concerned.
        public var position: UInt64?

        public var description: String {
            var place: [String] = []
            if let file { place.append(file) }
            if let offset { place.append("offset \(offset)") }
            if let position { place.append("position \(position)") }
            return "[\(kind)] \(message)" + (place.isEmpty ? "" : " (" + place.joined(separator: ", ") + ")")
        }
    }

    /// Everything wrong; empty when the store is intact.
    public var problems: [Problem] = []
    /// Observations that are not damage (a torn tail a crash left, which the next open cuts).
    public var notes: [String] = []
    /// Segments walked.
    public var segments = 0
    /// Blocks checked.
    public var blocks = 0
    /// Events checked (every checksum, decompression, position, version and chain link).
    public var events: UInt64 = 0
    /// Distinct streams seen.
    public var streams = 0
    /// Digests the caller supplied that the log was found to extend.
    public var confirmedDigests: [LogDigest] = []
    /// The digest at the end of the verified log.
    public var head = LogDigest(position: 0, head: .genesis)

    /// `true` when no problem was found.
    public var isClean: Bool { problems.isEmpty }
}
