import Crypto

/// A SHA-256 link of the log's hash chain: the head after some position.
///
/// `head(p) = SHA-256(0x01 ‖ head(p−1) ‖ u64le(p) ‖ record(p))`, where `record(p)` is the event's
/// canonical uncompressed encoding, and `head(0) = SHA-256("docket-log-v1 genesis")`. Because the
/// chain covers content, not compressed bytes, recompression never breaks it; because every event
/// is a link, the head at any position is a digest of everything up to it.
public struct ChainHash: Sendable, Hashable, CustomStringConvertible {
    // Four words rather than an array: a chain head is computed per event, and this keeps the
    // hot path free of heap allocations.
    private var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// The 32 bytes of the hash.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { store(into: $0) }
        return out
    }

    init(bytes: [UInt8]) {
        precondition(bytes.count == 32)
        (w0, w1, w2, w3) = bytes.withUnsafeBytes { b in
            (
                b.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                b.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                b.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                b.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
            )
        }
    }

    init(_ b: UnsafeRawBufferPointer) throws(DecodeError) {
        guard b.count >= 32 else { throw DecodeError(reason: "truncated hash", offset: 0) }
        w0 = b.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        w1 = b.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        w2 = b.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        w3 = b.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
    }

    /// Writes the 32 bytes at the start of `destination`.
    func store(into destination: UnsafeMutableRawBufferPointer) {
        destination.storeBytes(of: w0, toByteOffset: 0, as: UInt64.self)
        destination.storeBytes(of: w1, toByteOffset: 8, as: UInt64.self)
        destination.storeBytes(of: w2, toByteOffset: 16, as: UInt64.self)
        destination.storeBytes(of: w3, toByteOffset: 24, as: UInt64.self)
    }

    /// The head before the first event.
    public static let genesis = ChainHash(bytes: Array(SHA256.hash(data: Array("docket-log-v1 genesis".utf8))))

    /// The head after appending the event at `position` whose canonical record is `record`.
    func extended(position: UInt64, record: UnsafeRawBufferPointer) -> ChainHash {
        var hasher = SHA256()
        withUnsafeTemporaryAllocation(byteCount: 41, alignment: 8) { prefix in
            prefix[0] = 0x01
            store(into: UnsafeMutableRawBufferPointer(rebasing: prefix[1..<33]))
            prefix.storeBytes(of: position.littleEndian, toByteOffset: 33, as: UInt64.self)
            hasher.update(bufferPointer: UnsafeRawBufferPointer(prefix))
        }
        hasher.update(bufferPointer: record)
        return hasher.finalize().withUnsafeBytes { try! ChainHash($0) }
    }

    /// Lower-case hexadecimal.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses 64 hexadecimal digits.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(32)
        for i in stride(from: 0, to: 64, by: 2) {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        self.init(bytes: out)
    }

    public var description: String { hex }
}
