/// The log's digest at a position: the chain head there, as a short string an auditor can keep.
///
/// Text form: `docket-log-v1:<position>:<64 hex digits>`. A later verification that walks every
/// link from the genesis through `position` and reaches the same head proves the log still
/// extends what the auditor saw.
public struct LogDigest: Sendable, Hashable, CustomStringConvertible, LosslessStringConvertible {
    /// The last position the digest covers (0 for the empty log).
    public var position: UInt64
    /// The chain head after `position`.
    public var head: ChainHash

    /// Creates a digest.
    public init(position: UInt64, head: ChainHash) {
        self.position = position
        self.head = head
    }

    /// Parses the text form.
    public init?(_ description: String) {
        let parts = description.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "docket-log-v1", let position = UInt64(parts[1]),
            let head = ChainHash(hex: String(parts[2]))
        else { return nil }
        self.init(position: position, head: head)
    }

    public var description: String { "docket-log-v1:\(position):\(head.hex)" }
}
