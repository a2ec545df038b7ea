#if canImport(Glibc)
import Glibc
#endif

/// Reads lines from a file descriptor in constant memory (1 MiB reads), for `submit` and
/// `import` of inputs of any size. Lines end with `\n`; a `\r` before it is dropped; the last
/// line may lack its newline.
public struct LineReader: IteratorProtocol, Sequence {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// The 1-based number of the line last returned.
    public private(set) var lineNumber = 0
    /// Set if reading failed.
    public private(set) var error: DocketStoreError?

    /// Reads standard input.
    public static func standardInput() -> LineReader { LineReader(fd: 0, ownsDescriptor: false) }

    /// Opens `path`.
    public static func file(_ path: String) throws(DocketStoreError) -> LineReader {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Posix.error("cannot open", path: path) }
        return LineReader(fd: fd, ownsDescriptor: true)
    }

    private init(fd: Int32, ownsDescriptor: Bool) {
        self.fd = fd
        self.ownsDescriptor = ownsDescriptor
    }

    /// Closes the file (not standard input).
    public func close() {
        if ownsDescriptor { _ = Glibc.close(fd) }
    }

    /// Whether a whole line is buffered (so ``next()`` returns without reading). Callers that
    /// batch lines submit what they have before a read could block.
    public var hasBufferedLine: Bool { atEnd ? start < buffer.count : newline(from: start) != nil }

    /// The index of the next newline at or after `from`, found with `memchr`.
    private func newline(from: Int) -> Int? {
        guard from < buffer.count else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            guard let found = memchr(raw.baseAddress! + from, 0x0A, raw.count - from) else { return nil }
            return raw.baseAddress!.distance(to: UnsafeRawPointer(found))
        }
    }

    /// Calls `body` with the next line in place in the reader's buffer (valid only during the
    /// call), or returns `nil` at the end. Saves copying long lines (a 70 KB photo).
    public mutating func withNextLine<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
        while true {
            if let newline = newline(from: start) {
                var end = newline
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let from = start
                start = newline + 1
                lineNumber += 1
                return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[from..<end])) }
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let from = start
                start = buffer.count
                lineNumber += 1
                return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[from...])) }
            }
            fill()
        }
    }

    public mutating func next() -> [UInt8]? { withNextLine { Array($0) } }

    /// Reads more input into the buffer (dropping consumed bytes first).
    private mutating func fill() {
        while true {
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            let chunk = 1 << 20
            let old = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: chunk))
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, chunk) }
            if n < 0 {
                buffer.removeLast(chunk)
                if errno == EINTR { continue }
                error = DocketStoreError(.io, "cannot read the input: \(String(cString: strerror(errno)))")
                atEnd = true
                return
            }
            buffer.removeLast(chunk - n)
            if n == 0 { atEnd = true }
            return
        }
    }
}
