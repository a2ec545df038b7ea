/// A copy of some bytes in memory of its own, 8-byte aligned like the index file's integers,
/// freed when released.
final class AlignedBytes: @unchecked Sendable {
    // Immutable after init.
    private let storage: UnsafeMutableRawBufferPointer
    let bytes: UnsafeRawBufferPointer

    init(copying data: [UInt8]) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 8)
        data.withUnsafeBytes { storage.copyMemory(from: $0) }
        self.storage = storage
        bytes = UnsafeRawBufferPointer(rebasing: storage[0..<data.count])
    }

    deinit { storage.deallocate() }
}
