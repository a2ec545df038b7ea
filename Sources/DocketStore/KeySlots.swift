import Crypto

/// The keyring's 32-byte keys, kept in fixed chunks of memory that are never moved and are
/// zeroed when a key is destroyed and when the keyring goes away.
///
/// Each key used to be a `SymmetricKey` of its own (two heap objects with their headers):
/// about 470 bytes a case with the entries around them, the largest share of the write side's
/// memory growth per case after the cross-case index (docs/PERFORMANCE.md). A slot is 32
/// bytes. Chunks are never reallocated, so no copy of a key is left behind in freed memory
/// (what `SymmetricKey`'s own storage guarantees); a `SymmetricKey` is made from a slot only
/// when a key is handed out. Not thread-safe: the keyring's lock guards it.
final class KeySlots {
    private static let slotsPerChunk = 2_048
    private var chunks: [UnsafeMutableRawPointer] = []
    private var used = 0

    deinit {
        for chunk in chunks {
            chunk.initializeMemory(as: UInt8.self, repeating: 0, count: Self.slotsPerChunk * 32)
            chunk.deallocate()
        }
    }

    /// Stores a copy of `key` (32 bytes); returns its slot.
    func add(_ key: UnsafeRawBufferPointer) -> Int32 {
        precondition(key.count == 32, "a key is 32 bytes")
        if used == chunks.count * Self.slotsPerChunk {
            let chunk = UnsafeMutableRawPointer.allocate(byteCount: Self.slotsPerChunk * 32, alignment: 16)
            chunk.initializeMemory(as: UInt8.self, repeating: 0, count: Self.slotsPerChunk * 32)
            chunks.append(chunk)
        }
        let slot = used
        used += 1
        address(slot).copyMemory(from: key.baseAddress!, byteCount: 32)
        return Int32(slot)
    }

    /// Stores a copy of `key`; returns its slot.
    func add(_ key: SymmetricKey) -> Int32 { key.withUnsafeBytes { add($0) } }

    /// The key in `slot`.
    func key(_ slot: Int32) -> SymmetricKey {
        SymmetricKey(data: UnsafeRawBufferPointer(start: address(Int(slot)), count: 32))
    }

    /// The key in `slot`, as bytes.
    func bytes(_ slot: Int32) -> [UInt8] { Array(UnsafeRawBufferPointer(start: address(Int(slot)), count: 32)) }

    /// Overwrites the key in `slot` with zeros (the slot is not reused).
    func erase(_ slot: Int32) {
        address(Int(slot)).initializeMemory(as: UInt8.self, repeating: 0, count: 32)
    }

    private func address(_ slot: Int) -> UnsafeMutableRawPointer {
        chunks[slot / Self.slotsPerChunk] + (slot % Self.slotsPerChunk) * 32
    }
}
