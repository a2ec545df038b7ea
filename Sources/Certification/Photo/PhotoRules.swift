/// The photo rules of notice §三(二)2: JPEG, taller than 132 px, wider than 88 px, 40–80 KB.
public enum PhotoRules {
    /// Decision: 1 KB = 1,024 bytes, so 40,960 to 81,920 bytes inclusive.
    public static let sizeRange = 40_960...81_920
    /// Heights must be greater than this.
    public static let minimumHeightExclusive = 132
    /// Widths must be greater than this.
    public static let minimumWidthExclusive = 88

    /// What was read from an accepted photo.
    public struct Facts: Sendable, Hashable {
        /// The decoded bytes (for the blob store).
        public var bytes: [UInt8]
        public var widthPx: Int
        public var heightPx: Int
        public var byteCount: Int { bytes.count }
    }

    /// Decodes and checks a photo, in the spec's order: undecodable base64 (`invalid-field`),
    /// then `photo-not-jpeg`, `photo-too-small`, `photo-size-out-of-range`.
    /// - Parameter field: the JSON path of the base64 text, for rejections.
    public static func check(base64 text: String, field: String) -> Result<Facts, Rejection> {
        guard let bytes = Base64.decode(text) else { return .failure(undecodable(field: field)) }
        return check(jpeg: bytes, field: field)
    }

    /// The refusal of photo text that is not base64 (a shape error, `invalid-field`).
    public static func undecodable(field: String) -> Rejection {
        Rejection(
            .invalidField,
            "the photo is not valid base64 (standard alphabet, padded, no line breaks)",
            field: field
        )
    }

    /// Checks decoded photo bytes: `photo-not-jpeg`, `photo-too-small`, `photo-size-out-of-range`.
    public static func check(jpeg bytes: [UInt8], field: String) -> Result<Facts, Rejection> {
        guard let frame = JPEGInspector.frame(of: bytes) else {
            return .failure(
                Rejection(
                    .photoNotJPEG,
                    "the photo must be a JPEG file (it has no JPEG start marker or frame header)",
                    field: field
                )
            )
        }
        guard frame.width > minimumWidthExclusive, frame.height > minimumHeightExclusive else {
            return .failure(
                Rejection(
                    .photoTooSmall,
                    "the photo is \(frame.width)×\(frame.height) px; it must be wider than \(minimumWidthExclusive) px and taller than \(minimumHeightExclusive) px",
                    field: field
                )
            )
        }
        guard sizeRange.contains(bytes.count) else {
            return .failure(
                Rejection(
                    .photoSizeOutOfRange,
                    "the photo is \(bytes.count) bytes; it must be 40 to 80 KB (\(sizeRange.lowerBound) to \(sizeRange.upperBound) bytes)",
                    field: field
                )
            )
        }
        return .success(Facts(bytes: bytes, widthPx: frame.width, heightPx: frame.height))
    }

    /// Checks a recorded photo's facts (re-running a history whose bytes may not be in this
    /// store): `photo-too-small`, `photo-size-out-of-range`.
    public static func check(_ record: PhotoRecord, field: String) -> Rejection? {
        guard record.widthPx > minimumWidthExclusive, record.heightPx > minimumHeightExclusive else {
            return Rejection(
                .photoTooSmall,
                "the photo is \(record.widthPx)×\(record.heightPx) px; it must be wider than \(minimumWidthExclusive) px and taller than \(minimumHeightExclusive) px",
                field: field
            )
        }
        guard sizeRange.contains(record.bytes) else {
            return Rejection(
                .photoSizeOutOfRange,
                "the photo is \(record.bytes) bytes; it must be \(sizeRange.lowerBound) to \(sizeRange.upperBound) bytes",
                field: field
            )
        }
        return nil
    }
}
