/// Reads a JPEG's dimensions from its own frame header, walking the marker segments.
///
/// The client's word on a photo's size is never trusted: the photo must start with SOI, and a
/// frame header (SOF0–SOF15 except DHT `C4`, JPG `C8` and DAC `CC`) must come before the first
/// scan. Every length is bounds-checked; malformed input is refused, never trapped on.
public enum JPEGInspector {
    /// What the frame header says.
    public struct Frame: Sendable, Hashable {
        public var width: Int
        public var height: Int
    }

    /// The frame header's dimensions, or `nil` when `bytes` is not a well-formed JPEG up to it.
    public static func frame(of bytes: [UInt8]) -> Frame? {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var i = 2
        while i < bytes.count {
            guard bytes[i] == 0xFF else { return nil }
            // Any number of 0xFF fill bytes may precede a marker.
            while i < bytes.count, bytes[i] == 0xFF { i += 1 }
            guard i < bytes.count else { return nil }
            let marker = bytes[i]
            i += 1
            switch marker {
            case 0x01, 0xD0...0xD7:
                continue  // standalone markers, no length
            case 0xD8, 0xD9, 0xDA, 0x00:
                return nil  // a second SOI, the end, or a scan before any frame header
            default:
                break
            }
            guard i + 2 <= bytes.count else { return nil }
            let length = Int(bytes[i]) << 8 | Int(bytes[i + 1])
            guard length >= 2, i + length <= bytes.count else { return nil }
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                // length, precision, height, width, component count, 3 bytes per component
                guard length >= 8 else { return nil }
                let height = Int(bytes[i + 3]) << 8 | Int(bytes[i + 4])
                let width = Int(bytes[i + 5]) << 8 | Int(bytes[i + 6])
                let components = Int(bytes[i + 7])
                guard components >= 1, length == 8 + 3 * components else { return nil }
                return Frame(width: width, height: height)
            }
            i += length
        }
        return nil
    }
}
