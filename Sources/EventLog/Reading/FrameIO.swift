import LZ4Codec

/// One frame read from a segment: its checked header and stored body.
struct StoredFrame {
    var header: FrameHeader
    var body: [UInt8]
}

/// Reading single frames and turning their bodies back into raw bytes, with every check.
enum FrameIO {
    /// Reads and checks the frame at `offset` (header checksum, caps, body checksum), through the
    /// segment's memory map when `catalog` is given and the frame lies inside it.
    static func readFrame(
        _ segment: SegmentCatalog.Segment,
        at offset: UInt64,
        catalog: SegmentCatalog? = nil
    ) throws(EventLogError) -> StoredFrame {
        let seed = segment.header.seed
        if let catalog,
            let map = catalog.map(segment: segment.header.segmentNumber, covering: offset + UInt64(FrameHeader.size))
        {
            let start = Int(offset)
            let header: FrameHeader
            do throws(DecodeError) {
                header = try FrameHeader.decode(
                    UnsafeRawBufferPointer(rebasing: map.bytes[start..<(start + FrameHeader.size)]),
                    seed: seed
                )
            } catch {
                throw EventLogError(.corruption, "frame header: \(error.reason)", file: segment.name, offset: offset)
            }
            let end = start + header.frameLength
            if let mapped = end <= map.bytes.count
                ? map : catalog.map(segment: segment.header.segmentNumber, covering: UInt64(end))
            {
                let body = UnsafeRawBufferPointer(rebasing: mapped.bytes[(start + FrameHeader.size)..<end])
                guard header.bodyMatches(body, seed: seed) else {
                    throw EventLogError(
                        .corruption,
                        "frame body checksum mismatch",
                        file: segment.name,
                        offset: offset,
                        position: header.kind == .events ? header.firstPosition : nil
                    )
                }
                return StoredFrame(
                    header: header,
                    body: ByteReader.bytes(mapped.bytes, (start + FrameHeader.size)..<end)
                )
            }
            throw EventLogError(.corruption, "frame runs past the end of the file", file: segment.name, offset: offset)
        }
        // Blocks of 16 KiB raw store about 4 KiB: most frames arrive in one read.
        let guess = FrameHeader.size + 6 * 1024
        var bytes = try segment.file.read(count: max(guess, FrameHeader.size), at: offset)
        let header: FrameHeader
        do throws(DecodeError) {
            header = try bytes.withBytes { (b) throws(DecodeError) in try FrameHeader.decode(b, seed: seed) }
        } catch {
            throw EventLogError(.corruption, "frame header: \(error.reason)", file: segment.name, offset: offset)
        }
        if bytes.count < header.frameLength {
            bytes += try segment.file.read(count: header.frameLength - bytes.count, at: offset + UInt64(bytes.count))
        }
        guard bytes.count >= header.frameLength else {
            throw EventLogError(.corruption, "frame runs past the end of the file", file: segment.name, offset: offset)
        }
        let body = Array(bytes[FrameHeader.size..<header.frameLength])
        guard body.withUnsafeBytes({ header.bodyMatches($0, seed: seed) }) else {
            throw EventLogError(
                .corruption,
                "frame body checksum mismatch",
                file: segment.name,
                offset: offset,
                position: header.kind == .events ? header.firstPosition : nil
            )
        }
        return StoredFrame(header: header, body: body)
    }

    /// The frame's uncompressed body.
    static func rawBody(
        _ frame: StoredFrame,
        segment: SegmentCatalog.Segment,
        offset: UInt64,
        catalog: SegmentCatalog
    ) throws(EventLogError) -> [UInt8] {
        let header = frame.header
        switch header.codec {
        case .stored:
            return frame.body
        case .lz4, .lz4Dictionary:
            var dictionary: LZ4Dictionary?
            if header.codec == .lz4Dictionary {
                guard UInt64(header.dictionaryOffset) < offset, header.dictionaryOffset >= UInt32(SegmentHeader.size)
                else {
                    throw EventLogError(
                        .corruption,
                        "dictionary offset \(header.dictionaryOffset) is not before the block",
                        file: segment.name,
                        offset: offset
                    )
                }
                dictionary = try catalog.dictionary(
                    segment: segment.header.segmentNumber,
                    offset: UInt64(header.dictionaryOffset)
                )
            }
            do {
                return try frame.body.withUnsafeBytes { (b) throws(LZ4Error) in
                    try LZ4Block.decompress(b, rawSize: Int(header.rawLength), dictionary: dictionary)
                }
            } catch {
                throw EventLogError(
                    .corruption,
                    "block does not decompress: \(error)",
                    file: segment.name,
                    offset: offset,
                    position: header.kind == .events ? header.firstPosition : nil
                )
            }
        }
    }

    /// The frame's event records: decompressed, then located (all of them, checked to fill the
    /// body exactly, unless `lazily`). Damage becomes a `corruption` error with its place.
    static func records(
        _ frame: StoredFrame,
        segment: SegmentCatalog.Segment,
        offset: UInt64,
        catalog: SegmentCatalog,
        lazily: Bool = false
    ) throws(EventLogError) -> BlockRecords {
        let raw = try rawBody(frame, segment: segment, offset: offset, catalog: catalog)
        do throws(DecodeError) {
            return try BlockRecords(
                raw: raw,
                firstPosition: frame.header.firstPosition,
                count: Int(frame.header.eventCount),
                lazily: lazily
            )
        } catch {
            throw EventLogError(
                .corruption,
                "block records: \(error.reason)",
                file: segment.name,
                offset: offset,
                position: frame.header.firstPosition
            )
        }
    }
}
