import CXXHash

/// The fast checksum over stored bytes: XXH3-64 from the system libxxhash.
///
/// It guards against accidents (torn writes, bit rot, misdirected reads), not attackers — the
/// SHA-256 chain does that. Seeding with the segment's salt makes a frame from another segment
/// (or a stale earlier file) fail its check even if its bytes are intact.
enum Checksum {
    static func xxh3(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        XXH3_64bits_withSeed(bytes.baseAddress, bytes.count, seed)
    }

    static func xxh3(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { xxh3($0, seed: seed) }
    }

    /// XXH3-64 of `parts` one after another (as if they were one buffer), hashed in place.
    static func xxh3(_ parts: [[UInt8]]) -> UInt64 {
        guard let state = XXH3_createState() else {
            return xxh3(parts.flatMap { $0 })
        }
        defer { XXH3_freeState(state) }
        XXH3_64bits_reset(state)
        for part in parts { part.withUnsafeBytes { _ = XXH3_64bits_update(state, $0.baseAddress, $0.count) } }
        return XXH3_64bits_digest(state)
    }

    /// The 32-bit frame checksum: the low half of XXH3-64.
    static func frame(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: xxh3(bytes, seed: seed))
    }

    static func hashString(_ string: String) -> UInt64 {
        var s = string
        return s.withUTF8 { xxh3(UnsafeRawBufferPointer($0)) }
    }
}
