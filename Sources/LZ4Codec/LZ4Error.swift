/// Why an LZ4 operation failed.
public enum LZ4Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is larger than LZ4's block limit (about 2 GiB).
    case inputTooLarge(Int)
    /// The compressed bytes are malformed, or decompress to a size other than the one declared.
    case corruptBlock(expectedSize: Int, producedSize: Int)

    public var description: String {
        switch self {
        case .inputTooLarge(let size):
            return "LZ4 input of \(size) bytes exceeds the block limit of \(LZ4Block.maximumInputSize) bytes"
        case .corruptBlock(let expected, let produced):
            return "LZ4 block is corrupt: expected \(expected) bytes, decoder produced \(produced)"
        }
    }
}
