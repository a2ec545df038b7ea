/// The fixed 128-byte header at the start of every segment file.
///
/// ```
/// 0   8  magic "DOCKETSG"
/// 8   2  format version (1)          10  2  oldest reader version that can read it (1)
/// 12  4  header length (128)         16  8  segment number (from 1, no gaps)
/// 24  8  base position (the first position the segment holds)
/// 32 16  salt (random; seeds every frame checksum in the segment)
/// 48 32  chain head before the base position (links segments)
/// 80 40  reserved, zero
/// 120 8  XXH3-64 of bytes 0..<120
/// ```
struct SegmentHeader: Equatable {
    static let size = 128
    static let magic: [UInt8] = Array("DOCKETSG".utf8)
    static let formatVersion: UInt16 = 1

    var segmentNumber: UInt64
    var basePosition: UInt64
    var salt: [UInt8]
    var previousHead: ChainHash

    /// The checksum seed of every frame in this segment: the first 8 bytes of the salt.
    var seed: UInt64 {
        salt.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self) }
    }

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: Self.size)
        w.writeBytes(Self.magic)
        w.writeUInt16(Self.formatVersion)
        w.writeUInt16(Self.formatVersion)
        w.writeUInt32(UInt32(Self.size))
        w.writeUInt64(segmentNumber)
        w.writeUInt64(basePosition)
        w.writeBytes(salt)
        w.writeBytes(previousHead.bytes)
        w.writeBytes([UInt8](repeating: 0, count: 40))
        let sum = w.bytes.withUnsafeBytes { Checksum.xxh3($0) }
        w.writeUInt64(sum)
        return w.bytes
    }

    /// Decodes and checks a header.
    /// - Throws: ``DecodeError`` naming the first field at fault.
    static func decode(_ buffer: UnsafeRawBufferPointer) throws(DecodeError) -> SegmentHeader {
        guard buffer.count >= size else { throw DecodeError(reason: "segment header is truncated", offset: 0) }
        guard Array(buffer[0..<8]) == magic else {
            throw DecodeError(reason: "not a Docket segment (bad magic)", offset: 0)
        }
        var r = ByteReader(buffer, offset: 120)
        let stored = try r.readUInt64()
        guard stored == Checksum.xxh3(UnsafeRawBufferPointer(rebasing: buffer[0..<120])) else {
            throw DecodeError(reason: "segment header checksum mismatch", offset: 120)
        }
        r.offset = 8
        let version = UInt16(buffer[8]) | UInt16(buffer[9]) << 8
        let minReader = UInt16(buffer[10]) | UInt16(buffer[11]) << 8
        guard minReader <= formatVersion else {
            throw DecodeError(reason: "segment needs reader version \(minReader) (file version \(version))", offset: 10)
        }
        r.offset = 12
        guard try r.readUInt32() == UInt32(size) else {
            throw DecodeError(reason: "unexpected header length", offset: 12)
        }
        let number = try r.readUInt64()
        let base = try r.readUInt64()
        let salt = Array(buffer[32..<48])
        let previous = try ChainHash(UnsafeRawBufferPointer(rebasing: buffer[48..<80]))
        guard buffer[80..<120].allSatisfy({ $0 == 0 }) else {
            throw DecodeError(reason: "reserved header bytes are not zero", offset: 80)
        }
        return SegmentHeader(segmentNumber: number, basePosition: base, salt: salt, previousHead: previous)
    }
}
