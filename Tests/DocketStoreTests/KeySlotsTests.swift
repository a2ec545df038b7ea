import Crypto
import Testing

@testable import DocketStore

/// The keyring's key slots: every key reads back as stored across chunk boundaries, and an
/// erased slot holds zeros while its neighbours keep theirs.
@Suite struct KeySlotsTests {
    @Test func keysReadBackAcrossChunksAndAnErasedSlotIsZeros() {
        let slots = KeySlots()
        let keys = (0..<5_000).map { _ in SymmetricKey(size: .bits256) }
        let placed = keys.map { slots.add($0) }
        #expect(placed == (0..<5_000).map { Int32($0) })
        for (key, slot) in zip(keys, placed) {
            #expect(slots.key(slot) == key)
            #expect(slots.bytes(slot) == key.withUnsafeBytes { Array($0) })
        }
        for slot: Int32 in [0, 2_047, 2_048, 4_999] { slots.erase(slot) }
        for slot: Int32 in [0, 2_047, 2_048, 4_999] { #expect(slots.bytes(slot) == [UInt8](repeating: 0, count: 32)) }
        for slot: Int32 in [1, 2_046, 2_049, 4_998] { #expect(slots.key(slot) == keys[Int(slot)]) }
    }
}
