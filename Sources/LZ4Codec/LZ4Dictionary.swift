import CLZ4

#if canImport(Glibc)
import Glibc
#endif

/// An LZ4 dictionary: bytes that compressed blocks may refer back to.
///
/// Small blocks compress poorly on their own because LZ4 finds no earlier matches; a dictionary
/// of typical content (recent raw data) gives every block a shared history. The same bytes must be
/// given to the decompressor. The dictionary is immutable; it keeps a pre-hashed LZ4 stream so a
/// block compresses against it without hashing the dictionary again (copying the loaded stream
/// state is the documented alternative to the static-only `LZ4_attach_dictionary`).
public final class LZ4Dictionary: @unchecked Sendable {
    // Immutable after init; the stream state is only ever copied from, never written, so
    // sharing across threads is safe.
    /// The dictionary bytes. LZ4 uses at most the last 64 KiB.
    public let bytes: [UInt8]
    private let storage: UnsafeMutableRawBufferPointer
    let loadedStream: UnsafeMutablePointer<LZ4_stream_t>
    /// The same dictionary loaded for high compression (made on first use).
    private let highLock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var highStream: UnsafeMutablePointer<LZ4_streamHC_t>?

    /// The largest dictionary LZ4 can use; longer dictionaries are cut to their last 64 KiB.
    public static let maximumSize = 64 * 1024

    /// Creates a dictionary from `bytes` (the last 64 KiB are kept).
    public init(_ bytes: [UInt8]) {
        let kept = bytes.count > Self.maximumSize ? Array(bytes.suffix(Self.maximumSize)) : bytes
        self.bytes = kept
        // LZ4 keeps a pointer to the dictionary: give it memory whose address never changes.
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(kept.count, 1), alignment: 16)
        kept.withUnsafeBytes { source in
            if source.count > 0 { storage.copyMemory(from: source) }
        }
        self.storage = storage
        pthread_mutex_init(highLock, nil)
        loadedStream = LZ4_createStream()!
        _ = LZ4_loadDict(
            loadedStream,
            storage.baseAddress!.assumingMemoryBound(to: CChar.self),
            Int32(kept.count)
        )
    }

    deinit {
        LZ4_freeStream(loadedStream)
        if let highStream { LZ4_freeStreamHC(highStream) }
        pthread_mutex_destroy(highLock)
        highLock.deallocate()
        storage.deallocate()
    }

    /// The dictionary pre-loaded into an LZ4HC stream at `level`, loaded once.
    func loadedHighCompressionStream(level: Int32) -> UnsafeMutablePointer<LZ4_streamHC_t> {
        pthread_mutex_lock(highLock)
        defer { pthread_mutex_unlock(highLock) }
        if let highStream { return highStream }
        let stream = LZ4_createStreamHC()!
        LZ4_resetStreamHC_fast(stream, level)
        _ = LZ4_loadDictHC(stream, storage.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        highStream = stream
        return stream
    }

    /// The dictionary bytes at their fixed address, valid while `self` lives.
    var stableBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage.baseAddress, count: bytes.count) }

    /// The number of dictionary bytes.
    public var count: Int { bytes.count }
}
