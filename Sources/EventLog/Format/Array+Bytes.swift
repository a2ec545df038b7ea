extension Array where Element == UInt8 {
    /// `withUnsafeBytes` that keeps a typed error type (the standard one only `rethrows`).
    func withBytes<T, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
        var result: Result<T, E>?
        withUnsafeBytes { b in
            do throws(E) { result = .success(try body(b)) } catch { result = .failure(error) }
        }
        return try result!.get()
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension UnsafeRawBufferPointer {
    /// Byte equality with `memcmp` (the generic `elementsEqual` walks byte by byte).
    func bytesEqual(_ other: UnsafeRawBufferPointer) -> Bool {
        count == other.count && (count == 0 || memcmp(baseAddress!, other.baseAddress!, count) == 0)
    }
}
