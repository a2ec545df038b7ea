/// Reads a segment's frames in order through a large window, so a sequential pass costs one
/// `pread` per megabyte rather than two per frame.
struct SegmentScanner {
    /// What was found at an offset.
    enum Outcome {
        /// A frame whose header and body checksums hold.
        case frame(FrameHeader, body: [UInt8])
        /// The clean end of the readable bytes.
        case end
        /// Bytes that are not a whole, valid frame; `truncated` when the file simply ends too soon.
        case bad(reason: String, truncated: Bool)
    }

    let segment: SegmentCatalog.Segment
    /// How many bytes of the file may be read (a snapshot of its size, or a recovered end).
    var limit: UInt64
    private var window: [UInt8] = []
    private var windowStart: UInt64 = 0
    static let chunkSize = 1 << 20

    init(segment: SegmentCatalog.Segment, limit: UInt64) {
        self.segment = segment
        self.limit = limit
    }

    private mutating func ensure(_ offset: UInt64, _ count: Int) throws(EventLogError) -> Bool {
        let end = offset + UInt64(count)
        guard end <= limit else { return false }
        if offset >= windowStart && end <= windowStart + UInt64(window.count) { return true }
        let size = Int(min(UInt64(max(Self.chunkSize, count)), limit - offset))
        window = try segment.file.read(count: size, at: offset)
        windowStart = offset
        return window.count >= count
    }

    /// The frame at `offset`, checked, or why there is none.
    mutating func frame(at offset: UInt64) throws(EventLogError) -> Outcome {
        if offset == limit { return .end }
        guard try ensure(offset, FrameHeader.size) else {
            return .bad(reason: "truncated frame header", truncated: true)
        }
        let seed = segment.header.seed
        let start = Int(offset - windowStart)
        let header: FrameHeader
        do throws(DecodeError) {
            header = try window.withBytes { (b) throws(DecodeError) in
                try FrameHeader.decode(
                    UnsafeRawBufferPointer(rebasing: b[start..<(start + FrameHeader.size)]),
                    seed: seed
                )
            }
        } catch {
            return .bad(reason: error.reason, truncated: false)
        }
        guard try ensure(offset, header.frameLength) else {
            return .bad(reason: "truncated frame body", truncated: true)
        }
        let bodyStart = Int(offset - windowStart) + FrameHeader.size
        let body = Array(window[bodyStart..<(bodyStart + Int(header.storedLength))])
        guard body.withUnsafeBytes({ header.bodyMatches($0, seed: seed) }) else {
            return .bad(reason: "frame body checksum mismatch", truncated: false)
        }
        return .frame(header, body: body)
    }

    /// Whether any plausible frame (valid header for this segment, at or after `position`)
    /// starts after `offset`: the test that tells mid-log damage from a torn tail.
    mutating func validFrameExists(
        after offset: UInt64,
        atOrAfterPosition position: UInt64
    ) throws(EventLogError) -> UInt64? {
        let seed = segment.header.seed
        var o = offset + 1
        while o + UInt64(FrameHeader.size) <= limit {
            let span = Int(min(UInt64(Self.chunkSize), limit - o))
            guard try ensure(o, span) else { return nil }
            let base = Int(o - windowStart)
            let found: UInt64? = window.withUnsafeBytes { b in
                var i = base
                while i + FrameHeader.size <= base + span {
                    if b[i] == 0xC7, b[i + 1] == 0xD0,
                        let h = try? FrameHeader.decode(
                            UnsafeRawBufferPointer(rebasing: b[i..<(i + FrameHeader.size)]),
                            seed: seed
                        ),
                        h.firstPosition >= position
                    {
                        return windowStart + UInt64(i)
                    }
                    i += 1
                }
                return nil
            }
            if let found { return found }
            o += UInt64(max(1, span - FrameHeader.size + 1))
        }
        return nil
    }
}
