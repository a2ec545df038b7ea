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
    /// LZ4's speed/ratio knob; 1 is the default ratio.
    public let acceleration: Int32

    /// Creates a compressor.
    /// - Parameter acceleration: 1 (best ratio of the fast mode) or more (faster, larger output).
    public init(acceleration: Int32 = 1) {
        workingStream = LZ4_createStream()!
        self.acceleration = acceleration
    }

    deinit { LZ4_freeStream(workingStream) }

    /// Compresses `source` into `destination`.
    ///
    /// - Parameters:
    ///   - source: raw bytes, at most ``LZ4Block/maximumInputSize``.
    ///   - destination: output room; at least ``LZ4Block/compressBound(_:)`` guarantees success.
    ///   - dictionary: the dictionary to compress against, or `nil`.
    /// - Returns: the number of bytes written, or `nil` if `destination` was too small
    ///   (the caller then stores the block uncompressed).
    public func compress(
        _ source: UnsafeRawBufferPointer,
        into destination: UnsafeMutableRawBufferPointer,
        dictionary: LZ4Dictionary?
    ) -> Int? {
        guard source.count > 0, source.count <= LZ4Block.maximumInputSize,
            let src = source.baseAddress, let dst = destination.baseAddress
        else { return nil }
        let written: Int32
        if let dictionary, dictionary.count > 0 {
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
