/// What opening the log found and did. A torn tail is reported here, never hidden.
public struct RecoveryReport: Sendable, Hashable {
    /// Bytes cut from the end of the last segment (an unacknowledged, torn write).
    public var truncatedBytes: UInt64 = 0
    /// The segment that was cut, relative to the store.
    public var truncatedFile: String?
    /// Where the cut was made.
    public var truncatedAtOffset: UInt64?
    /// Events that were whole but belonged to a commit whose end was torn, so were cut too.
    public var discardedEvents = 0
    /// `true` when the stream index was rebuilt by scanning the log.
    public var indexRebuilt = false
    /// Why the index was rebuilt, if it was.
    public var indexNote: String?
    /// Events read from the log on open (beyond what the index covered).
    public var scannedEvents = 0

    /// `true` when open changed nothing and found nothing to report.
    public var isClean: Bool { truncatedBytes == 0 && discardedEvents == 0 && !indexRebuilt }
}
