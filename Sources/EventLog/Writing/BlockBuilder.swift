import Chronology
import LZ4Codec

/// Packs event records into blocks and blocks into frames, choosing the dictionary.
///
/// Blocks are small (``EventLog/Options/blockSize``, 8 KiB raw by default) so reading one
/// event decompresses little; each compresses against a per-segment dictionary of recent raw
/// data, so small blocks — and one-event commits — still compress well.
/// Dictionary policy: a segment's first dictionary appears once 4 KiB of raw history exists; it
/// is replaced by one twice as large whenever twice its size of history has accumulated, up to
/// LZ4's 64 KiB window; a new segment starts with the last 64 KiB of history.
struct BlockBuilder {
    static let firstDictionarySize = 4096
    /// Blocks up to this raw size are compressed with LZ4HC.
    static let highCompressionLimit = 2048

    let blockSize: Int
    private let compressor = LZ4BlockCompressor()
    private(set) var raw = ByteWriter(capacity: 32 * 1024)
    private(set) var firstPosition: UInt64 = 0
    private(set) var eventCount = 0
    /// The last 64 KiB (or so) of raw block bodies: the source of dictionaries.
    private(set) var history: [UInt8] = []

    init(blockSize: Int) { self.blockSize = blockSize }

    var isEmpty: Bool { eventCount == 0 }
    var isFull: Bool { raw.count >= blockSize }

    /// Adds one event record; returns the range of its hashed bytes in ``raw``.
    mutating func add(
        _ event: ProposedEvent,
        position: UInt64,
        stream: String,
        version: UInt64,
        recordedAt: Timestamp,
        commitStart: Bool,
        key: String?
    ) -> Range<Int> {
        if eventCount == 0 { firstPosition = position }
        eventCount += 1
        return EventRecordCodec.encode(
            event,
            stream: stream,
            version: version,
            recordedAt: recordedAt,
            commitStart: commitStart,
            key: key,
            into: &raw
        )
    }

    /// Whether a new dictionary should be written before the next block.
    func wantsNewDictionary(current: LZ4Dictionary?) -> Bool {
        guard let current else { return history.count >= Self.firstDictionarySize }
        return current.count < LZ4Dictionary.maximumSize && history.count >= 2 * current.count
    }

    /// A dictionary of the recent history.
    func makeDictionary() -> LZ4Dictionary { LZ4Dictionary(Array(history.suffix(LZ4Dictionary.maximumSize))) }

    /// Appends the frame of a dictionary to `out`.
    func dictionaryFrame(_ dictionary: LZ4Dictionary, nextPosition: UInt64, seed: UInt64, into out: inout [UInt8]) {
        let (codec, body) = Self.compress(dictionary.bytes, dictionary: nil, with: compressor)
        Self.appendFrame(
            kind: .dictionary,
            codec: codec,
            body: body,
            rawLength: dictionary.count,
            firstPosition: nextPosition,
            eventCount: 0,
            endsCommit: false,
            dictionaryOffset: 0,
            seed: seed,
            into: &out
        )
    }

    /// Compresses the pending block into a frame appended to `out`, then starts a new block.
    /// - Returns: the frame's length.
    mutating func finishBlock(
        endsCommit: Bool,
        dictionary: (offset: UInt64, value: LZ4Dictionary)?,
        seed: UInt64,
        into out: inout [UInt8]
    ) -> Int {
        let before = out.count
        let first = firstPosition
        let count = UInt32(eventCount)
        let rawBody = takeBlock()
        let (codec, body) = Self.compress(rawBody, dictionary: dictionary?.value, with: compressor)
        Self.appendFrame(
            kind: .events,
            codec: codec,
            body: body,
            rawLength: rawBody.count,
            firstPosition: first,
            eventCount: count,
            endsCommit: endsCommit,
            dictionaryOffset: UInt32(dictionary?.offset ?? 0),
            seed: seed,
            into: &out
        )
        return out.count - before
    }

    /// Takes the pending block's raw records (for compression elsewhere) and starts a new block.
    mutating func takeBlock() -> [UInt8] {
        let body = raw.bytes
        history.append(contentsOf: body)
        if history.count > 2 * LZ4Dictionary.maximumSize {
            history.removeFirst(history.count - LZ4Dictionary.maximumSize)
        }
        raw.bytes.removeAll(keepingCapacity: true)
        eventCount = 0
        return body
    }

    /// Compresses a block body: LZ4HC for small blocks, LZ4 otherwise, stored if it does not shrink.
    static func compress(
        _ rawBody: [UInt8],
        dictionary: LZ4Dictionary?,
        with compressor: LZ4BlockCompressor
    ) -> (codec: FrameHeader.Codec, body: [UInt8]) {
        var out = [UInt8](repeating: 0, count: LZ4Block.compressBound(rawBody.count))
        let high = rawBody.count <= highCompressionLimit
        let written = rawBody.withUnsafeBytes { source in
            out.withUnsafeMutableBytes {
                compressor.compress(source, into: $0, dictionary: dictionary, highCompression: high)
            }
        }
        guard let written, written < rawBody.count else { return (.stored, rawBody) }
        out.removeLast(out.count - written)
        return (dictionary == nil ? .lz4 : .lz4Dictionary, out)
    }

    /// Appends a frame with an already compressed body to `out`.
    static func appendFrame(
        kind: FrameHeader.Kind,
        codec: FrameHeader.Codec,
        body: [UInt8],
        rawLength: Int,
        firstPosition: UInt64,
        eventCount: UInt32,
        endsCommit: Bool,
        dictionaryOffset: UInt32,
        seed: UInt64,
        into out: inout [UInt8]
    ) {
        let header = body.withUnsafeBytes { b in
            FrameHeader(
                kind: kind,
                codec: codec,
                endsCommit: endsCommit,
                storedLength: UInt32(body.count),
                rawLength: UInt32(rawLength),
                eventCount: eventCount,
                firstPosition: firstPosition,
                dictionaryOffset: dictionaryOffset,
                bodyChecksum: Checksum.frame(b, seed: seed)
            )
        }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: FrameHeader.size))
        out.withUnsafeMutableBytes {
            header.store(
                into: UnsafeMutableRawBufferPointer(rebasing: $0[start..<(start + FrameHeader.size)]),
                seed: seed
            )
        }
        out.append(contentsOf: body)
    }
}
