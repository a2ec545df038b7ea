#if canImport(Glibc)
import Glibc
#endif

/// A read-only memory map of the first `length` bytes of a file.
///
/// Random block reads go through the map: no syscall and no copy into a buffer per read, which on
/// this kind of machine is most of the cost of reading one block. Only bytes below `length`
/// (taken from the file's size when mapped) are ever touched, so the map never faults beyond the
/// end of the file.
final class MappedFile: @unchecked Sendable {
    // Immutable after init; the mapping is read-only.
    let bytes: UnsafeRawBufferPointer

    init?(file: FileHandle, length: Int) {
        guard length > 0 else { return nil }
        let address = mmap(nil, length, PROT_READ, MAP_SHARED, file.descriptor, 0)
        guard let address, address != MAP_FAILED else { return nil }
        bytes = UnsafeRawBufferPointer(start: address, count: length)
    }

    /// Drops the pages read so far from this process (they stay in the kernel's page cache; a
    /// later access maps them again): resident memory then holds only what is touched later.
    func dropResidentPages() {
        _ = madvise(UnsafeMutableRawPointer(mutating: bytes.baseAddress!), bytes.count, MADV_DONTNEED)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress!), bytes.count) }
}
