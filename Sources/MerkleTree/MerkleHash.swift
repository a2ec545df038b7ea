import Crypto

/// A SHA-256 hash in an RFC 9162 Merkle tree: a leaf's, an inner node's, or a tree's root.
public struct MerkleHash: Sendable, Hashable, CustomStringConvertible {
    // The 32 bytes as four words, in memory order: a hash is a value, never an allocation
    // (a tree of a million events makes millions of them; arrays cost a malloc and a release
    // each, a third of the tree's build time when measured with perf).
    private var w0: UInt64
    private var w1: UInt64
    private var w2: UInt64
    private var w3: UInt64

    /// The 32 bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Runs `body` over the 32 bytes, copying nothing.
    public func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        var copy = self
        return try Swift.withUnsafeBytes(of: &copy) { try body($0) }
    }

    /// A hash from its 32 bytes; `nil` for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.init(copying: bytes)
    }

    private init(copying bytes: [UInt8]) {
        (w0, w1, w2, w3) = (0, 0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &self) { target in
            bytes.withUnsafeBytes { target.copyMemory(from: $0) }
        }
    }

    init(digest: SHA256.Digest) {
        (w0, w1, w2, w3) = (0, 0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &self) { target in
            digest.withUnsafeBytes { target.copyMemory(from: $0) }
        }
    }

    /// The root of the empty tree: SHA-256 of nothing (RFC 9162 §2.1.1).
    public static let empty = MerkleHash(digest: SHA256.hash(data: [UInt8]()))

    /// A leaf's hash: SHA-256(0x00 ‖ data) (RFC 9162 §2.1.1).
    public static func leaf(_ data: some Sequence<UInt8>) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: Array(data))
        return MerkleHash(digest: hasher.finalize())
    }

    /// A leaf's hash over two parts, concatenated: SHA-256(0x00 ‖ first ‖ second), copying
    /// neither (a salt and a record, for the log's leaves).
    public static func leaf(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> MerkleHash {
        var hasher = SHA256()
        Swift.withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: first)
        hasher.update(bufferPointer: second)
        return MerkleHash(digest: hasher.finalize())
    }

    /// SHA-256(first ‖ second) as 32 bytes held by value (a keyed salt, for the log's leaves).
    public static func sha256(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(bufferPointer: first)
        hasher.update(bufferPointer: second)
        return MerkleHash(digest: hasher.finalize())
    }

    /// An inner node's hash: SHA-256(0x01 ‖ left ‖ right) (RFC 9162 §2.1.1).
    public static func node(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        var hasher = SHA256()
        Swift.withUnsafeBytes(of: UInt8(0x01)) { hasher.update(bufferPointer: $0) }
        left.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        right.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return MerkleHash(digest: hasher.finalize())
    }

    /// Lower-case hex.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in self.bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// From 64 hex digits.
    public init?(hex: String) {
        let chars = Array(hex.utf8)
        guard chars.count == 64 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: return nil
            }
        }
        var i = 0
        while i < 64 {
            guard let high = value(chars[i]), let low = value(chars[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        self.init(copying: out)
    }

    /// Standard base64 (what signed notes and bundles carry).
    public var base64: String { Base64.encode(bytes) }

    /// From standard base64; `nil` unless it decodes to 32 bytes.
    public init?(base64: String) {
        guard let bytes = Base64.decode(base64), bytes.count == 32 else { return nil }
        self.init(copying: bytes)
    }

    public var description: String { hex }
}
