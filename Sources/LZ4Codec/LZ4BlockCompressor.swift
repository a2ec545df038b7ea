import CLZ4

#if canImport(Glibc)
import Glibc
#endif

/// Compresses blocks, each independently decodable, optionally against a shared dictionary.
///
/// One compressor owns one LZ4 working stream; it is not thread-safe (give each writer its own).
/// With a dictionary, the pre-hashed dictionary stream is copied into the working stream before
/// each block, so every block depends only on the dictionary, never on earlier blocks: any block
/// can be read alone.
public final class LZ4BlockCompressor {
    private let workingStream: UnsafeMutablePointer<LZ4_stream_t>
    private let highStream: UnsafeMutablePointer<LZ4_streamHC_t>
    /// LZ4's speed/ratio knob; 1 is the default ratio.
    public let acceleration: Int32
    /// The LZ4HC level used when high compression is asked for.
    public let highCompressionLevel: Int32

    /// Creates a compressor.
    /// - Parameters:
    ///   - acceleration: 1 (best ratio of the fast mode) or more (faster, larger output).
    ///   - highCompressionLevel: the LZ4HC level (3–12) for ``compress(_:into:dictionary:highCompression:)``.
    public init(acceleration: Int32 = 1, highCompressionLevel: Int32 = 9) {
        workingStream = LZ4_createStream()!
        highStream = LZ4_createStreamHC()!
        self.acceleration = acceleration
        self.highCompressionLevel = highCompressionLevel
    }

    deinit {
        LZ4_freeStream(workingStream)
        LZ4_freeStreamHC(highStream)
    }

    /// Compresses `source` into `destination`.
    ///
    /// - Parameters:
    ///   - source: raw bytes, at most ``LZ4Block/maximumInputSize``.
    ///   - destination: output room; at least ``LZ4Block/compressBound(_:)`` guarantees success.
    ///   - dictionary: the dictionary to compress against, or `nil`.
    ///   - highCompression: use LZ4HC (about ten times slower, 15–25 % smaller); worth it for
    ///     small blocks whose cost is dominated by a sync anyway. The output decodes the same way.
    /// - Returns: the number of bytes written, or `nil` if `destination` was too small
    ///   (the caller then stores the block uncompressed).
    public func compress(
        _ source: UnsafeRawBufferPointer,
        into destination: UnsafeMutableRawBufferPointer,
        dictionary: LZ4Dictionary?,
        highCompression: Bool = false
    ) -> Int? {
        guard source.count > 0, source.count <= LZ4Block.maximumInputSize,
            let src = source.baseAddress, let dst = destination.baseAddress
        else { return nil }
        let written: Int32
        if highCompression {
            if let dictionary, dictionary.count > 0 {
                memcpy(
                    highStream,
                    dictionary.loadedHighCompressionStream(level: highCompressionLevel),
                    MemoryLayout<LZ4_streamHC_t>.size
                )
            } else {
                LZ4_resetStreamHC_fast(highStream, highCompressionLevel)
            }
            written = LZ4_compress_HC_continue(
                highStream,
                src.assumingMemoryBound(to: CChar.self),
                dst.assumingMemoryBound(to: CChar.self),
                Int32(source.count),
                Int32(destination.count)
            )
        } else if let dictionary, dictionary.count > 0 {
            memcpy(workingStream, dictionary.loadedStream, MemoryLayout<LZ4_stream_t>.size)
            written = LZ4_compress_fast_continue(
                workingStream,
                src.assumingMemoryBound(to: CChar.self),
                dst.assumingMemoryBound(to: CChar.self),
                Int32(source.count),
                Int32(destination.count),
                acceleration
            )
        } else {
            LZ4_resetStream_fast(workingStream)
            written = LZ4_compress_fast_continue(
                workingStream,
                src.assumingMemoryBound(to: CChar.self),
                dst.assumingMemoryBound(to: CChar.self),
                Int32(source.count),
                Int32(destination.count),
                acceleration
            )
        }
        return written > 0 ? Int(written) : nil
    }
}
