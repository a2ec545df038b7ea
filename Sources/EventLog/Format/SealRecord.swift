import Crypto

/// The body of a seal frame, the last frame of a finished segment.
///
/// ```
/// 0  8  last position in the segment (base − 1 if it holds no events)
/// 8  8  number of events          16  8  number of event blocks
/// 24 32 chain head after the last position
/// 56 32 SHA-256 of every byte of the file before the seal frame
/// ```
/// A sealed segment never changes; the seal lets open trust it without a scan and lets verify
/// check the whole file with one hash.
struct SealRecord: Equatable {
    static let size = 88

    var lastPosition: UInt64
    var eventCount: UInt64
    var blockCount: UInt64
    var head: ChainHash
    var fileHash: [UInt8]

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: Self.size)
        w.writeUInt64(lastPosition)
        w.writeUInt64(eventCount)
        w.writeUInt64(blockCount)
        w.writeBytes(head.bytes)
        w.writeBytes(fileHash)
        return w.bytes
    }

    static func decode(_ b: UnsafeRawBufferPointer) throws(DecodeError) -> SealRecord {
        guard b.count == size else { throw DecodeError(reason: "seal body has the wrong size", offset: 0) }
        var r = ByteReader(b)
        let last = try r.readUInt64()
        let events = try r.readUInt64()
        let blocks = try r.readUInt64()
        let head = try ChainHash(UnsafeRawBufferPointer(rebasing: b[24..<56]))
        return SealRecord(
            lastPosition: last,
            eventCount: events,
            blockCount: blocks,
            head: head,
            fileHash: Array(b[56..<88])
        )
    }
}
