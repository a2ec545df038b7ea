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
