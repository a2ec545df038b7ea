#if canImport(Glibc)
import Glibc
#endif

/// Reads lines from a file descriptor in constant memory (1 MiB reads), for `submit` and
/// `import` of inputs of any size. Lines end with `\n`; a `\r` before it is dropped; the last
/// line may lack its newline.
public struct LineReader: IteratorProtocol, Sequence {
    private let fd: Int32
    private let ownsDescriptor: Bool
    /// Read bytes are `buffer[start..<end]`; the rest is room for the next read (kept, not
    /// zeroed again for every read: from a pipe, reads bring 64 KiB at most, and zeroing a
    /// fresh MiB for each was most of a piped submit's time in a debug build).
    private var buffer: [UInt8] = []
    private var start = 0
    private var end = 0
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
    public var hasBufferedLine: Bool { atEnd ? start < end : newline(from: start) != nil }

    /// Whether the next line is here or can be read without waiting: reads what the input has
    /// ready (a `poll` with no timeout first, so it never blocks) until a whole line is
    /// buffered or the input has nothing ready. From a pipe, a read returns at most what the
    /// pipe holds (64 KiB): asking only ``hasBufferedLine`` handed on batches of a few commands,
    /// each waiting for its own sync (`docket-workload … | docket submit` ran about 12× slower
    /// than from a file).
    public mutating func nextLineIsReady() -> Bool {
        while true {
            if hasBufferedLine { return true }
            if atEnd { return false }
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 0) > 0 else { return false }
            fill()
        }
    }

    /// The index of the next newline at or after `from`, found with `memchr`.
    private func newline(from: Int) -> Int? {
        guard from < end else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            guard let found = memchr(raw.baseAddress! + from, 0x0A, end - from) else { return nil }
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
                guard start < end else { return nil }
                let (from, to) = (start, end)
                start = end
                lineNumber += 1
                return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[from..<to])) }
            }
            fill()
        }
    }

    public mutating func next() -> [UInt8]? { withNextLine { Array($0) } }

    /// Reads more input into the buffer (moving unread bytes to its front first, growing it
    /// only when a line is longer than the room left).
    private mutating func fill() {
        let chunk = 1 << 20
        if start > 0 {
            let (from, count) = (start, end - start)
            buffer.withUnsafeMutableBytes { raw in
                if count > 0 { memmove(raw.baseAddress!, raw.baseAddress! + from, count) }
            }
            start = 0
            end = count
        }
        if buffer.count - end < chunk {
            buffer.append(contentsOf: repeatElement(0, count: chunk - (buffer.count - end)))
        }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + end, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                error = DocketStoreError(.io, "cannot read the input: \(String(cString: strerror(errno)))")
                atEnd = true
                return
            }
            end += n
            if n == 0 { atEnd = true }
            return
        }
    }
}
