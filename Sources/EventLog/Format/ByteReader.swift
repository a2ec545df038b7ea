/// A failed decode of stored bytes: what was wrong and at which byte of the buffer.
struct DecodeError: Error {
    var reason: String
    var offset: Int
}

/// Reads little-endian integers, varints and length-prefixed fields from borrowed memory.
///
/// Every read is bounds-checked and throws ``DecodeError``: bytes read from disk never trap
/// (NIO's `read*` moves the cursor; here a short read is an error with its place).
struct ByteReader {
    let buffer: UnsafeRawBufferPointer
    var offset: Int

    init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    var remaining: Int { buffer.count - offset }
    var isAtEnd: Bool { offset >= buffer.count }

    private func need(_ count: Int, _ what: StaticString) throws(DecodeError) {
        guard count >= 0, count <= buffer.count - offset else {
            throw DecodeError(reason: "truncated \(what)", offset: offset)
        }
    }

    mutating func readUInt8() throws(DecodeError) -> UInt8 {
        try need(1, "byte")
        defer { offset += 1 }
        return buffer[offset]
    }

    mutating func readUInt32() throws(DecodeError) -> UInt32 {
        try need(4, "u32")
        defer { offset += 4 }
        return UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    mutating func readUInt64() throws(DecodeError) -> UInt64 {
        try need(8, "u64")
        defer { offset += 8 }
        return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    mutating func readVarint() throws(DecodeError) -> UInt64 {
        // Fast path: most lengths and small numbers fit in one byte.
        if offset < buffer.count, buffer[offset] < 0x80 {
            defer { offset += 1 }
            return UInt64(buffer[offset])
        }
        // Record lengths usually take two bytes.
        if offset + 1 < buffer.count, buffer[offset + 1] < 0x80, buffer[offset + 1] != 0 {
            defer { offset += 2 }
            return UInt64(buffer[offset] & 0x7F) | UInt64(buffer[offset + 1]) << 7
        }
        return try readLongVarint()
    }

    private mutating func readLongVarint() throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < buffer.count else { throw DecodeError(reason: "truncated varint", offset: offset) }
            let byte = buffer[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw DecodeError(reason: "varint overflows 64 bits", offset: offset - 1) }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                if byte == 0 && shift > 0 { throw DecodeError(reason: "non-minimal varint", offset: offset - 1) }
                return result
            }
            shift += 7
        }
    }

    mutating func readZigZag() throws(DecodeError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// Reads a varint length and returns the range of the bytes that follow, skipping them.
    mutating func readLengthPrefixedRange(limit: Int = Int.max) throws(DecodeError) -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(limit), length <= UInt64(remaining) else {
            throw DecodeError(reason: "length \(length) runs past the end", offset: offset)
        }
        let start = offset
        offset += Int(length)
        return start..<offset
    }

    /// The UTF-8 text at `range`. The bytes were checksummed and written from Swift strings, so
    /// they are valid UTF-8; decoding (not validating) keeps this path free of generic runtime
    /// lookups, which cost more than the rest of event decoding together.
    static func string(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(
            decoding: UnsafeRawBufferPointer(rebasing: buffer[range]).assumingMemoryBound(to: UInt8.self),
            as: UTF8.self
        )
    }

    /// A copy of the bytes at `range`.
    static func bytes(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: range.count) { out, count in
            if range.count > 0 {
                UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[range]))
            }
            count = range.count
        }
    }
}
