import CLZ4

/// LZ4 block compression (the raw block format, no frame), with or without a dictionary.
///
/// The log frames, checksums and sizes its blocks itself, so the block API is the right layer:
/// the LZ4 frame format would repeat that framing. Decompression uses only
/// `LZ4_decompress_safe*`, which never reads or writes outside the buffers it is given.
public enum LZ4Block {
    /// The largest input LZ4 accepts in one block.
    public static let maximumInputSize = Int(LZ4_MAX_INPUT_SIZE)

    /// The worst-case compressed size of `count` bytes of input.
    public static func compressBound(_ count: Int) -> Int { Int(LZ4_compressBound(Int32(count))) }

    /// Decompresses one block into `destination`, which must be exactly the declared raw size.
    ///
    /// - Parameters:
    ///   - source: the compressed bytes.
    ///   - destination: room for exactly the raw size the writer declared.
    ///   - dictionary: the dictionary the block was compressed with, if any.
    /// - Throws: ``LZ4Error/corruptBlock(expectedSize:producedSize:)`` when the bytes are malformed
    ///   or do not fill `destination` exactly.
    public static func decompress(
        _ source: UnsafeRawBufferPointer,
        into destination: UnsafeMutableRawBufferPointer,
        dictionary: LZ4Dictionary? = nil
    ) throws(LZ4Error) {
        guard source.count <= maximumInputSize, destination.count <= maximumInputSize else {
            throw .inputTooLarge(max(source.count, destination.count))
        }
        if destination.count == 0 {
            // A valid empty block is the single token 0x00.
            guard source.count == 1, source[0] == 0 else { throw .corruptBlock(expectedSize: 0, producedSize: -1) }
            return
        }
        guard let src = source.baseAddress, let dst = destination.baseAddress else {
            throw .corruptBlock(expectedSize: destination.count, producedSize: -1)
        }
        let produced: Int32
        if let dictionary, dictionary.count > 0 {
            let dict = dictionary.stableBytes
            produced = LZ4_decompress_safe_usingDict(
                src.assumingMemoryBound(to: CChar.self),
                dst.assumingMemoryBound(to: CChar.self),
                Int32(source.count),
                Int32(destination.count),
                dict.baseAddress!.assumingMemoryBound(to: CChar.self),
                Int32(dict.count)
            )
        } else {
            produced = LZ4_decompress_safe(
                src.assumingMemoryBound(to: CChar.self),
                dst.assumingMemoryBound(to: CChar.self),
                Int32(source.count),
                Int32(destination.count)
            )
        }
        guard Int(produced) == destination.count else {
            throw .corruptBlock(expectedSize: destination.count, producedSize: Int(produced))
        }
    }

    /// Decompresses one block to a new array of `rawSize` bytes.
    public static func decompress(
        _ source: UnsafeRawBufferPointer,
        rawSize: Int,
        dictionary: LZ4Dictionary? = nil
    ) throws(LZ4Error) -> [UInt8] {
        var failure: LZ4Error?
        let result = [UInt8](unsafeUninitializedCapacity: rawSize) { buffer, initialized in
            do throws(LZ4Error) {
                try decompress(source, into: UnsafeMutableRawBufferPointer(buffer), dictionary: dictionary)
                initialized = rawSize
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return result
    }
}
