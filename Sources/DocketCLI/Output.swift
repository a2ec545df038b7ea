#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes of whole chunks to standard output (result lines are written as soon as
/// they are durable, never held in a buffer).
enum Output {
    static func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
    }

    static func write(_ text: String) { write(Array(text.utf8)) }
}
