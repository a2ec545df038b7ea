/// The 36-byte header in front of every frame (a block of events, a dictionary, or a seal).
///
/// ```
/// 0  2  magic 0xD0C7 (little-endian; zero-filled space never parses)
/// 2  1  kind: 1 events, 2 dictionary, 3 seal
/// 3  1  low 4 bits codec (0 stored, 1 LZ4, 2 LZ4 with the segment dictionary);
///       bit 4 set: the block's last event ends a commit
/// 4  4  stored body length           8  4  raw (uncompressed) body length
/// 12 4  event count                  16 8  first position (events), next position (others)
/// 24 4  offset of the segment's current dictionary frame (used when codec is 2), else 0
/// 28 4  body checksum   (low 32 bits of XXH3-64 of the stored body, seeded by the segment salt)
/// 32 4  header checksum (the same over bytes 0..<32)
/// ```
/// Header and body are checked separately, so a torn body under an intact header is recognised,
/// and both are checked before any decompression.
struct FrameHeader: Equatable {
    static let size = 36
    static let magic: UInt16 = 0xD0C7
    /// Hard caps, checked before allocating anything a header asks for.
    static let maximumRawLength = 64 * 1024 * 1024
    static let maximumEventCount = 1 << 24

    enum Kind: UInt8 {
        case events = 1
        case dictionary = 2
        case seal = 3
    }

    enum Codec: UInt8 {
        case stored = 0
        case lz4 = 1
        case lz4Dictionary = 2
    }

    var kind: Kind
    var codec: Codec
    var endsCommit: Bool
    var storedLength: UInt32
    var rawLength: UInt32
    var eventCount: UInt32
    var firstPosition: UInt64
    var dictionaryOffset: UInt32
    var bodyChecksum: UInt32

    var frameLength: Int { Self.size + Int(storedLength) }

    /// Writes the header (with its checksum) into the first 36 bytes of `destination`.
    func store(into destination: UnsafeMutableRawBufferPointer, seed: UInt64) {
        destination.storeBytes(of: Self.magic.littleEndian, toByteOffset: 0, as: UInt16.self)
        destination[2] = kind.rawValue
        destination[3] = codec.rawValue | (endsCommit ? 0x10 : 0)
        destination.storeBytes(of: storedLength.littleEndian, toByteOffset: 4, as: UInt32.self)
        destination.storeBytes(of: rawLength.littleEndian, toByteOffset: 8, as: UInt32.self)
        destination.storeBytes(of: eventCount.littleEndian, toByteOffset: 12, as: UInt32.self)
        destination.storeBytes(of: firstPosition.littleEndian, toByteOffset: 16, as: UInt64.self)
        destination.storeBytes(of: dictionaryOffset.littleEndian, toByteOffset: 24, as: UInt32.self)
        destination.storeBytes(of: bodyChecksum.littleEndian, toByteOffset: 28, as: UInt32.self)
        let sum = Checksum.frame(UnsafeRawBufferPointer(rebasing: destination[0..<32]), seed: seed)
        destination.storeBytes(of: sum.littleEndian, toByteOffset: 32, as: UInt32.self)
    }

    /// Decodes a header and checks its checksum, magic, kind, codec and size caps.
    static func decode(_ b: UnsafeRawBufferPointer, seed: UInt64) throws(DecodeError) -> FrameHeader {
        guard b.count >= size else { throw DecodeError(reason: "frame header is truncated", offset: 0) }
        guard UInt16(littleEndian: b.loadUnaligned(fromByteOffset: 0, as: UInt16.self)) == magic else {
            throw DecodeError(reason: "no frame magic", offset: 0)
        }
        let stored = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 32, as: UInt32.self))
        guard stored == Checksum.frame(UnsafeRawBufferPointer(rebasing: b[0..<32]), seed: seed) else {
            throw DecodeError(reason: "frame header checksum mismatch", offset: 32)
        }
        guard let kind = Kind(rawValue: b[2]) else {
            throw DecodeError(reason: "unknown frame kind \(b[2])", offset: 2)
        }
        guard let codec = Codec(rawValue: b[3] & 0x0F), b[3] & 0xE0 == 0 else {
            throw DecodeError(reason: "unknown codec or flags \(b[3])", offset: 3)
        }
        let header = FrameHeader(
            kind: kind,
            codec: codec,
            endsCommit: b[3] & 0x10 != 0,
            storedLength: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
            rawLength: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 8, as: UInt32.self)),
            eventCount: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 12, as: UInt32.self)),
            firstPosition: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            dictionaryOffset: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 24, as: UInt32.self)),
            bodyChecksum: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 28, as: UInt32.self))
        )
        guard Int(header.rawLength) <= maximumRawLength, Int(header.storedLength) <= maximumRawLength + 1024,
            Int(header.eventCount) <= maximumEventCount
        else { throw DecodeError(reason: "frame sizes exceed the format's caps", offset: 4) }
        if codec == .stored, header.storedLength != header.rawLength {
            throw DecodeError(reason: "stored frame with differing lengths", offset: 4)
        }
        if kind != .events, header.eventCount != 0 {
            throw DecodeError(reason: "non-event frame with events", offset: 12)
        }
        return header
    }

    /// Checks a stored body against the header's checksum.
    func bodyMatches(_ body: UnsafeRawBufferPointer, seed: UInt64) -> Bool {
        body.count == Int(storedLength) && Checksum.frame(body, seed: seed) == bodyChecksum
    }
}
